package io.sluice.testing;

import io.sluice.server.SluiceConfig;
import io.sluice.storage.ClusterSettings;
import io.sluice.storage.ExportSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration for Sluice nodes of one test cluster: the same PostgreSQL database and S3 bucket, a data
 * dir and node id each, and one master key for all (as a real cluster would share SLUICE_MASTER_KEY).
 */
public final class ClusterTestNodes {

    public static final String MASTER_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    private final String postgresUrl;
    private final S3TestServer s3;
    private final Path directory;
    private final Duration lease;

    public ClusterTestNodes(String postgresUrl, S3TestServer s3, Path directory, Duration lease) {
        this.postgresUrl = postgresUrl;
        this.s3 = s3;
        this.directory = directory;
        this.lease = lease;
    }

    public SluiceConfig config(String nodeId) {
        Path data = directory.resolve(nodeId);
        try {
            Files.createDirectories(data.resolve("security"));
            Files.writeString(data.resolve("security").resolve("master.key"), MASTER_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SluiceConfig.defaults(data)
                .withExport(ExportSettings.defaults().withS3(s3.config("exports/")))
                .withCluster(ClusterSettings.defaults().withPostgres(postgresUrl, "postgres", "").withNodeId(nodeId)
                        .withLease(lease));
    }

    /** The same configuration as a properties file, for a node in a child JVM. */
    public Path propertiesFile(String nodeId) {
        config(nodeId);
        Path file = directory.resolve(nodeId + ".properties");
        var s3Config = s3.config("exports/");
        String text = String.join("\n",
                "export.store=s3", "export.s3.bucket=" + s3Config.bucket(), "export.s3.prefix=exports/",
                "export.s3.region=us-east-1", "export.s3.endpoint=" + s3Config.endpoint(),
                "export.s3.accessKey=" + s3Config.accessKey(), "export.s3.secretKey=" + s3Config.secretKey(),
                "export.s3.pathStyle=true", "cluster.postgres.url=" + postgresUrl, "cluster.postgres.user=postgres",
                "cluster.nodeId=" + nodeId, "cluster.leaseSeconds=" + lease.toSeconds(),
                "statements.shutdownGraceSeconds=1", "");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public Path dataDirectory(String nodeId) {
        return directory.resolve(nodeId);
    }
}
