package io.sluice.storage.postgres;

import io.sluice.core.io.SharedDocument;
import io.sluice.core.statement.StatementRepository;

/**
 * A node's membership in a cluster whose shared state lives in PostgreSQL: the pool and schema, the node's
 * lease, and the repositories the core uses through its small interfaces (statements, shared documents for
 * keys and grants, the result-reuse index). Closing it stops the heartbeats and the pool.
 */
public final class PostgresCluster implements AutoCloseable {

    private final PostgresConfig config;
    /** How long the cluster keeps audit records until the server sets audit.retentionDays (the same default). */
    private static final java.time.Duration AUDIT_RETENTION = java.time.Duration.ofDays(90);
    private final PostgresDatabase database;
    private final PostgresNodes nodes;
    private final PostgresStatementRepository statements;
    private final PostgresLimits limits;
    private final PostgresOutsideWork outsideWork;
    private final PostgresAudit audit;

    private PostgresCluster(PostgresConfig config) {
        this.config = config;
        this.database = new PostgresDatabase(config);
        this.nodes = new PostgresNodes(database, config);
        this.statements = new PostgresStatementRepository(database, config.nodeId());
        this.limits = new PostgresLimits(database, config);
        this.outsideWork = new PostgresOutsideWork(database, config);
        this.audit = new PostgresAudit(database, config.nodeId(), AUDIT_RETENTION);
        nodes.afterSweep(() -> outsideWork.stopOrphans(false));
    }

    /** Connects, creates or updates the schema and joins (fails when PostgreSQL cannot be reached at start). */
    public static PostgresCluster start(PostgresConfig config) {
        PostgresCluster cluster = new PostgresCluster(config);
        try {
            cluster.nodes.join();
            cluster.limits.forgetPreviousRun();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Makes sure this node shares a setting with the cluster: the first node to start records {@code value} under
     * {@code name}; every later node must bring the same value.
     *
     * @param shown how the setting is named in the refusal (never the value itself: it may be a secret's fingerprint)
     * @throws IllegalStateException when the cluster recorded another value (the node must not start)
     */
    public void requireSameSetting(String name, String value, String shown) {
        String recorded = database.transaction(connection -> {
            try (java.sql.PreparedStatement claim = connection.prepareStatement("INSERT INTO sluice_cluster_settings"
                    + " (name, value, set_by) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING");
                 java.sql.PreparedStatement read = connection.prepareStatement(
                         "SELECT value, set_by FROM sluice_cluster_settings WHERE name = ?")) {
                claim.setString(1, name);
                claim.setString(2, value);
                claim.setString(3, config.nodeId());
                claim.executeUpdate();
                read.setString(1, name);
                try (java.sql.ResultSet row = read.executeQuery()) {
                    row.next();
                    return row.getString(1).equals(value) ? null : row.getString(2);
                }
            }
        });
        if (recorded != null) {
            throw new IllegalStateException(shown + " differs from the cluster's (first set by node " + recorded
                    + " in PostgreSQL table sluice_cluster_settings); every node of a cluster must share it");
        }
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** True while heartbeats reach PostgreSQL; a node that cannot reach it reports itself not ready. */
    public boolean healthy() {
        return nodes.reachable();
    }

    /** Why this node cannot reach PostgreSQL now (its last heartbeat failed), or empty while it can. */
    public java.util.Optional<String> problem() {
        return nodes.reachable() ? java.util.Optional.empty() : java.util.Optional.of(nodes.lastFailure());
    }

    public StatementRepository statements() {
        return statements;
    }

    /** The result-reuse index every node shares. */
    public io.sluice.core.statement.ReuseIndex reuseIndex() {
        return new PostgresReuseIndex(database, config.nodeId());
    }

    /** The ledger of spooled results every node shares (per-principal spool quotas across nodes). */
    public io.sluice.core.spool.SpoolLedger spoolLedger() {
        return new PostgresSpoolLedger(database);
    }

    /** The once-only credentials used on any node (replayed NCP signatures are refused cluster-wide). */
    public io.sluice.core.auth.ReplayGuard replayGuard(java.time.Clock clock) {
        return new PostgresReplayGuard(database, clock);
    }

    /** Per-principal limits (running statements, rate, engine-crash cool-down) that hold across nodes. */
    public io.sluice.core.access.SharedLimits limits() {
        return limits;
    }

    /** Where this node records work it starts outside itself (Trino queries) while it runs. */
    public io.sluice.core.engine.OutsideWork outsideWork() {
        return outsideWork;
    }

    /**
     * Registers how to stop outside work of {@code kind} that a dead node left running (a Trino query: DELETE it on
     * the coordinator), and stops at once what a previous run of this node id and nodes already dead left.
     *
     * @param stopper given the work's reference and owner; true when the work was stopped or was over already
     */
    public void stopOrphanedWorkWith(String kind, java.util.function.BiPredicate<String, String> stopper) {
        outsideWork.stopWith(kind, stopper::test);
        try {
            outsideWork.stopOrphans(true);
        } catch (RuntimeException e) {
            // The heartbeat tries again after each sweep (dead nodes' work; a previous run's waits for the next start).
            org.slf4j.LoggerFactory.getLogger(PostgresCluster.class).warn("could not stop orphaned {} work: {}", kind,
                    e.getMessage());
        }
    }

    /** Every node's audit records: this node's go in, the others' come out into its sluice.audit table. */
    public PostgresAudit audit() {
        return audit;
    }

    /** Exports' outcomes, so a statement's export block shows through every node. */
    public io.sluice.core.export.ExportRecords exportRecords() {
        return new PostgresExportRecords(database);
    }

    /** A shared document by name, such as {@code api-keys} or {@code access}. */
    public SharedDocument document(String name) {
        return new PostgresDocument(database, name);
    }

    @Override
    public void close() {
        nodes.close();
        limits.close();
        outsideWork.close();
        audit.close();
        database.close();
    }
}
