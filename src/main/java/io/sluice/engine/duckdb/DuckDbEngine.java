package io.sluice.engine.duckdb;

import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBConnection;

/**
 * The embedded DuckDB engine: one persistent database, opened locked down (no file access outside the
 * database, no extensions, no configuration changes), and a connection per running statement: a pooled one
 * with its prepared statements for plain queries, a fresh one for everything else ({@link ConnectionPool}).
 */
public final class DuckDbEngine implements DuckDbDatabase {

    /** Idle pooled connections kept at most: enough for a few dozen concurrent small queries. */
    private static final int IDLE_CONNECTIONS = 64;

    private final DuckDbConfig config;
    private final DuckDBConnection rootConnection;
    private final Set<DuckDbStatement> openStatements = ConcurrentHashMap.newKeySet();
    private final Set<DuckDbReusableStatement> reusableStatements = ConcurrentHashMap.newKeySet();
    private final AccessAnalysisCache analyses = new AccessAnalysisCache(1024);
    /** Idle connections for plain queries; plans are dropped with the access analyses (both follow the catalog). */
    private final ConnectionPool pool = new ConnectionPool(IDLE_CONNECTIONS, analyses::generation);
    /** The same for statements in Trino's dialect, whose connections keep Trino's functions on their search path. */
    private final ConnectionPool trinoPool = new ConnectionPool(IDLE_CONNECTIONS, analyses::generation);
    private volatile boolean closed;

    /**
     * Opens (or creates) the database file.
     *
     * @throws SluiceException ENGINE_UNAVAILABLE when the database cannot be opened
     */
    public DuckDbEngine(DuckDbConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        try {
            Files.createDirectories(config.databaseFile().toAbsolutePath().getParent());
            Files.createDirectories(config.tempDirectory());
            this.rootConnection = (DuckDBConnection) DriverManager.getConnection(
                    "jdbc:duckdb:" + config.databaseFile().toAbsolutePath(), startupProperties(config));
            lockDown(rootConnection, config);
        } catch (SQLException | IOException e) {
            // A startup failure is for operators, so DuckDB's reason (e.g. the file is locked) is kept.
            throw new SluiceException(io.sluice.core.error.SluiceError.of(ErrorCode.ENGINE_UNAVAILABLE,
                    "The DuckDB database could not be opened: " + DuckDbErrors.meaningfulText(String.valueOf(e.getMessage()))), e);
        }
    }

    /**
     * Settings fixed at startup. The time zone stays DuckDB's default, UTC: setting it needs the ICU
     * extension, which a locked-down engine cannot load.
     */
    private static Properties startupProperties(DuckDbConfig config) {
        Properties properties = new Properties();
        // Without this the driver materialises whole results before the first row.
        properties.setProperty("jdbc_stream_results", "true");
        properties.setProperty("memory_limit", config.memoryLimit());
        properties.setProperty("threads", Integer.toString(config.threads()));
        properties.setProperty("temp_directory", config.tempDirectory().toAbsolutePath().toString());
        // EXPLAIN shows the unoptimised logical plan too, which access control reads (nothing folded away).
        properties.setProperty("explain_output", "all");
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        properties.setProperty("allow_community_extensions", "false");
        return properties;
    }

    /**
     * Attaches the configured catalogs while file access is still allowed, then turns file access off and
     * locks the configuration — last, so that nothing a statement runs can undo these settings. DuckDB
     * refuses to turn external access back on at runtime.
     */
    private static void lockDown(DuckDBConnection connection, DuckDbConfig config) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
            for (String catalog : config.attachedCatalogs()) {
                String path = config.catalogFile(catalog).toString().replace("'", "''");
                statement.execute("ATTACH IF NOT EXISTS '" + path + "' AS " + catalog);
            }
            TrinoFunctions.install(statement);
            // Query progress for listings (getQueryProgress): a session setting, so set on the root connection that
            // every statement's connection duplicates, before the lock. Nothing is printed.
            statement.execute("SET enable_progress_bar = true");
            statement.execute("SET enable_progress_bar_print = false");
            statement.execute("SET enable_external_access = false");
            statement.execute("SET lock_configuration = true");
        }
    }

    /**
     * What DuckDB's buffer manager holds now, summed over {@code duckdb_memory()}: in memory, or spilled to its
     * temporary directory. For the metrics scrape: one small catalog query on a connection of its own; -1 when the
     * engine cannot answer.
     */
    @Override
    public long memoryBytes(boolean temporary) {
        if (closed) {
            return -1;
        }
        String column = temporary ? "temporary_storage_bytes" : "memory_usage_bytes";
        try (DuckDBConnection connection = rootConnection.duplicate();
             java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT coalesce(sum(" + column + "), 0) FROM duckdb_memory()")) {
            return rows.next() ? rows.getLong(1) : -1;
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public String name() {
        return "duckdb";
    }

    public DuckDbConfig config() {
        return config;
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        Objects.requireNonNull(request, "request");
        boolean pooled = ConnectionPool.reusable(SqlScanner.scan(request.sql()),
                request.session().catalog() == null && request.session().schema() == null);
        ConnectionPool dialectPool = request.session().dialect() == io.sluice.core.engine.SqlDialect.TRINO ? trinoPool : pool;
        ConnectionPool.Lease lease = pooled ? dialectPool.poll() : null;
        if (lease == null) {
            lease = dialectPool.adopt(newConnection());
        }
        return track(new DuckDbStatement(request, dialectPool, lease, pooled, config.batchRows(), analyses,
                openStatements::remove));
    }

    /** Registers an open statement so close() can cancel it. */
    private DuckDbStatement track(DuckDbStatement statement) {
        openStatements.add(statement);
        if (closed) {
            // close() ran between the check in newConnection() and the add: don't leave this one behind.
            statement.close();
            throw unavailable(null);
        }
        return statement;
    }

    /** A statement kept prepared on a connection of its own, for callers that run it many times. */
    @Override
    public java.util.Optional<io.sluice.core.engine.ReusableStatement> prepare(String sql, io.sluice.core.engine.SessionContext session) {
        DuckDbReusableStatement statement = new DuckDbReusableStatement(this, sql, session);
        reusableStatements.add(statement);
        if (closed) {
            statement.close();
            throw unavailable(null);
        }
        return java.util.Optional.of(statement);
    }

    /** One run of a reusable statement, on the connection that statement keeps. */
    DuckDbStatement openRun(EngineRequest request, DuckDBConnection connection, DuckDbReusableStatement reusable) {
        return track(new DuckDbStatement(request, reusable, connection, config.batchRows(), analyses,
                openStatements::remove));
    }

    void forget(DuckDbReusableStatement statement) {
        reusableStatements.remove(statement);
    }

    /**
     * Runs trusted setup SQL (demo tables, migrations) on its own connection, without parameters or
     * results. It still runs on the locked-down database, so files and extensions stay out of reach.
     *
     * @throws SluiceException mapped like any statement error
     */
    @Override
    public void executeTrusted(String sql) {
        Objects.requireNonNull(sql, "sql");
        try (DuckDBConnection connection = newConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw DuckDbErrors.map(e, false, DuckDbErrors.SqlSource.unchanged(sql));
        } finally {
            invalidateAnalysesIfCatalogChanged(sql);
        }
    }

    /**
     * Runs trusted SQL with bound parameters (audit rows and other internal bookkeeping), never user SQL.
     */
    @Override
    public void executeTrusted(String sql, List<Object> parameters) {
        Objects.requireNonNull(sql, "sql");
        try (DuckDBConnection connection = newConnection(); var statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.size(); index++) {
                statement.setObject(index + 1, parameters.get(index));
            }
            statement.execute();
        } catch (SQLException e) {
            throw DuckDbErrors.map(e, false, DuckDbErrors.SqlSource.unchanged(sql));
        } finally {
            invalidateAnalysesIfCatalogChanged(sql);
        }
    }

    /** Trusted setup SQL can create tables and views too (the audit rows it inserts change nothing cached). */
    private void invalidateAnalysesIfCatalogChanged(String sql) {
        if (AccessAnalysisCache.changesCatalog(SqlScanner.scan(sql).words())) {
            analyses.invalidate();
        }
    }

    @Override
    public java.util.Optional<String> resolveTable(List<String> parts) {
        if (parts.isEmpty() || parts.size() > 3) {
            return java.util.Optional.empty();
        }
        String objects = "(SELECT database_name AS d, schema_name AS s, table_name AS t FROM duckdb_tables()"
                + " UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal)";
        String where = switch (parts.size()) {
            case 1 -> "lower(d) = lower(current_database()) AND lower(s) = lower(current_schema()) AND lower(t) = lower(?)";
            case 2 -> "((lower(d) = lower(current_database()) AND lower(s) = lower(?) AND lower(t) = lower(?))"
                    + " OR (lower(d) = lower(?) AND s = 'main' AND lower(t) = lower(?)))";
            default -> "lower(d) = lower(?) AND lower(s) = lower(?) AND lower(t) = lower(?)";
        };
        List<String> bound = parts.size() == 2 ? List.of(parts.get(0), parts.get(1), parts.get(0), parts.get(1)) : parts;
        return lookup("SELECT lower(d || '.' || s || '.' || t) FROM " + objects + " WHERE " + where + " ORDER BY 1 LIMIT 1", bound);
    }

    @Override
    public io.sluice.core.error.SluiceError withoutHiddenObjects(io.sluice.core.error.SluiceError error,
            java.util.function.Predicate<List<String>> visible) {
        return DuckDbErrors.withoutHiddenObjects(error, visible);
    }

    @Override
    public java.util.Optional<String> resolveSchema(List<String> parts) {
        String where = switch (parts.size()) {
            case 1 -> "(lower(database_name) = lower(current_database()) AND lower(schema_name) = lower(?))"
                    + " OR (lower(database_name) = lower(?) AND schema_name = 'main')";
            case 2 -> "lower(database_name) = lower(?) AND lower(schema_name) = lower(?)";
            default -> null;
        };
        if (where == null) {
            return java.util.Optional.empty();
        }
        List<String> bound = parts.size() == 1 ? List.of(parts.get(0), parts.get(0)) : parts;
        return lookup("SELECT lower(database_name || '.' || schema_name) FROM duckdb_schemas() WHERE " + where
                + " ORDER BY (lower(database_name) = lower(current_database())) DESC LIMIT 1", bound);
    }

    private java.util.Optional<String> lookup(String sql, List<String> parameters) {
        try (DuckDBConnection connection = newConnection(); var statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.size(); index++) {
                statement.setString(index + 1, parameters.get(index));
            }
            try (var rows = statement.executeQuery()) {
                return rows.next() ? java.util.Optional.ofNullable(rows.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw DuckDbErrors.map(e, false, DuckDbErrors.SqlSource.unchanged(sql));
        }
    }

    @Override
    public java.util.Optional<Set<String>> catalogs() {
        try (DuckDBConnection connection = newConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT lower(database_name) FROM duckdb_databases() WHERE database_name <> '"
                        + TrinoFunctions.CATALOG + "'")) {
            Set<String> names = new java.util.TreeSet<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return java.util.Optional.of(names);
        } catch (SQLException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public boolean healthy() {
        if (closed) {
            return false;
        }
        try (DuckDBConnection connection = rootConnection.duplicate();
                Statement statement = connection.createStatement();
                var result = statement.executeQuery("SELECT 1")) {
            return result.next() && result.getInt(1) == 1;
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
        for (DuckDbStatement statement : List.copyOf(openStatements)) {
            statement.cancel();
            statement.close();
        }
        for (DuckDbReusableStatement statement : List.copyOf(reusableStatements)) {
            statement.close();
        }
        pool.close();
        trinoPool.close();
        try {
            rootConnection.close();
        } catch (SQLException e) {
            // The database is going away either way; nothing to report to a caller that is shutting down.
        }
    }

    @Override
    public void appendAuditRows(List<List<Object>> rows) {
        try (DuckDBConnection connection = newConnection()) {
            AuditRows.append(connection, rows);
        } catch (SQLException e) {
            throw DuckDbErrors.map(e, false, null);
        }
    }

    /** Idle pooled connections now (tests check which statements give theirs back). */
    int idlePooledConnections() {
        return pool.idle();
    }

    DuckDBConnection newConnection() {
        if (closed) {
            throw unavailable(null);
        }
        try {
            return rootConnection.duplicate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static SluiceException unavailable(Throwable cause) {
        SluiceException exception = new SluiceException(ErrorCode.ENGINE_UNAVAILABLE, "The DuckDB engine is not available");
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }
}
