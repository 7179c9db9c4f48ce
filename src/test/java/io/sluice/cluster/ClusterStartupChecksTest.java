package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.storage.ClusterSettings;
import io.sluice.storage.ExportSettings;
import io.sluice.storage.s3.S3Config;
import io.sluice.testing.ClusterTestNodes;
import io.sluice.testing.PostgresTestServer;
import io.sluice.testing.S3TestServer;
import io.sluice.testing.SluiceTestServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose cluster settings differ from the cluster's is refused at start with one clear line (master key,
 * result bucket), a node whose PostgreSQL cannot be reached does not start and says why, and a node whose bucket
 * is missing is not ready and says why.
 */
class ClusterStartupChecksTest {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final String OTHER_MASTER_KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    @TempDir
    Path directory;

    @Test
    void aNodeWithAnotherMasterKeyOrBucketIsRefusedAtStart() throws Exception {
        String database = PostgresTestServer.shared().createDatabase("cluster_identity");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, LEASE);
            try (SluiceTestServer first = new SluiceTestServer(nodes.config("a"), false)) {
                assertThat(first.get("/health/ready").statusCode()).isEqualTo(200);

                SluiceConfig otherKey = nodes.config("b");
                Files.writeString(otherKey.dataDirectory().resolve("security").resolve("master.key"), OTHER_MASTER_KEY);
                assertThatThrownBy(() -> new SluiceTestServer(otherKey, false))
                        .hasMessageStartingWith("this node's master key (SLUICE_MASTER_KEY, or data/security/master.key when unset)"
                                + " differs from the cluster's (first set by node a")
                        .hasMessageNotContaining(OTHER_MASTER_KEY).hasMessageNotContaining(ClusterTestNodes.MASTER_KEY);

                S3Config bucket = s3.config("exports/");
                SluiceConfig otherBucket = nodes.config("c").withExport(ExportSettings.defaults().withS3(new S3Config("other-bucket",
                        bucket.prefix(), bucket.region(), bucket.endpoint(), bucket.accessKey(), bucket.secretKey(), true,
                        bucket.partSizeBytes())));
                assertThatThrownBy(() -> new SluiceTestServer(otherBucket, false))
                        .hasMessageStartingWith("this node's result store (export.s3.bucket other-bucket, cluster.s3.prefix"
                                + " sluice-spool/) differs from the cluster's (first set by node a");

                // As an operator sees it: sluice serve exits with status 2 and one line.
                Path properties = nodes.propertiesFile("d");
                ProcessBuilder serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), "io.sluice.server.SluiceMain", "serve", "--port",
                        Integer.toString(freePort()), "--data-dir", nodes.dataDirectory("d").toString(), "--config",
                        properties.toString()).redirectErrorStream(true)
                        .redirectOutput(directory.resolve("d.log").toFile())
                        .redirectInput(ProcessBuilder.Redirect.PIPE);
                serve.environment().put("SLUICE_MASTER_KEY", OTHER_MASTER_KEY);
                Process child = serve.start();
                try {
                    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the node exits").isTrue();
                } finally {
                    child.destroyForcibly().waitFor();
                }
                List<String> errors = new ArrayList<>(Files.readAllLines(directory.resolve("d.log")).stream()
                        .filter(line -> line.startsWith("sluice: ")).toList());
                assertThat(child.exitValue()).as(String.join("\n", Files.readAllLines(directory.resolve("d.log")))).isEqualTo(2);
                assertThat(errors).hasSize(1);
                assertThat(errors.getFirst()).startsWith("sluice: cannot start: this node's master key");
            }
        }
    }

    @Test
    void aNodeWhoseBucketIsMissingIsNotReadyAndSaysWhy() throws Exception {
        String database = PostgresTestServer.shared().createDatabase("cluster_no_bucket");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, LEASE);
            S3Config bucket = s3.config("exports/");
            SluiceConfig missing = nodes.config("a").withExport(ExportSettings.defaults().withS3(new S3Config("no-such-bucket",
                    bucket.prefix(), bucket.region(), bucket.endpoint(), bucket.accessKey(), bucket.secretKey(), true,
                    bucket.partSizeBytes())));
            try (SluiceTestServer node = new SluiceTestServer(missing, false)) {
                HttpResponse<String> ready = node.get("/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                JsonNode body = json(ready);
                assertThat(body.get("status").asText()).isEqualTo("DOWN");
                assertThat(body.get("dependencies").toString()).isEqualTo("[{\"healthy\":true,\"name\":\"postgresql\",\"status\":\"UP\"},"
                        + "{\"healthy\":false,\"name\":\"s3\",\"status\":\"DOWN\",\"reason\":\"S3 bucket no-such-bucket at "
                        + bucket.endpoint() + " does not exist\"}]");
            }
        }
    }

    @Test
    void aNodeThatCannotReachPostgresAtStartDoesNotStartAndSaysWhy() throws Exception {
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            String nowhere = "jdbc:postgresql://127.0.0.1:" + freePort() + "/sluice";
            SluiceConfig config = new ClusterTestNodes(nowhere, s3, directory, LEASE).config("a");
            assertThatThrownBy(() -> new SluiceTestServer(config, false))
                    .hasMessageContaining("PostgreSQL").hasMessageContaining("127.0.0.1:");
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
