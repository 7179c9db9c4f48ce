package io.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code data/sluice.lock}, locked for the life of a server and naming its pid. A second Sluice on the same data
 * directory stops at once with one line naming the directory and the first one's pid, instead of retrying DuckDB's
 * own lock for half a minute and then naming the engine's child process. The operating system drops the lock when
 * the process dies, so a killed server never leaves the directory blocked.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String FILE = "sluice.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path data) {
        Path file = data.resolve(FILE);
        try {
            Files.createDirectories(data);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holderOf(channel);
                channel.close();
                throw new IllegalStateException("data directory " + data.toAbsolutePath().normalize()
                        + " is in use by another Sluice" + holder + "; stop it or start with another --data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + data.toAbsolutePath().normalize()
                    + " (" + file + ")", e);
        }
    }

    /** " (pid N)" when the holder wrote its pid, else nothing. */
    private static String holderOf(FileChannel channel) throws IOException {
        ByteBuffer text = ByteBuffer.allocate(32);
        channel.read(text, 0);
        String pid = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d{1,19}") ? " (pid " + pid + ")" : "";
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
