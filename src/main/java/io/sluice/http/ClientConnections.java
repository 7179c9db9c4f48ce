package io.sluice.http;

import io.javalin.http.Context;
import io.sluice.core.statement.ClientConnection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.LoggerFactory;

/** The audit's view of an HTTP exchange: the client's address and the bytes this response has carried. */
public final class ClientConnections {

    private ClientConnections() {
    }

    /**
     * The client's socket address (forwarding headers are not trusted: anyone can send them) and a byte count that
     * reads the live response until the exchange completes and then stays at its final value — Jetty reuses
     * response objects for later requests on the connection, so a statement ending after its submission was
     * answered must not read someone else's count.
     */
    /** The audit's view of a read of a stored result through this exchange. */
    public static io.sluice.core.statement.ResultReader reader(Context context, String protocol) {
        return new io.sluice.core.statement.ResultReader(protocol, of(context));
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ClientConnections.class).warn("a task after an exchange failed", e);
        }
    }

    public static ClientConnection of(Context context) {
        String address = context.req().getRemoteAddr();
        try {
            ServletContextRequest request = ServletContextRequest.getServletContextRequest(context.req());
            // Let go of the response once the exchange is over: the statement holding this connection may stay
            // in the registry long after, and the response holds the whole Jetty exchange.
            AtomicReference<Response> live = new AtomicReference<>(request.getServletContextResponse());
            AtomicLong finalCount = new AtomicLong(-1);
            java.util.List<Runnable> afterwards = new java.util.ArrayList<>();
            Request.addCompletionListener(request, failure -> {
                finalCount.set(Response.getContentBytesWritten(live.get()));
                live.set(null);
                List<Runnable> tasks;
                synchronized (afterwards) {
                    tasks = List.copyOf(afterwards);
                    afterwards.clear();
                }
                tasks.forEach(ClientConnections::runQuietly);
            });
            return new ClientConnection(address, () -> {
                Response response = live.get();
                long done = finalCount.get();
                // finalCount is set before the response is let go, so a missing response means done is final.
                return done >= 0 || response == null ? finalCount.get() : Response.getContentBytesWritten(response);
            }, task -> {
                synchronized (afterwards) {
                    if (finalCount.get() < 0) {
                        afterwards.add(task);
                        return;
                    }
                }
                runQuietly(task); // the exchange is already over
            });
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ClientConnections.class).debug("no byte count for this exchange", e);
            return new ClientConnection(address, () -> 0);
        }
    }
}
