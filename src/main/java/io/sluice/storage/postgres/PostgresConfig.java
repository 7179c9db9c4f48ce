package io.sluice.storage.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node reaches the cluster's PostgreSQL and who it is there.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:5432/sluice}
 * @param poolSize connections this node holds at most (a small pool: each statement costs a few short queries)
 * @param nodeId this node's name in the nodes table; unique per running node
 * @param lease how long a node may miss heartbeats before the others fail its running statements
 * @param retention how long finished statements stay in the database (the statements' retention)
 */
public record PostgresConfig(String url, String user, String password, int poolSize, String nodeId, Duration lease,
                             Duration retention) {

    public PostgresConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(retention, "retention");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("cluster.postgres.url must be a jdbc:postgresql: URL, got '" + url + "'");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("cluster.postgres.poolSize must be at least 1");
        }
        if (lease.toSeconds() < 2) {
            throw new IllegalArgumentException("cluster.leaseSeconds must be at least 2");
        }
        if (nodeId.isBlank() || nodeId.length() > 100) {
            throw new IllegalArgumentException("cluster.nodeId must be 1-100 characters");
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** Heartbeats come three times a lease, so one late heartbeat never costs a node its statements. */
    public Duration heartbeat() {
        return lease.dividedBy(3);
    }
}
