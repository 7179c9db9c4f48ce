package io.sluice.http;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.NegotiatingServerConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP/1.1 connections whose client takes longer than the header timeout to send one request's line
 * and headers (slowloris). Jetty's idle timeout restarts with every byte, so a client that trickles a byte
 * a second holds a connection — and, in numbers, the whole connector — forever; this puts a deadline on the
 * header phase itself.
 *
 * <p>A sweep over the connector's connections a few times a second notes when each one was first seen with a
 * request begun but its headers unfinished, keyed by how many requests the connection had read then (so a
 * keep-alive connection gets a fresh deadline per request), and closes it once that is older than the
 * timeout. Connections waiting for their next request, reading a body or writing a response are left alone:
 * the idle timeout governs those. A TLS connection still in its handshake or ALPN negotiation counts as in its
 * header phase. HTTP/2 has its own frame and stream limits.
 */
final class SlowRequestGuard extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(SlowRequestGuard.class);

    private record HeaderPhase(long request, long sinceNanos) {
    }

    private final AbstractConnector connector;
    private final long timeoutNanos;
    private final long sweepMillis;
    private final Map<EndPoint, HeaderPhase> inHeaders = new ConcurrentHashMap<>();
    private volatile Scheduler.Task next;

    SlowRequestGuard(AbstractConnector connector, long timeoutMillis) {
        this.connector = connector;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.sweepMillis = Math.clamp(timeoutMillis / 4, 50, 1_000);
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        inHeaders.clear();
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            next = connector.getScheduler().schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    private static final long NOT_IN_HEADERS = Long.MIN_VALUE;

    /**
     * Which request of the connection is in its header phase (how many it had read before), -1 while a TLS
     * connection is still in its handshake or protocol negotiation (a client can trickle those too), or
     * {@link #NOT_IN_HEADERS}.
     */
    private static long headerPhase(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            Connection inner = ssl.getSslEndPoint().getConnection();
            if (inner == null || inner instanceof SslConnection || inner instanceof NegotiatingServerConnection) {
                return -1;
            }
            return headerPhase(inner);
        }
        if (connection instanceof HttpConnection http) {
            var parser = http.getParser();
            return parser.isStart() || !parser.inHeaderState() ? NOT_IN_HEADERS : http.getMessagesIn();
        }
        return NOT_IN_HEADERS;
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            Set<EndPoint> open = connector.getConnectedEndPoints().stream().collect(Collectors.toSet());
            inHeaders.keySet().retainAll(open);
            for (EndPoint endPoint : open) {
                long request = headerPhase(endPoint.getConnection());
                if (request == NOT_IN_HEADERS) {
                    inHeaders.remove(endPoint);
                    continue;
                }
                HeaderPhase phase = inHeaders.compute(endPoint, (key, seen) ->
                        seen != null && seen.request() == request ? seen : new HeaderPhase(request, now));
                if (now - phase.sinceNanos() > timeoutNanos) {
                    LOG.debug("closing {}: request headers not complete within the header timeout", endPoint.getRemoteSocketAddress());
                    inHeaders.remove(endPoint);
                    endPoint.close();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("slow request sweep failed", e);
        } finally {
            schedule();
        }
    }
}
