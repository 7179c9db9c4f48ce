package io.sluice.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The pool of connections to the cluster's PostgreSQL and its schema. The schema is plain DDL, created or
 * brought up to date at start under an advisory lock (so nodes starting together do not race), with the
 * versions applied recorded in {@code sluice_schema_version}.
 *
 * <p>Failing fast matters more than waiting: a request that needs the database gets STORAGE_UNAVAILABLE
 * (503) after at most the connection timeout, never hangs; the pool reconnects by itself once PostgreSQL is
 * back.
 */
final class PostgresDatabase implements AutoCloseable {

    /** Arbitrary constant naming Sluice's migration lock among the database's advisory locks. */
    private static final long MIGRATION_LOCK = 0x51CE_0001L;

    /** Each entry is one schema version; append, never edit. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE IF NOT EXISTS sluice_nodes (
                node_id text PRIMARY KEY,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sluice_statements (
                id text PRIMARY KEY,
                owner_id text NOT NULL,
                node_id text NOT NULL,
                protocol text NOT NULL,
                sql_text text NOT NULL,
                state text NOT NULL,
                created_at timestamptz NOT NULL,
                started_at timestamptz,
                ended_at timestamptz,
                row_count bigint NOT NULL,
                update_count bigint NOT NULL,
                page_count integer NOT NULL,
                truncated boolean NOT NULL,
                reused boolean NOT NULL,
                result_id text,
                request_id text,
                error_code text,
                error_message text,
                error_sql_state text,
                error_line integer,
                error_column integer,
                cancel_code text,
                cancel_message text)""",
            "CREATE INDEX IF NOT EXISTS sluice_statements_by_owner ON sluice_statements (owner_id, created_at DESC)",
            "CREATE INDEX IF NOT EXISTS sluice_statements_by_created ON sluice_statements (created_at DESC)",
            "CREATE INDEX IF NOT EXISTS sluice_statements_active ON sluice_statements (node_id) WHERE state IN ('QUEUED', 'RUNNING')",
            "CREATE INDEX IF NOT EXISTS sluice_statements_ended ON sluice_statements (ended_at) WHERE ended_at IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS sluice_request_ids (
                owner_id text NOT NULL,
                request_id text NOT NULL,
                statement_id text NOT NULL,
                PRIMARY KEY (owner_id, request_id))""",
            """
            CREATE TABLE IF NOT EXISTS sluice_documents (
                name text PRIMARY KEY,
                version bigint NOT NULL,
                content text NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sluice_reuse (
                reuse_key text PRIMARY KEY,
                statement_id text NOT NULL,
                result_id text NOT NULL,
                finished_at timestamptz NOT NULL,
                epoch bigint NOT NULL,
                row_count bigint NOT NULL,
                update_count bigint NOT NULL,
                page_count integer NOT NULL,
                truncated boolean NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sluice_reuse_epoch (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                epoch bigint NOT NULL)""",
            "INSERT INTO sluice_reuse_epoch (singleton, epoch) VALUES (true, 0) ON CONFLICT DO NOTHING"),
            // 2: protocol tags of a statement (a Druid sqlQueryId, an NCP projectId…), found by value (tags @> …).
            List.of(
                    "ALTER TABLE sluice_statements ADD COLUMN IF NOT EXISTS tags jsonb NOT NULL DEFAULT '{}'::jsonb",
                    "CREATE INDEX IF NOT EXISTS sluice_statements_tags ON sluice_statements USING gin (tags jsonb_path_ops)"),
            // 3: the spool ledger, so per-principal spool quotas hold across nodes.
            List.of("""
            CREATE TABLE IF NOT EXISTS sluice_spool_ledger (
                result_id text PRIMARY KEY,
                owner_id text NOT NULL,
                bytes bigint NOT NULL,
                expires_at timestamptz NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sluice_spool_ledger_by_owner ON sluice_spool_ledger (owner_id, expires_at)"),
            // 4: once-only credentials (NCP signatures) used on any node, until they would expire anyway.
            List.of("""
            CREATE TABLE IF NOT EXISTS sluice_used_tokens (
                token text PRIMARY KEY,
                expires_at timestamptz NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sluice_used_tokens_by_expiry ON sluice_used_tokens (expires_at)"),
            // 5: settings every node must share (the master key's fingerprint, where results live), set by the first.
            List.of("""
            CREATE TABLE IF NOT EXISTS sluice_cluster_settings (
                name text PRIMARY KEY,
                value text NOT NULL,
                set_by text NOT NULL,
                set_at timestamptz NOT NULL DEFAULT now())"""),
            // 6: per-principal limits that hold cluster-wide (PostgresLimits): running slots, per-minute buckets,
            // engine crashes and cool-downs.
            PostgresLimits.SCHEMA,
            // 7: work nodes started outside themselves (Trino queries), stopped by a survivor when a node dies.
            PostgresOutsideWork.SCHEMA,
            // 8: every node's audit records, copied into each node's sluice.audit table.
            PostgresAudit.SCHEMA,
            // 9: how far a running statement is, refreshed by its node every second, so every node can show it.
            List.of("ALTER TABLE sluice_statements ADD COLUMN IF NOT EXISTS progress_percent double precision,"
                    + " ADD COLUMN IF NOT EXISTS progress_rows bigint, ADD COLUMN IF NOT EXISTS progress_total bigint"),
            // 10: each statement's export outcome (state, links or error), shown by every node.
            PostgresExportRecords.SCHEMA);

    private final HikariDataSource pool;

    PostgresDatabase(PostgresConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        if (!config.user().isEmpty()) {
            hikari.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        hikari.setPoolName("sluice-cluster");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        // Fail fast when PostgreSQL is away: a request waits at most this long for a connection.
        hikari.setConnectionTimeout(1_500);
        hikari.setValidationTimeout(1_000);
        // Start even when the database is not up yet; requests fail with 503 until it is.
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("connectTimeout", "2");
        hikari.addDataSourceProperty("socketTimeout", "30");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", "sluice " + config.nodeId());
        this.pool = new HikariDataSource(hikari);
        try {
            migrate(config.url());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * How long a starting node tries to reach PostgreSQL: longer than one pool timeout, since the first connection of
     * a cold JVM on a busy host (or a database that is itself just starting) takes a while; short enough that a node
     * pointed at the wrong place says so within seconds.
     */
    private static final long START_ATTEMPTS_MILLIS = 10_000;

    /** The first connection, tried again until {@link #START_ATTEMPTS_MILLIS}; then the refusal says why it failed. */
    private Connection firstConnection(String url) {
        long deadline = System.nanoTime() + START_ATTEMPTS_MILLIS * 1_000_000;
        while (true) {
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    Throwable cause = e;
                    while (cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    // The URL without its parameters: they may hold a password.
                    throw new IllegalStateException("cannot reach the cluster's PostgreSQL at " + url.replaceAll("\\?.*$", "")
                            + ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""), e);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reaching PostgreSQL", interrupted);
                }
            }
        }
    }

    /** Creates or updates the schema; every statement is idempotent, so a crash half-way is repaired next start. */
    private void migrate(String url) {
        try (Connection connection = firstConnection(url)) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                sql.execute("CREATE TABLE IF NOT EXISTS sluice_schema_version (version integer PRIMARY KEY,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())");
                for (int index = 0; index < MIGRATIONS.size(); index++) {
                    for (String ddl : MIGRATIONS.get(index)) {
                        sql.execute(ddl);
                    }
                    sql.execute("INSERT INTO sluice_schema_version (version) VALUES (" + (index + 1) + ") ON CONFLICT DO NOTHING");
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the Sluice schema in PostgreSQL: " + e.getMessage(), e);
        }
    }

    <T> T call(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code work} in one transaction. */
    <T> T transaction(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static SluiceException unavailable(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new SluiceException(SluiceError.of(ErrorCode.STORAGE_UNAVAILABLE,
                "The cluster state database (PostgreSQL) is unavailable: " + message), e);
    }

    @Override
    public void close() {
        pool.close();
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
