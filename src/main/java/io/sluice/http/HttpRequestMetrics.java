package io.sluice.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code http_server_requests} (seconds) by method, route template and status. Routes are templates and unmatched
 * paths share one value, so ids in paths never add series. The buckets reach the default statement timeout (30
 * minutes), since a streaming request lasts as long as its statement.
 */
final class HttpRequestMetrics {

    static final String NAME = "http_server_requests";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)};

    private final MeterRegistry meters;
    /** Looked up once per tag combination: the registry's own lookup locks, and this runs per request. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    HttpRequestMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void record(Context context, String route, Float durationMs) {
        String method = context.method().name();
        String status = Integer.toString(context.statusCode());
        timers.computeIfAbsent(method + '\u0000' + route + '\u0000' + status, ignored -> Timer.builder(NAME)
                .tag("method", method).tag("route", route).tag("status", status)
                .serviceLevelObjectives(BUCKETS).description("HTTP requests by route template and status")
                .register(meters)).record(Duration.ofNanos(durationMs == null ? 0 : (long) (durationMs * 1_000_000)));
    }
}
