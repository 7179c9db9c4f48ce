package io.sluice.storage;

import io.sluice.storage.postgres.PostgresConfig;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import io.sluice.core.io.ConfigNumbers;
import java.util.Properties;

/**
 * The cluster configuration as the server reads it. Cluster mode is on when {@code cluster.postgres.url} is
 * set: statement state, request ids, keys and grants then live in PostgreSQL, and spooled results in the S3
 * bucket of the {@code export.s3.*} settings under {@code cluster.s3.prefix}. Without it a node keeps all of
 * that under its data dir, as a single node always did.
 */
public record ClusterSettings(String postgresUrl, String postgresUser, String postgresPassword, int poolSize,
                              String nodeId, Duration lease, String spoolPrefix, java.util.Set<String> nodeLocalCatalogs) {

    public static final List<String> KEYS = List.of("cluster.nodeId", "cluster.postgres.url", "cluster.postgres.user",
            "cluster.postgres.password", "cluster.postgres.poolSize", "cluster.leaseSeconds", "cluster.s3.prefix",
            "cluster.nodeLocalCatalogs");

    public ClusterSettings {
        postgresUrl = postgresUrl == null ? "" : postgresUrl.trim();
        nodeId = nodeId == null || nodeId.isBlank() ? "" : nodeId.trim();
        spoolPrefix = spoolPrefix == null ? "sluice-spool/" : spoolPrefix;
        nodeLocalCatalogs = nodeLocalCatalogs == null ? java.util.Set.of() : java.util.Set.copyOf(nodeLocalCatalogs);
    }

    public static ClusterSettings defaults() {
        return new ClusterSettings("", "", "", 8, "", Duration.ofSeconds(15), "sluice-spool/", java.util.Set.of());
    }

    public boolean enabled() {
        return !postgresUrl.isEmpty();
    }

    public ClusterSettings withPostgres(String url, String user, String password) {
        return new ClusterSettings(url, user, password, poolSize, nodeId, lease, spoolPrefix, nodeLocalCatalogs);
    }

    public ClusterSettings withNodeId(String id) {
        return new ClusterSettings(postgresUrl, postgresUser, postgresPassword, poolSize, id, lease, spoolPrefix, nodeLocalCatalogs);
    }

    public ClusterSettings withLease(Duration duration) {
        return new ClusterSettings(postgresUrl, postgresUser, postgresPassword, poolSize, nodeId, duration, spoolPrefix, nodeLocalCatalogs);
    }

    /**
     * DuckDB catalogs whose tables each node keeps for itself on purpose (lower-case; {@code *} for all): in cluster
     * mode writes to any other DuckDB catalog are refused, since the other nodes would never see them.
     */
    public ClusterSettings withNodeLocalCatalogs(java.util.Set<String> catalogs) {
        return new ClusterSettings(postgresUrl, postgresUser, postgresPassword, poolSize, nodeId, lease, spoolPrefix, catalogs);
    }

    /** The node's PostgreSQL settings; a node without a configured id gets host name plus a random suffix. */
    public PostgresConfig postgres(Duration retention) {
        return new PostgresConfig(postgresUrl, postgresUser, postgresPassword, poolSize,
                nodeId.isEmpty() ? generatedNodeId() : nodeId, lease, retention);
    }

    public static ClusterSettings fromProperties(Properties properties) {
        ClusterSettings defaults = defaults();
        return new ClusterSettings(
                properties.getProperty("cluster.postgres.url", defaults.postgresUrl()),
                properties.getProperty("cluster.postgres.user", defaults.postgresUser()),
                properties.getProperty("cluster.postgres.password", defaults.postgresPassword()),
                Math.toIntExact(ConfigNumbers.wholeNumber(properties, "cluster.postgres.poolSize", defaults.poolSize())),
                properties.getProperty("cluster.nodeId", defaults.nodeId()),
                Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, "cluster.leaseSeconds", defaults.lease().toSeconds())),
                properties.getProperty("cluster.s3.prefix", defaults.spoolPrefix()),
                java.util.Arrays.stream(properties.getProperty("cluster.nodeLocalCatalogs", "").split(","))
                        .map(String::trim).filter(name -> !name.isEmpty()).map(name -> name.toLowerCase(java.util.Locale.ROOT))
                        .collect(java.util.stream.Collectors.toSet()));
    }

    private static String generatedNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }
}
