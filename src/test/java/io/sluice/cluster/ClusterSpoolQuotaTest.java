package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
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
 * In a cluster a principal's spool quota counts its results on every node (the ledger lives in the shared
 * PostgreSQL): a result spooled through node A leaves less room on node B, and deleting it gives the room back.
 */
@Tag("security")
class ClusterSpoolQuotaTest {

    /** About 400 KB of pages. */
    private static final String RESULT = "SELECT n FROM range(50000) t(n)";

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static SluiceTestServer a;
    static SluiceTestServer b;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start("cluster_spool_quota", directory, config -> config);
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aResultOnOneNodeCountsAgainstTheQuotaOnTheOther() {
        JsonNode first = json(a.post("/sluice/v1/statements", body("sql", RESULT, "waitMs", 30_000), a.otherUserKey));
        assertThat(first.get("state").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
        long held = a.server.spool().bytesHeldBy("bob");
        assertThat(held).isPositive();
        // B wrote nothing for bob, yet sees what A holds for him.
        assertThat(b.server.spool().bytesHeldBy("bob")).isEqualTo(held);

        // Room for one such result, not two: the second, through B, is refused.
        AccessControl.Limits limits = AccessControl.Limits.DEFAULT.withSpoolBytes(held * 3 / 2);
        a.server.access().limits(limits);
        b.server.access().limits(limits);
        try {
            HttpResponse<String> refused = b.post("/sluice/v1/statements", body("sql", RESULT, "waitMs", 30_000), b.otherUserKey);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(json(refused).get("code").asText()).isEqualTo("SPOOL_QUOTA_EXCEEDED");
            assertThat(b.server.spool().bytesHeldBy("bob")).isEqualTo(held);

            // Deleting A's result (what its expiry does) gives the room back on every node.
            a.server.spool().delete(first.get("id").asText());
            assertThat(b.server.spool().bytesHeldBy("bob")).isZero();
            JsonNode again = json(b.post("/sluice/v1/statements", body("sql", RESULT, "waitMs", 30_000), b.otherUserKey));
            assertThat(again.get("state").asText()).as(again.toString()).isEqualTo("SUCCEEDED");
        } finally {
            a.server.access().limits(AccessControl.Limits.DEFAULT);
            b.server.access().limits(AccessControl.Limits.DEFAULT);
        }
    }
}
