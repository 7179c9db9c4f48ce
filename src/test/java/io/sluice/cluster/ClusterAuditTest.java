package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin who queries {@code sluice.audit} on any node sees every node's statements: each node's records go to the
 * cluster's database and come back out into the other nodes' tables, once each.
 */
class ClusterAuditTest {

    @TempDir
    Path directory;

    @Test
    void everyNodesTableShowsTheStatementsOfEveryNodeOnce() throws Exception {
        try (TwoNodeCluster cluster = TwoNodeCluster.start("cluster_audit", directory, config -> config)) {
            HttpResponse<String> ran = cluster.a.post("/sluice/v1/query", body("sql", "SELECT 'cluster-audit-marker-on-a' AS m"));
            assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
            HttpResponse<String> ranOnB = cluster.b.post("/sluice/v1/query", body("sql", "SELECT 'cluster-audit-marker-on-b' AS m"));
            assertThat(ranOnB.statusCode()).as(ranOnB.body()).isEqualTo(200);

            for (SluiceTestServer node : new SluiceTestServer[] {cluster.a, cluster.b}) {
                for (String marker : new String[] {"on-a", "on-b"}) {
                    // The pattern is built in SQL, so the counting statement's own record does not match it.
                    String count = "SELECT count(*) AS n FROM sluice.audit WHERE event = 'STATEMENT' AND sql LIKE "
                            + "'%cluster-audit-' || 'marker-" + marker + "%'";
                    HttpResponse<String> seen = eventually(() -> node.post("/sluice/v1/query", body("sql", count)),
                            response -> response.statusCode() == 200 && json(response).get(0).get("n").asLong() > 0);
                    // Long enough for a second copy to arrive if the node copied its own records or repeated others'.
                    Thread.sleep(3_000);
                    HttpResponse<String> again = node.post("/sluice/v1/query", body("sql", count));
                    assertThat(json(again).get(0).get("n").asLong()).as("records of the statement " + marker + " in "
                            + (node == cluster.a ? "a" : "b") + "'s table; first answer " + seen.body()).isEqualTo(1);
                }
            }
            Path position = directory.resolve("b").resolve("audit").resolve("cluster-audit.position");
            assertThat(Files.readString(position).strip()).as("where b's copy goes on after a restart").matches("[1-9][0-9]*");
        }
    }
}
