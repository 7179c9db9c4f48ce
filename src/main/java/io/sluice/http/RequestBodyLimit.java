package io.sluice.http;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Set;

/**
 * The one place the request body limit is enforced, whatever the transfer encoding and whoever reads the body.
 *
 * <p>Javalin's own limit throws its {@code HttpResponseException} while a route reads the body. The protocol
 * adapters render {@link SluiceException}s in their vendor's shape and take anything else for a bug, so a chunked
 * body past the limit (which only that read notices) was a 500 on every route that catches unexpected failures.
 * Here the body's stream itself refuses: a declared {@code Content-Length} over the limit at the first read, a
 * body of unknown length as soon as it has delivered more than the limit. The failure is a PAYLOAD_TOO_LARGE
 * {@link SluiceException}, which every adapter already answers with 413 in its own error shape.
 *
 * <p>Streams of rows whose length has no limit by design ({@code /inserts-stream}) are not wrapped.
 */
final class RequestBodyLimit implements Filter {

    private static final Set<String> UNLIMITED_PATHS = Set.of("/inserts-stream");
    /** How much of a refused body is read off so that the 413 arrives; a larger one has its connection dropped. */
    private static final long DRAIN_LIMIT_BYTES = 64L * 1024 * 1024;

    private final long maxBytes;

    RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && !UNLIMITED_PATHS.contains(http.getRequestURI())) {
            chain.doFilter(new Limited(http, maxBytes), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    static SluiceException tooLarge(long maxBytes) {
        return new SluiceException(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than the limit of " + maxBytes + " bytes");
    }

    /** The request with its body behind the limit; one counting stream however often it is asked for. */
    private static final class Limited extends HttpServletRequestWrapper {

        private final long maxBytes;
        private CountingStream stream;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), getContentLengthLong(), maxBytes);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long declaredLength;
        private final long maxBytes;
        private long read;

        CountingStream(ServletInputStream in, long declaredLength, long maxBytes) {
            this.in = in;
            this.declaredLength = declaredLength;
            this.maxBytes = maxBytes;
        }

        /** Refuses before reading when the declared length is already too much, so the body is never taken in. */
        private void checkDeclared() {
            if (declaredLength > maxBytes && !refused) {
                throw refuse();
            }
        }

        /** Set once the limit was reported: the rest may then only be read off and dropped (see below). */
        private boolean refused;

        /**
         * Counts what was read. After the one refusal, reads pass through: the caller answers 413 and reads off what the
         * client still sends (at most a bounded amount, {@link Authentication#discardBody}), which an HTTP/2 client needs
         * to see the answer instead of a reset stream.
         */
        private int counted(int bytes) {
            if (bytes > 0 && !refused) {
                read += bytes;
                if (read > maxBytes) {
                    throw refuse();
                }
            }
            return bytes;
        }

        /**
         * Reads off what the client still sends (up to a bound) before the 413 is written: a server that answers and
         * closes while a body is still arriving makes the kernel reset the connection, and the client then loses the
         * answer too (seen in CI as an HTTP/1.1 answer with no bytes). Past the bound the connection is dropped.
         */
        private SluiceException refuse() {
            refused = true;
            byte[] buffer = new byte[16 * 1024];
            long drained = 0;
            try {
                int count;
                while (drained < DRAIN_LIMIT_BYTES && (count = in.read(buffer)) >= 0) {
                    drained += count;
                }
            } catch (IOException e) {
                // The client is gone; the refusal stands.
            }
            return tooLarge(maxBytes);
        }

        @Override
        public int read() throws IOException {
            checkDeclared();
            int next = in.read();
            if (next >= 0) {
                counted(1);
            }
            return next;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkDeclared();
            return counted(in.read(buffer, offset, length));
        }

        @Override
        public int readLine(byte[] buffer, int offset, int length) throws IOException {
            checkDeclared();
            return counted(in.readLine(buffer, offset, length));
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
