package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
import io.sluice.core.access.SharedLimits;
import io.sluice.core.auth.Principal;
import io.sluice.server.SluiceConfig;
import io.sluice.storage.postgres.PostgresCluster;
import io.sluice.testing.ClusterTestNodes;
import io.sluice.testing.PostgresTestServer;
import io.sluice.testing.S3TestServer;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-principal limits hold for the cluster, not for each node: with a limit of one running statement, a statement
 * running on node A makes node B answer 429 until it ends; the statements-per-minute bucket is one bucket across
 * nodes; and a node killed while it held a principal's slot gives the slot back when its lease expires.
 */
@Tag("security")
class ClusterLimitsTest {

    private static final String SLOW = "SELECT count(*) FROM range(100000000000) a";

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static SluiceTestServer a;
    static SluiceTestServer b;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start("cluster_limits", directory, config -> config);
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void limitBoth(AccessControl.Limits limits) {
        a.server.access().limits(limits);
        b.server.access().limits(limits);
    }

    @Test
    void aLimitOfOneAdmitsOneStatementAtATimeAcrossTwoNodes() {
        limitBoth(AccessControl.Limits.DEFAULT.withMaxConcurrent(1));
        try {
            HttpResponse<String> running = a.post("/sluice/v1/statements", body("sql", SLOW, "waitMs", 300), a.otherUserKey);
            assertThat(running.statusCode()).as(running.body()).isEqualTo(202);
            String id = json(running).get("id").asText();

            // B runs nothing of bob's, yet refuses him: his one slot is held on A.
            HttpResponse<String> refused = b.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 30_000), b.otherUserKey);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(json(refused).get("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(json(refused).get("message").asText()).contains("across the cluster");
            // The same through another protocol: its own 429.
            HttpResponse<String> druid = b.post("/druid/v2/sql", body("query", "SELECT 1"), b.otherUserKey);
            assertThat(druid.statusCode()).as(druid.body()).isEqualTo(429);
            // Another principal is not held back by bob's limit.
            HttpResponse<String> admin = b.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 30_000));
            assertThat(json(admin).get("state").asText()).as(admin.body()).isEqualTo("SUCCEEDED");

            HttpResponse<String> cancel = a.send(java.net.http.HttpRequest.newBuilder(a.uri("/sluice/v1/statements/" + id))
                    .header("Authorization", "Bearer " + a.otherUserKey).DELETE().build());
            assertThat(cancel.statusCode()).as(cancel.body()).isBetween(200, 204);
            long cancelledAt = System.nanoTime();
            // Once A's statement ended, its slot is free for B (the release is written in the background).
            HttpResponse<String> admitted = eventually(
                    () -> b.post("/sluice/v1/statements", body("sql", "SELECT 2 AS two", "waitMs", 30_000), b.otherUserKey),
                    response -> response.statusCode() == 200);
            System.out.printf("cluster limits: bob's slot free on B %d ms after the cancel on A%n",
                    (System.nanoTime() - cancelledAt) / 1_000_000);
            assertThat(json(admitted).get("state").asText()).as(admitted.body()).isEqualTo("SUCCEEDED");
            // And one at a time still: a statement ended is a slot given back, not two.
            HttpResponse<String> next = a.post("/sluice/v1/statements", body("sql", "SELECT 3", "waitMs", 30_000), a.otherUserKey);
            assertThat(json(next).get("state").asText()).as(next.body()).isEqualTo("SUCCEEDED");
        } finally {
            limitBoth(AccessControl.Limits.DEFAULT);
        }
    }

    @Test
    void theStatementsPerMinuteBucketIsOneBucketForTheCluster() {
        String carol = a.server.keys().issue(new Principal("carol", "carol", false)).text();
        limitBoth(new AccessControl.Limits(64, 2));
        try {
            HttpResponse<String> first = a.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 30_000), carol);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            HttpResponse<String> second = eventually(
                    () -> b.post("/sluice/v1/statements", body("sql", "SELECT 2", "waitMs", 30_000), carol),
                    response -> response.statusCode() != 401); // carol's key reaches B within a refresh
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            // A alone has seen one of carol's statements; the cluster has seen two, her minute's worth.
            HttpResponse<String> third = a.post("/sluice/v1/statements", body("sql", "SELECT 3", "waitMs", 30_000), carol);
            assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
            assertThat(json(third).get("message").asText()).contains("per minute").contains("across the cluster");
        } finally {
            limitBoth(AccessControl.Limits.DEFAULT);
        }
    }

    /**
     * What the cluster-wide limits cost a statement: one call of the claim function (the release is written in the
     * background, off the statement's path). A single node makes no such call.
     */
    @Test
    void aClaimCostsOneRoundTrip() throws Exception {
        ClusterTestNodes nodes = new ClusterTestNodes(cluster.database, cluster.s3, directory, Duration.ofSeconds(3));
        SluiceConfig config = nodes.config("bench");
        try (PostgresCluster member = PostgresCluster.start(config.cluster().postgres(config.statements().retention()))) {
            SharedLimits limits = member.limits();
            for (int warm = 0; warm < 200; warm++) {
                limits.claim("bench", "warm-" + warm, 1_000_000, 1_000_000);
                limits.release("warm-" + warm);
            }
            int claims = 1_000;
            long started = System.nanoTime();
            for (int index = 0; index < claims; index++) {
                assertThat(limits.claim("bench", "s-" + index, 1_000_000, 1_000_000).outcome())
                        .isEqualTo(SharedLimits.Outcome.GRANTED);
                limits.release("s-" + index);
            }
            double micros = (System.nanoTime() - started) / 1_000.0 / claims;
            // For scale: the plainest round trip on the same pool (one indexed SELECT).
            var ledger = member.spoolLedger();
            started = System.nanoTime();
            for (int index = 0; index < claims; index++) {
                ledger.held("bench", java.time.Instant.now());
            }
            double plainMicros = (System.nanoTime() - started) / 1_000.0 / claims;
            System.out.printf("cluster limits: %.0f µs per statement for the claim, %.0f µs for a plain SELECT round trip"
                    + " (means of %d, local PostgreSQL)%n", micros, plainMicros, claims);
        }
    }

    /** A node killed with SIGKILL while it held a principal's only slot: the slot is free once its lease expired. */
    @Test
    void aKilledNodesSlotIsReleasedWhenItsLeaseExpires() throws Exception {
        Duration lease = Duration.ofSeconds(3);
        String database = PostgresTestServer.shared().createDatabase("cluster_limits_lease");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("lease-s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory.resolve("lease"), lease);
            int port = ClusterNodeFailureTest.freePort();
            HttpClient client = HttpClient.newHttpClient();
            Process doomed = ClusterNodeFailureTest.startNode(nodes, "doomed", port, "limits.principalConcurrent=1\n");
            try {
                ClusterNodeFailureTest.waitUntilReady(client, port, doomed, nodes.dataDirectory("doomed").resolve("server.log"));
                SluiceConfig survivorConfig = nodes.config("survivor");
                try (SluiceTestServer survivor = new SluiceTestServer(survivorConfig.withPrincipalLimits(
                        survivorConfig.principalLimits().withMaxConcurrent(1)), false)) {
                    HttpResponse<String> slow = ClusterNodeFailureTest.post(client, port, body("sql", SLOW, "waitMs", 300));
                    assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);
                    HttpResponse<String> refused = survivor.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 30_000));
                    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);

                    doomed.destroyForcibly().waitFor();
                    long killedAt = System.nanoTime();
                    HttpResponse<String> admitted = eventually(
                            () -> survivor.post("/sluice/v1/statements", body("sql", "SELECT 1 AS one", "waitMs", 30_000)),
                            response -> response.statusCode() == 200);
                    long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
                    System.out.printf("cluster limits: the killed node's slot free %d ms after SIGKILL (lease %d ms)%n",
                            tookMillis, lease.toMillis());
                    JsonNode answer = json(admitted);
                    assertThat(answer.get("state").asText()).as(admitted.body()).isEqualTo("SUCCEEDED");
                    assertThat(tookMillis).isLessThan(lease.toMillis() + 5_000);
                }
            } finally {
                doomed.destroyForcibly().waitFor();
            }
        }
    }
}
