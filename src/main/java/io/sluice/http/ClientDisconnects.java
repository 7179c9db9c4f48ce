package io.sluice.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a client that goes away while its request is still being worked on — before the first byte of
 * the answer, when no write can fail yet — so the work can be stopped instead of running for nobody.
 *
 * <p>Jetty reports this for HTTP/2 streams (the session reads frames all the time, so a reset or a closed
 * connection is seen at once). On HTTP/1.1 Jetty does not read while the handler runs, so a client that
 * closes its socket before the first row is noticed only at the first write or by the statement's timeout.
 */
public final class ClientDisconnects {

    private static final Logger LOG = LoggerFactory.getLogger(ClientDisconnects.class);

    private ClientDisconnects() {
    }

    /** Runs {@code onGone} (once, on a Jetty thread; it must not block) if the client's connection or stream fails. */
    public static void onGone(Context context, Runnable onGone) {
        try {
            ServletContextRequest.getServletContextRequest(context.req()).addFailureListener(failure -> onGone.run());
        } catch (RuntimeException e) {
            LOG.debug("cannot watch the connection of this request", e);
        }
    }
}
