package io.sluice.core.statement;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where a statement or a read of its result came from, for the audit: the client's address, a live count of the
 * bytes sent back on the exchange (read when the statement ends, or once the exchange is over), and a way to run
 * something once the exchange is over. Protocol-neutral: an adapter fills it from its transport.
 *
 * @param remoteAddress the client's IP address as the server saw it (no proxy headers are trusted)
 * @param bytesSent bytes of response content written so far on the exchange; final once it is over
 * @param whenDone runs a task once the exchange is over (at once when it already is, or when that cannot be known)
 */
public record ClientConnection(String remoteAddress, LongSupplier bytesSent, Consumer<Runnable> whenDone) {

    public static final ClientConnection UNKNOWN = new ClientConnection(null, () -> 0);

    /** A connection whose end is not known: tasks for its end run at once. */
    public ClientConnection(String remoteAddress, LongSupplier bytesSent) {
        this(remoteAddress, bytesSent, Runnable::run);
    }
}
