package io.sluice.http;

import io.javalin.http.Context;
import io.sluice.core.result.BatchStream;
import io.sluice.format.FormatOptions;
import io.sluice.format.ResultEncoder;
import io.sluice.format.ResultFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a result to an HTTP response as it is read: constant memory, back-pressure from the socket
 * (a blocking write parks the virtual thread and so stops the engine cursor).
 *
 * <p>A failure after the first byte cannot change the status any more, so the connection is cut instead:
 * the client sees a truncated body (no terminator, incomplete chunked encoding), never a fake success.
 */
public final class ResultStreaming {

    private static final Logger LOG = LoggerFactory.getLogger(ResultStreaming.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    /** What went wrong while streaming, for the caller to record on the statement. */
    public enum Outcome { COMPLETE, CLIENT_GONE, FAILED }

    private ResultStreaming() {
    }

    /**
     * Streams every batch. {@code onClientGone} runs when a write fails because the client went away,
     * so the caller can stop the engine.
     */
    public static Outcome write(Context context, BatchStream stream, ResultFormat format, FormatOptions options,
                                Consumer<String> onClientGone) {
        context.contentType(format.mediaType());
        ResponseBuffer out;
        try {
            out = new ResponseBuffer(context.res().getOutputStream(), BUFFER_BYTES);
        } catch (IOException e) {
            onClientGone.accept("The client disconnected");
            return Outcome.CLIENT_GONE;
        }
        ResultEncoder encoder = format.encoder(out, stream.schema(), options);
        try {
            while (stream.next()) {
                encoder.writeBatch(stream.root());
            }
            encoder.finish();
            out.flush();
            if (context.res().isCommitted()) {
                // A large result: its last bytes go now, and a client gone shows here. A small one still sits
                // in Jetty's buffer and goes out in one piece when the exchange ends (see ResponseBuffer).
                out.flushResponse();
            }
            return Outcome.COMPLETE;
        } catch (UncheckedIOException e) {
            onClientGone.accept("The client disconnected while the result was streamed");
            return Outcome.CLIENT_GONE;
        } catch (IOException e) {
            onClientGone.accept("The client disconnected while the result was streamed");
            return Outcome.CLIENT_GONE;
        } catch (RuntimeException e) {
            if (!context.res().isCommitted()) {
                throw e;
            }
            LOG.debug("result stream failed after the response was committed; cutting the connection", e);
            abortResponse(context);
            return Outcome.FAILED;
        }
    }

    /**
     * Aborts a committed response so the client sees the body is incomplete: on HTTP/1.1 the connection is
     * closed before the final chunk; on HTTP/2 only this stream is reset, so other requests multiplexed on
     * the same connection (a cancel, say) are not hurt.
     */
    public static void abortResponse(Context context) {
        try {
            ServletContextRequest request = ServletContextRequest.getServletContextRequest(context.req());
            request.getServletChannel().abort(new java.io.IOException("result stream failed after the response was committed"));
        } catch (RuntimeException e) {
            LOG.debug("could not abort the response", e);
        }
    }
}
