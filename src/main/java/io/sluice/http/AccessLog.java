package io.sluice.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.sluice.core.auth.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One line per HTTP request on a logger of its own ({@value #LOGGER}), with method, route, status, duration and the
 * principal when the request was authenticated, as key-value pairs. The route is the matched template
 * ({@code /sluice/v1/statements/{id}}), never the raw path, so statement ids and keys in paths stay out of the index.
 * Health probes come every few seconds and say nothing new: they are logged at DEBUG.
 */
final class AccessLog {

    static final String LOGGER = "sluice.access";
    /** The route of a request no endpoint matched (a 404): one value, however many paths clients try. */
    static final String UNMATCHED = "unmatched";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** Set once the app exists; it finds the route of a request refused before its endpoint ran (a 401). */
    private volatile InternalRouter router;

    void routeBy(InternalRouter router) {
        this.router = router;
    }

    void log(Context context, String route, Float durationMs) {
        Level level = route.startsWith("/health/") ? Level.DEBUG : Level.INFO;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        Principal principal = Authentication.knownPrincipal(context);
        long millis = durationMs == null ? 0 : Math.round(durationMs);
        var line = LOG.atLevel(level)
                .addKeyValue("method", context.method().name())
                .addKeyValue("route", route)
                .addKeyValue("status", context.statusCode())
                .addKeyValue("durationMs", millis);
        if (principal != null) {
            line = line.addKeyValue("principal", principal.id());
        }
        line.log("{} {} {} in {} ms", context.method().name(), route, context.statusCode(), millis);
    }

    /** The template of the endpoint that answered or would have, or {@link #UNMATCHED}. */
    String routeOf(Context context) {
        Endpoint endpoint = context.endpoints().lastHttpEndpoint();
        if (endpoint != null) {
            return endpoint.path;
        }
        InternalRouter known = router;
        ParsedEndpoint matching = known == null ? null : known.findFirstHttpHandlerEntry(context.method(), context.path());
        return matching == null ? UNMATCHED : matching.endpoint.path;
    }
}
