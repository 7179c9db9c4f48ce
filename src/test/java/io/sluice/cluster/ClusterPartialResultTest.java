package io.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spool.TrackedResultStore;
import io.sluice.server.SluiceConfig;
import io.sluice.storage.postgres.PostgresCluster;
import io.sluice.storage.s3.S3ResultStore;
import io.sluice.testing.ClusterTestNodes;
import io.sluice.testing.PostgresTestServer;
import io.sluice.testing.S3TestServer;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that dies while it publishes a result to S3 leaves pages without a manifest, which no node would ever read
 * or delete. A surviving node removes them once the dead node's lease expired, and leaves the results that node
 * finished whole. The dead node here is a cluster member whose heartbeats stop in the middle of publishing (what
 * SIGKILL does to it, as seen from PostgreSQL and S3); the survivor is a real Sluice node.
 */
class ClusterPartialResultTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @TempDir
    Path directory;

    @Test
    void aSurvivorRemovesPagesADeadNodeLeftWithoutAManifest() throws Exception {
        String database = PostgresTestServer.shared().createDatabase("cluster_partial");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, LEASE);
            try (SluiceTestServer survivor = new SluiceTestServer(nodes.config("survivor"), false)) {
                SluiceConfig ghostConfig = nodes.config("ghost");
                Path page = Files.writeString(directory.resolve("page"), "rows");
                Path manifest = Files.writeString(directory.resolve("manifest"), "pages=1");
                try (S3ResultStore store = new S3ResultStore(ghostConfig.export().s3(), ghostConfig.cluster().spoolPrefix())) {
                    PostgresCluster ghost = PostgresCluster.start(ghostConfig.cluster().postgres(ghostConfig.statements().retention()));
                    TrackedResultStore published = new TrackedResultStore(store, ghost.outsideWork());
                    published.upload("r-whole", "page-0.arrow", page);
                    published.upload("r-whole", "manifest.properties", manifest);
                    published.upload("r-partial", "page-0.arrow", page);
                    published.upload("r-partial", "page-1.arrow", page);
                    ghost.close(); // the heartbeats stop half-way through r-partial
                    long diedAt = System.nanoTime();

                    long deadline = diedAt + LEASE.plusSeconds(15).toNanos();
                    while (exists(store, "r-partial", "page-0.arrow") && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    long tookMillis = (System.nanoTime() - diedAt) / 1_000_000;
                    System.out.printf("cluster: pages of a half-published result removed %d ms after its node stopped"
                            + " (lease %d ms)%n", tookMillis, LEASE.toMillis());
                    assertThat(exists(store, "r-partial", "page-0.arrow")).as("a page without a manifest").isFalse();
                    assertThat(exists(store, "r-partial", "page-1.arrow")).isFalse();
                    assertThat(exists(store, "r-whole", "page-0.arrow")).as("a whole result of the dead node").isTrue();
                    assertThat(exists(store, "r-whole", "manifest.properties")).isTrue();
                    assertThat(tookMillis).isLessThan(LEASE.toMillis() + LEASE.toMillis() / 3 + 5_000);
                }
            }
        }
    }

    /**
     * A node killed with SIGKILL while it exports a large result in many files: the files it committed so far are
     * removed by a survivor once the lease expired (an export that fails on a live node deletes its files itself).
     */
    @Test
    void aSurvivorRemovesTheFilesOfAnExportAKilledNodeWasWriting() throws Exception {
        String database = PostgresTestServer.shared().createDatabase("cluster_partial_export");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("export-s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory.resolve("export"), LEASE);
            int port = ClusterNodeFailureTest.freePort();
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            Process doomed = ClusterNodeFailureTest.startNode(nodes, "doomed", port);
            try (io.sluice.storage.s3.S3Storage exports = new io.sluice.storage.s3.S3Storage(s3.config("exports/"))) {
                ClusterNodeFailureTest.waitUntilReady(client, port, doomed, nodes.dataDirectory("doomed").resolve("server.log"));
                try (SluiceTestServer survivor = new SluiceTestServer(nodes.config("survivor"), false)) {
                    var submitted = ClusterNodeFailureTest.post(client, port, io.sluice.testing.SluiceTestServer.body(
                            "sql", "SELECT n, repeat('x', 200) AS padding FROM range(500000000) t(n)", "waitMs", 0,
                            "export", java.util.Map.of("format", "csv", "splitBytes", 1_000_000)));
                    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (exports.list("").size() < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(exports.list("")).as("files the export committed while it ran").hasSizeGreaterThanOrEqualTo(2);

                    doomed.destroyForcibly().waitFor();
                    long killedAt = System.nanoTime();
                    int left = exports.list("").size();
                    deadline = killedAt + LEASE.plusSeconds(15).toNanos();
                    while (!exports.list("").isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
                    System.out.printf("cluster: %d files of a killed node's export removed %d ms after SIGKILL (lease %d ms)%n",
                            left, tookMillis, LEASE.toMillis());
                    assertThat(exports.list("")).as("files of the killed node's export").isEmpty();
                    assertThat(tookMillis).isLessThan(LEASE.toMillis() + LEASE.toMillis() / 3 + 5_000);
                }
            } finally {
                doomed.destroyForcibly().waitFor();
            }
        }
    }

    private boolean exists(S3ResultStore store, String resultId, String file) throws Exception {
        Path target = Files.createTempFile(directory, "download", ".bin");
        return store.download(resultId, file, target);
    }
}
