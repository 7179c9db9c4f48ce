package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.testing.ClusterTestNodes;
import io.sluice.testing.PostgresTestServer;
import io.sluice.testing.S3TestServer;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No orphaned engine work: a node killed with SIGKILL while its statement runs on Trino leaves that query running
 * on the coordinator (nothing of the node is left to cancel it); a surviving node deletes it on Trino once the dead
 * node's lease expires, instead of Trino running it on until its client timeout (five minutes).
 */
@Tag("trino")
class ClusterOrphanedWorkTest {

    private static final Duration LEASE = Duration.ofSeconds(3);
    /** Generated TPC-H data this large keeps Trino busy far longer than the test waits (as in TrinoStatementLifeTest). */
    private static final String ENDLESS = "SELECT count(*) FROM tpch.sf100000.lineitem WHERE comment LIKE '%%%s%%'";

    @TempDir
    Path directory;

    @Test
    void aKilledNodesTrinoQueryIsCancelledByASurvivorWithinTheLease() throws Exception {
        TrinoCluster trino = TrinoCluster.shared();
        String database = PostgresTestServer.shared().createDatabase("cluster_orphans");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, LEASE);
            int port = ClusterNodeFailureTest.freePort();
            HttpClient client = HttpClient.newHttpClient();
            Process doomed = ClusterNodeFailureTest.startNode(nodes, "doomed", port, "engines.trino.url=" + trino.url()
                    + "\nengines.trino.catalogs=" + String.join(",", TrinoSluice.CATALOGS) + "\n");
            try {
                ClusterNodeFailureTest.waitUntilReady(client, port, doomed, nodes.dataDirectory("doomed").resolve("server.log"));
                SluiceTestServer survivor = new SluiceTestServer(nodes.config("survivor")
                        .withEngines(EngineSettings.trino(TrinoConfig.of(trino.url(), TrinoSluice.CATALOGS))), false);
                try (survivor) {
                    String marker = "orphan-" + UUID.randomUUID();
                    HttpResponse<String> submitted = ClusterNodeFailureTest.post(client, port,
                            body("sql", ENDLESS.formatted(marker), "waitMs", 0));
                    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                    try {
                        awaitTrinoState(trino, marker, "RUNNING", Duration.ofSeconds(60));
                    } catch (AssertionError notThere) {
                        String id = SluiceTestServer.json(submitted).get("id").asText();
                        List<String> log = Files.readAllLines(nodes.dataDirectory("doomed").resolve("server.log"));
                        throw new AssertionError(notThere.getMessage() + "; the statement on the node: "
                                + survivor.get("/sluice/v1/statements/" + id).body() + "; the end of its log:\n"
                                + String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())), notThere);
                    }

                    doomed.destroyForcibly().waitFor(); // SIGKILL: the node cannot cancel anything any more
                    long killedAt = System.nanoTime();
                    List<String> ended = awaitTrinoState(trino, marker, "FAILED", LEASE.plusSeconds(20));
                    long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
                    System.out.printf("cluster: Trino query of the killed node cancelled %d ms after SIGKILL (lease %d ms)%n",
                            tookMillis, LEASE.toMillis());
                    assertThat(ended.get(1)).as("Trino's error code").isEqualTo("USER_CANCELED");
                    // The lease, one heartbeat for the sweep to come round, and slack for this machine.
                    assertThat(tookMillis).isLessThan(LEASE.toMillis() + LEASE.toMillis() / 3 + 5_000);
                }
            } finally {
                doomed.destroyForcibly().waitFor();
            }
        }
    }

    /** Trino's state and error code of the one query whose text contains {@code marker}, once it is in {@code state}. */
    private static List<String> awaitTrinoState(TrinoCluster trino, String marker, String state, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> last = null;
        while (System.nanoTime() < deadline) {
            List<List<String>> rows = trino.query("sluice-test", "SELECT state, error_code FROM system.runtime.queries"
                    + " WHERE query LIKE '%" + marker + "%' AND query NOT LIKE '%system.runtime.queries%'"
                    + " AND query NOT LIKE 'EXPLAIN%'");
            last = rows.isEmpty() ? null : rows.getFirst();
            if (last != null && last.getFirst().equals(state)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Trino never showed the query " + state + " within " + within + "; last " + last);
    }
}
