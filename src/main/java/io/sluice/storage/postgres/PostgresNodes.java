package io.sluice.storage.postgres;

import java.sql.PreparedStatement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node leases: each node writes a heartbeat into {@code sluice_nodes} every third of the lease, and each
 * node, on the same beat, fails the QUEUED and RUNNING statements of every node whose heartbeat is older
 * than the lease ("node X stopped (lease expired)"). Times are the database's own {@code now()}, so the
 * nodes' clocks do not matter. A statement of a dead node is therefore FAILED at most lease + one beat after
 * its node's last heartbeat. The same beat purges finished statements past their retention.
 */
final class PostgresNodes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresNodes.class);

    private final PostgresDatabase database;
    private final PostgresConfig config;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cluster-heartbeat").daemon().factory());
    /**
     * Since when this node's heartbeats have succeeded without a break (nanoTime), or -1 after a failure.
     * A node sweeps only after a whole lease of good heartbeats: after an outage of PostgreSQL every node's
     * heartbeat is old, and the first node back must not fail statements of nodes that are merely slower
     * to reconnect.
     */
    private volatile long healthySince = -1;
    /** Why the last heartbeat failed (for readiness); meaningful only while {@link #reachable()} is false. */
    private volatile String lastFailure = "no heartbeat yet";
    /** Runs after each sweep of expired leases (stopping dead nodes' outside work); its failures are only logged. */
    private volatile Runnable afterSweep = () -> { };

    /** This node's clock, compared on every heartbeat with the database's (a test gives a node a wrong one). */
    private final java.time.Clock clock;
    /** This node's clock minus the database's at the last heartbeat, in ms, less the round trip's uncertainty. */
    private volatile long clockSkewMillis;
    private volatile boolean skewReported;

    PostgresNodes(PostgresDatabase database, PostgresConfig config) {
        this(database, config, java.time.Clock.systemUTC());
    }

    PostgresNodes(PostgresDatabase database, PostgresConfig config, java.time.Clock clock) {
        this.database = database;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Joins the cluster: statements a previous run of this node id left QUEUED or RUNNING never finish,
     * so they fail now rather than after a lease; then the heartbeats start.
     */
    void join() {
        database.transaction(connection -> {
            try (PreparedStatement node = connection.prepareStatement("INSERT INTO sluice_nodes (node_id, started_at,"
                    + " heartbeat_at) VALUES (?, now(), now()) ON CONFLICT (node_id) DO UPDATE SET started_at = now(),"
                    + " heartbeat_at = now()");
                 PreparedStatement orphans = connection.prepareStatement("UPDATE sluice_statements SET state = 'FAILED',"
                         + " ended_at = now(), page_count = 0, error_code = 'SERVER_RESTARTED', error_message = ?"
                         + " WHERE node_id = ? AND " + PostgresStatementRepository.ACTIVE)) {
                node.setString(1, config.nodeId());
                node.executeUpdate();
                orphans.setString(1, "node " + config.nodeId() + " restarted while the statement ran; it did not finish");
                orphans.setString(2, config.nodeId());
                return orphans.executeUpdate();
            }
        });
        healthySince = System.nanoTime();
        long period = Math.max(100, config.heartbeat().toMillis());
        beat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    /** One heartbeat, one sweep of expired leases, one purge; each failure is logged and retried next beat. */
    void beat() {
        try {
            database.call(connection -> {
                // An upsert: a node whose row was purged while it was cut off simply comes back.
                try (PreparedStatement heartbeat = connection.prepareStatement("INSERT INTO sluice_nodes (node_id,"
                        + " started_at, heartbeat_at) VALUES (?, now(), now())"
                        + " ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now() RETURNING heartbeat_at")) {
                    heartbeat.setString(1, config.nodeId());
                    long sent = clock.millis();
                    try (java.sql.ResultSet row = heartbeat.executeQuery()) {
                        row.next();
                        compareClocks(sent, row.getTimestamp(1).getTime(), clock.millis());
                    }
                }
                return null;
            });
            long now = System.nanoTime();
            if (healthySince < 0) {
                healthySince = now;
            }
            if (now - healthySince >= config.lease().toNanos()) {
                int failed = sweep();
                if (failed > 0) {
                    LOG.warn("failed {} statement(s) of nodes whose lease expired", failed);
                }
                purge();
                try {
                    afterSweep.run();
                } catch (RuntimeException e) {
                    LOG.warn("cleaning up after expired leases failed: {}", e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            lastFailure = String.valueOf(e.getMessage());
            healthySince = -1;
            LOG.warn("cluster heartbeat failed: {}", e.getMessage());
        }
    }

    /**
     * Leases go by the database's clock, so a node with a wrong clock is not taken for dead; but statement times,
     * result expiries and signed requests' time windows go by each node's own, and disagree between nodes when the
     * clocks do. The database's time lies between sending the heartbeat and its answer; a node further off than a
     * third of the lease (the heartbeat's own period) is reported once, and again when it is back in line.
     */
    private void compareClocks(long sentMillis, long databaseMillis, long answeredMillis) {
        long skew = databaseMillis < sentMillis ? sentMillis - databaseMillis
                : databaseMillis > answeredMillis ? -(databaseMillis - answeredMillis) : 0;
        clockSkewMillis = skew;
        long margin = config.lease().toMillis() / 3;
        if (Math.abs(skew) > margin && !skewReported) {
            skewReported = true;
            LOG.warn("this node's clock is {} ms {} PostgreSQL's, more than the lease margin of {} ms: statement times, result"
                    + " expiries and signed requests' time windows will differ between nodes; synchronise the clocks (NTP)",
                    Math.abs(skew), skew > 0 ? "ahead of" : "behind", margin);
        } else if (Math.abs(skew) <= margin && skewReported) {
            skewReported = false;
            LOG.info("this node's clock agrees with PostgreSQL's again (within {} ms)", Math.abs(skew));
        }
    }

    /** This node's clock minus the database's at the last heartbeat, in ms (0 when they agree within the round trip). */
    long clockSkewMillis() {
        return clockSkewMillis;
    }

    void afterSweep(Runnable work) {
        this.afterSweep = work;
    }

    /** True while this node's last heartbeat reached PostgreSQL (for readiness; at most one beat stale). */
    boolean reachable() {
        return healthySince >= 0;
    }

    /** Why the last heartbeat failed. */
    String lastFailure() {
        return lastFailure;
    }

    /** Fails the running statements of nodes whose lease expired; returns how many. */
    int sweep() {
        return database.call(connection -> {
            try (PreparedStatement sweep = connection.prepareStatement("UPDATE sluice_statements s SET state = 'FAILED',"
                    + " ended_at = now(), page_count = 0, error_code = 'SERVER_RESTARTED',"
                    + " error_message = 'node ' || s.node_id || ' stopped (lease expired); the statement did not finish'"
                    + " FROM sluice_nodes n WHERE n.node_id = s.node_id AND n.node_id <> ?"
                    + " AND n.heartbeat_at < now() - make_interval(secs => ?) AND s." + PostgresStatementRepository.ACTIVE)) {
                sweep.setString(1, config.nodeId());
                sweep.setDouble(2, config.lease().toMillis() / 1000.0);
                return sweep.executeUpdate();
            }
        });
    }

    private void purge() {
        database.call(connection -> {
            try (PreparedStatement ids = connection.prepareStatement("DELETE FROM sluice_request_ids r USING"
                    + " sluice_statements s WHERE r.statement_id = s.id AND s.ended_at < now() - make_interval(secs => ?)");
                 PreparedStatement exports = connection.prepareStatement("DELETE FROM sluice_exports e USING"
                         + " sluice_statements s WHERE e.statement_id = s.id AND s.ended_at < now() - make_interval(secs => ?)");
                 PreparedStatement statements = connection.prepareStatement(
                         "DELETE FROM sluice_statements WHERE ended_at < now() - make_interval(secs => ?)");
                 PreparedStatement nodes = connection.prepareStatement("DELETE FROM sluice_nodes WHERE heartbeat_at"
                         + " < now() - make_interval(secs => ?) AND NOT EXISTS (SELECT 1 FROM sluice_statements s"
                         + " WHERE s.node_id = sluice_nodes.node_id)")) {
                double retention = config.retention().toSeconds();
                ids.setDouble(1, retention);
                ids.executeUpdate();
                exports.setDouble(1, retention);
                exports.executeUpdate();
                statements.setDouble(1, retention);
                statements.executeUpdate();
                nodes.setDouble(1, retention);
                nodes.executeUpdate();
                return null;
            }
        });
    }

    /** Stops the heartbeats and leaves the cluster (statements this node still had are ended by its service). */
    @Override
    public void close() {
        beat.shutdownNow();
        try {
            beat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
