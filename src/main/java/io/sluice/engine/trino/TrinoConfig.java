package io.sluice.engine.trino;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where Trino is and what Sluice hands it.
 *
 * @param url the coordinator, as {@code http://host:port}, {@code https://host:port} or a {@code jdbc:trino://} URL
 * @param catalogs the catalogs Trino serves for this deployment (lower-case); statements for them go to Trino
 * @param user the Trino user for statements without a principal name and for health checks
 * @param batchRows most rows in one Arrow batch
 * @param batchBytes about the most bytes in one Arrow batch (checked every few hundred rows)
 * @param healthTimeout how long a readiness check waits for Trino before calling it unhealthy
 * @param requestTimeout how long the driver keeps retrying a coordinator that stopped answering before the
 *     statement fails (ENGINE_UNAVAILABLE)
 */
public record TrinoConfig(String url, List<String> catalogs, String user, int batchRows, long batchBytes,
                          Duration healthTimeout, Duration requestTimeout) {

    public static final int DEFAULT_BATCH_ROWS = 16_384;
    public static final long DEFAULT_BATCH_BYTES = 16L * 1024 * 1024;

    public TrinoConfig {
        Objects.requireNonNull(url, "url");
        catalogs = catalogs.stream().map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT)).distinct().toList();
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (batchRows < 1 || batchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
    }

    public static TrinoConfig of(String url, List<String> catalogs) {
        return new TrinoConfig(url, catalogs, "sluice", DEFAULT_BATCH_ROWS, DEFAULT_BATCH_BYTES, Duration.ofSeconds(5),
                DEFAULT_REQUEST_TIMEOUT);
    }

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public TrinoConfig withBatchRows(int rows) {
        return new TrinoConfig(url, catalogs, user, rows, batchBytes, healthTimeout, requestTimeout);
    }

    public TrinoConfig withRequestTimeout(Duration timeout) {
        return new TrinoConfig(url, catalogs, user, batchRows, batchBytes, healthTimeout, timeout);
    }

    /** The driver's URL for {@link #url()}. */
    String jdbcUrl() {
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:trino://")) {
            return trimmed;
        }
        if (trimmed.startsWith("https://")) {
            return "jdbc:trino://" + stripSlash(trimmed.substring("https://".length())) + "?SSL=true";
        }
        if (trimmed.startsWith("http://")) {
            return "jdbc:trino://" + stripSlash(trimmed.substring("http://".length()));
        }
        return "jdbc:trino://" + stripSlash(trimmed);
    }

    /** The coordinator's HTTP address (for its {@code /v1/info} liveness answer). */
    java.net.URI httpUri() {
        String jdbc = jdbcUrl().substring("jdbc:trino://".length());
        boolean tls = jdbc.contains("SSL=true");
        int end = jdbc.length();
        for (char stop : new char[] {'/', '?'}) {
            int at = jdbc.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return java.net.URI.create((tls ? "https://" : "http://") + jdbc.substring(0, end));
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
