package io.sluice.engine.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The server's end of one connection to an engine process of one generation (a restarted engine is a new
 * generation; connections to an old one are never reused). Used by one thread at a time.
 */
final class HostConnection implements AutoCloseable {

    private final long generation;
    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;

    private HostConnection(long generation, SocketChannel channel) {
        this.generation = generation;
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 8 * 1024));
    }

    /** Connects and presents the secret; the engine hangs up on a wrong one. */
    static HostConnection open(Path socket, byte[] token, long generation) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            HostConnection connection = new HostConnection(generation, channel);
            connection.out.write(token);
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    long generation() {
        return generation;
    }

    DataInputStream in() {
        return in;
    }

    DataOutputStream out() {
        return out;
    }

    /** Reads a reply's first byte, turning a reply it did not expect into an error. */
    byte reply(byte... expected) throws IOException {
        byte code = in.readByte();
        for (byte each : expected) {
            if (code == each) {
                return code;
            }
        }
        throw new IOException("the engine answered " + code + " where one of " + java.util.Arrays.toString(expected)
                + " was expected");
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to save: the connection is being dropped.
        }
    }
}
