package io.sluice.engine.trino;

import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.SluiceException;
import io.trino.jdbc.TrinoDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A remote Trino cluster behind the Engine SPI, spoken to with Trino's client protocol (its JDBC driver).
 * Statements run as the principal's own Trino user, so Trino's access control applies on top of Sluice's
 * grants. Sluice starts whether or not Trino answers: statements for Trino then fail with
 * ENGINE_UNAVAILABLE and readiness reports the engine down until Trino is back.
 */
public final class TrinoEngine implements Engine {

    private final TrinoConfig config;
    private final TrinoDriver driver = new TrinoDriver();
    private final Set<TrinoStatement> openStatements = ConcurrentHashMap.newKeySet();
    /** Health checks run apart so a hung coordinator cannot hang the readiness endpoint past the timeout. */
    private final java.util.concurrent.ExecutorService healthChecks = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;

    /**
     * Watches the coordinator while statements run: the driver retries a coordinator that died for minutes, so
     * when it has not answered for {@code requestTimeout} every open statement is failed with the reason.
     */
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("trino-watchdog").factory());
    private final java.net.http.HttpClient probes = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();
    private volatile long unreachableSince = -1;
    /** Where the queries this node starts on Trino are recorded while they run (a cluster's survivors stop them). */
    private volatile io.sluice.core.engine.OutsideWork queries = io.sluice.core.engine.OutsideWork.NONE;
    /** {@link io.sluice.core.engine.OutsideWork} kind of a query on this engine's coordinator. */
    public static final String QUERY = "trino-query";

    public TrinoEngine(TrinoConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        watchdog.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    private void watch() {
        if (openStatements.isEmpty()) {
            unreachableSince = -1;
            return;
        }
        String problem = probe();
        if (problem == null) {
            unreachableSince = -1;
            return;
        }
        long now = System.nanoTime();
        if (unreachableSince < 0) {
            unreachableSince = now;
        }
        if (now - unreachableSince >= config.requestTimeout().toNanos()) {
            String reason = "the coordinator at " + config.httpUri() + " stopped answering (" + problem + ")";
            for (TrinoStatement statement : List.copyOf(openStatements)) {
                statement.lose(reason);
            }
        }
    }

    /** Null when the coordinator answers {@code GET /v1/info}; otherwise what went wrong. */
    private String probe() {
        try {
            var response = probes.send(java.net.http.HttpRequest.newBuilder(config.httpUri().resolve("/v1/info"))
                    .timeout(java.time.Duration.ofSeconds(2)).GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
        } catch (java.io.IOException e) {
            return e instanceof java.net.ConnectException ? "connection refused"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public String name() {
        return "trino";
    }

    public TrinoConfig config() {
        return config;
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        Objects.requireNonNull(request, "request");
        String user = request.session().user() == null || request.session().user().isBlank() ? config.user()
                : request.session().user();
        io.sluice.core.engine.OutsideWork recorded = queries;
        TrinoStatement statement = new TrinoStatement(request, connect(user), config, openStatements::remove,
                queryId -> recorded.started(QUERY, queryId, user));
        openStatements.add(statement);
        if (closed) {
            statement.close();
            throw TrinoErrors.unavailable("the engine is shut down", null);
        }
        return statement;
    }

    /** Records every query this engine starts in {@code work} while it runs (in a cluster, see {@link io.sluice.core.engine.OutsideWork}). */
    public void recordQueriesIn(io.sluice.core.engine.OutsideWork work) {
        this.queries = Objects.requireNonNull(work, "work");
    }

    /**
     * Stops a query another node started on this coordinator and can no longer stop (it died), with Trino's own
     * {@code DELETE /v1/query/{id}} as the user the query runs as. A query that already ended is left as it is.
     *
     * @return true when the coordinator took the request (it answers so also for a query already over)
     */
    public boolean stopQuery(String queryId, String user) {
        try {
            var response = probes.send(java.net.http.HttpRequest.newBuilder(config.httpUri().resolve(
                            "/v1/query/" + java.net.URLEncoder.encode(queryId, java.nio.charset.StandardCharsets.UTF_8)))
                    .timeout(java.time.Duration.ofSeconds(5)).header("X-Trino-User", user).DELETE().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 || response.statusCode() == 404 || response.statusCode() == 410;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A connection as {@code user}. Opening one does not talk to Trino (the driver connects per query), so an
     * unreachable Trino shows up when the statement runs, as ENGINE_UNAVAILABLE.
     */
    Connection connect(String user) {
        if (closed) {
            throw TrinoErrors.unavailable("the engine is shut down", null);
        }
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("source", "sluice");
        // Evaluate in UTC like the embedded engine; encoders render TIMESTAMP WITH TIME ZONE in the session's zone.
        properties.setProperty("timezone", "UTC");
        // One round trip per parameterised statement (EXECUTE IMMEDIATE) instead of PREPARE + EXECUTE.
        properties.setProperty("explicitPrepare", "false");
        // The driver retries a coordinator that stopped answering for this long; then the statement fails.
        properties.setProperty("timeout", config.requestTimeout().toSeconds() + "s");
        try {
            Connection connection = driver.connect(config.jdbcUrl(), properties);
            if (connection == null) {
                throw new SluiceException(io.sluice.core.error.ErrorCode.ENGINE_UNAVAILABLE,
                        "engines.trino.url is not a Trino URL: " + config.url());
            }
            return connection;
        } catch (SQLException e) {
            throw TrinoErrors.unavailable(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> resolveTable(List<String> parts) {
        if (parts.size() != 3 || !config.catalogs().contains(parts.get(0).toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return lookup("SELECT lower(table_catalog || '.' || table_schema || '.' || table_name) FROM "
                + quote(parts.get(0)) + ".information_schema.tables WHERE table_schema = ? AND table_name = ?",
                List.of(parts.get(1).toLowerCase(Locale.ROOT), parts.get(2).toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<String> resolveSchema(List<String> parts) {
        if (parts.size() != 2 || !config.catalogs().contains(parts.get(0).toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return lookup("SELECT lower(catalog_name || '.' || schema_name) FROM " + quote(parts.get(0))
                + ".information_schema.schemata WHERE schema_name = ?", List.of(parts.get(1).toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<Set<String>> catalogs() {
        return Optional.of(Set.copyOf(config.catalogs()));
    }

    private Optional<String> lookup(String sql, List<String> parameters) {
        try (Connection connection = connect(config.user()); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.size(); index++) {
                statement.setString(index + 1, parameters.get(index));
            }
            try (ResultSet rows = statement.executeQuery()) {
                Optional<String> found = rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
                TrinoStatement.drain(rows);
                return found;
            }
        } catch (SQLException e) {
            throw TrinoErrors.map(e, false);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.toLowerCase(Locale.ROOT).replace("\"", "\"\"") + '"';
    }

    /**
     * True when the coordinator answers a query within the health timeout. {@code SELECT 1} needs a node that
     * can run tasks, so a coordinator without workers is unhealthy too.
     */
    @Override
    public boolean healthy() {
        if (closed) {
            return false;
        }
        Future<Boolean> check = healthChecks.submit(this::answers);
        try {
            return check.get(config.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return false;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean answers() {
        try (Connection connection = connect(config.user());
                var statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1")) {
            boolean answered = rows.next() && rows.getInt(1) == 1;
            TrinoStatement.drain(rows);
            return answered;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TrinoStatement statement : List.copyOf(openStatements)) {
            statement.cancel();
            statement.close();
        }
        healthChecks.shutdownNow();
        watchdog.shutdownNow();
    }
}
