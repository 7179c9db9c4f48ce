package io.sluice.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The buffer between a result encoder and the servlet stream. Two things set it apart from
 * {@link java.io.BufferedOutputStream}:
 * <ul>
 *   <li>It starts small and doubles up to its limit as bytes pass. A {@code SELECT 1} answer is a few bytes, and
 *       a 64 KB buffer allocated for each was most of what a small statement allocated (JFR, 32 clients); a large
 *       result still reaches the socket in 64 KB writes.</li>
 *   <li>{@link #flush()} hands the bytes on but does not flush the servlet stream. A result that fits in Jetty's
 *       own buffer then goes out when the exchange ends, as one write with a Content-Length, instead of a chunk
 *       now and the terminating chunk later. {@link #flushResponse()} is the real flush.</li>
 * </ul>
 * The JDK's BufferedOutputStream grows only through a constructor it keeps to itself, hence this class.
 */
final class ResponseBuffer extends OutputStream {

    static final int FIRST_BYTES = 4 * 1024;

    private final OutputStream response;
    private final int limit;
    private byte[] bytes;
    private int length;

    ResponseBuffer(OutputStream response, int limit) {
        this.response = response;
        this.limit = limit;
        this.bytes = new byte[Math.min(FIRST_BYTES, limit)];
    }

    @Override
    public void write(int b) throws IOException {
        if (length == bytes.length) {
            makeRoom(1);
        }
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int count) throws IOException {
        if (count >= limit) {
            handOn();
            response.write(source, offset, count);
            return;
        }
        if (length + count > bytes.length) {
            makeRoom(count);
        }
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    /** Passes everything buffered to the servlet stream, which may still hold it; see the class comment. */
    @Override
    public void flush() throws IOException {
        handOn();
    }

    /** Passes everything on and flushes the servlet stream, so the bytes go to the client now. */
    void flushResponse() throws IOException {
        handOn();
        response.flush();
    }

    int capacity() {
        return bytes.length;
    }

    private void makeRoom(int count) throws IOException {
        if (bytes.length < limit) {
            int wanted = bytes.length * 2;
            while (wanted < length + count && wanted < limit) {
                wanted *= 2;
            }
            bytes = Arrays.copyOf(bytes, Math.min(limit, wanted));
        }
        if (length + count > bytes.length) {
            handOn();
        }
    }

    private void handOn() throws IOException {
        if (length > 0) {
            response.write(bytes, 0, length);
            length = 0;
        }
    }
}
