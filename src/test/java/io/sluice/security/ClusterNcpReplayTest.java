package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a cluster an NCP signature accepted by one node is refused by every other: the replay guard lives in the
 * shared PostgreSQL, so an attacker cannot replay a captured request through another node behind the balancer.
 */
@Tag("security")
class ClusterNcpReplayTest {

    private static final String QUERIES = "/api/v2/queries";

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static NcpSigner bob;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start("cluster_ncp_replay", directory, config -> config);
        bob = NcpSigner.of(cluster.b.otherUserKey);
        // The key was issued through B; wait until A has read it from the shared store.
        awaitServed(cluster.a);
        awaitServed(cluster.b);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSignatureAcceptedByOneNodeIsRefusedByTheOther() {
        NcpSigner.Signed captured = bob.sign("POST", QUERIES, System.currentTimeMillis());
        HttpResponse<String> original = NcpSigner.send(cluster.a, "POST", QUERIES, body("query", "SELECT 1 AS x"), captured);
        assertThat(original.statusCode()).as(original.body()).isEqualTo(200);

        HttpResponse<String> replayed = NcpSigner.send(cluster.b, "POST", QUERIES, body("query", "SELECT 2 AS y"), captured);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
        assertThat(json(replayed).get("errorCode").asInt()).isEqualTo(10002);
        assertThat(NcpSigner.send(cluster.a, "POST", QUERIES, body("query", "SELECT 1 AS x"), captured).statusCode())
                .isEqualTo(401);
    }

    /** Fresh signatures until the node serves one: it then knows the key, so a later 401 is the replay guard's. */
    private static void awaitServed(SluiceTestServer node) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            NcpSigner.Signed fresh = bob.sign("GET", QUERIES + "?pageSize=1", System.currentTimeMillis() + attempt);
            if (NcpSigner.send(node, "GET", QUERIES + "?pageSize=1", null, fresh).statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the node never learnt the key");
    }
}
