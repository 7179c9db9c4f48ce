package io.sluice.core.statement;

import java.util.function.LongSupplier;

/**
 * Where a statement came from, for the audit: the client's address and a live count of the bytes sent back on
 * the exchange that submitted it (read when the statement ends). Protocol-neutral: an adapter fills it from its
 * transport.
 *
 * @param remoteAddress the client's IP address as the server saw it (no proxy headers are trusted)
 * @param bytesSent bytes of response content written so far on the submitting exchange
 */
public record ClientConnection(String remoteAddress, LongSupplier bytesSent) {

    public static final ClientConnection UNKNOWN = new ClientConnection(null, () -> 0);
}
