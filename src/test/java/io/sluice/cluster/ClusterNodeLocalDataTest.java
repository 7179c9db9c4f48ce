package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB's tables are each node's own: a result read from them is reused only on the node that computed it, a
 * table one node lacks is said to be per node, and writes reach only the catalogs declared node-local
 * ({@code cluster.nodeLocalCatalogs}; here {@code sluice}, not the attached {@code public_data}).
 */
class ClusterNodeLocalDataTest {

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static SluiceTestServer a;
    static SluiceTestServer b;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start("cluster_node_local", directory,
                config -> config.withCluster(config.cluster().withNodeLocalCatalogs(Set.of("sluice"))));
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
    void aCountAfterAnInsertOnOneNodeIsNotReusedOnTheOther() {
        for (SluiceTestServer node : List.of(a, b)) {
            run(node, "CREATE OR REPLACE TABLE visits AS SELECT range AS id FROM range(24433)");
        }
        run(a, "INSERT INTO visits VALUES (24433)");
        String count = "{\"sql\": \"SELECT count(*) AS n FROM visits\", \"waitMs\": 5000, \"reuse\": {\"maxAgeSeconds\": 600}}";

        JsonNode onA = json(a.post("/sluice/v1/statements", count));
        assertThat(rows(a, onA)).isEqualTo("[[24434]]");
        JsonNode againOnA = json(a.post("/sluice/v1/statements", count));
        assertThat(againOnA.get("reused").asBoolean()).as("the same node reuses its own result").isTrue();

        JsonNode onB = json(b.post("/sluice/v1/statements", count));
        assertThat(onB.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(onB.has("reused")).as(onB.toString()).isFalse();
        assertThat(rows(b, onB)).isEqualTo("[[24433]]");
        // And B's own answer is what B reuses from now on, while A keeps its own.
        assertThat(rows(b, json(b.post("/sluice/v1/statements", count)))).isEqualTo("[[24433]]");
        assertThat(rows(a, json(a.post("/sluice/v1/statements", count)))).isEqualTo("[[24434]]");
    }

    @Test
    void aTableOnlyOneNodeHasIsNotReadThroughTheOtherWithReuseAndTheErrorSaysWhy() {
        run(a, "CREATE OR REPLACE TABLE t_a AS SELECT 42 AS x");
        String read = "{\"sql\": \"SELECT * FROM t_a\", \"waitMs\": 5000, \"reuse\": {\"maxAgeSeconds\": 600}}";
        JsonNode onA = json(a.post("/sluice/v1/statements", read));
        assertThat(rows(a, onA)).isEqualTo("[[42]]");

        HttpResponse<String> onB = b.post("/sluice/v1/statements", read);
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(400);
        assertThat(json(onB).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(onB).get("message").asText()).contains("t_a").contains("does not exist")
                .contains("on node b; in cluster mode DuckDB tables are per node");
    }

    @Test
    void writesToACatalogNotDeclaredNodeLocalAreRefusedBeforeTheyRun() {
        for (String sql : List.of("CREATE TABLE public_data.main.undeclared AS SELECT 1 AS x",
                "CREATE OR REPLACE VIEW public_data.main.v AS SELECT 1 AS x",
                "/* a comment */ INSERT INTO public_data.main.anything VALUES (1)",
                "SELECT 1; DROP TABLE IF EXISTS \"public_data\".main.whatever")) {
            HttpResponse<String> refused = a.post("/sluice/v1/query", body("sql", sql));
            assertThat(refused.statusCode()).as(sql + ": " + refused.body()).isEqualTo(400);
            assertThat(json(refused).get("code").asText()).isEqualTo("SQL_ERROR");
            assertThat(json(refused).get("message").asText())
                    .startsWith("Writes to DuckDB catalog 'public_data' are refused in cluster mode")
                    .contains("this is node a").contains("cluster.nodeLocalCatalogs=public_data");
        }
        // Nothing of them ran.
        HttpResponse<String> absent = a.post("/sluice/v1/query?format=json-array", body("sql",
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'public_data' AND table_name = 'undeclared'"));
        assertThat(json(absent).toString()).isEqualTo("[[0]]");
        // The declared catalog takes writes, qualified or not, and reads of the other stay allowed.
        run(b, "CREATE OR REPLACE TABLE sluice.main.declared AS SELECT 1 AS x");
        run(b, "INSERT INTO declared VALUES (2)");
        assertThat(json(b.post("/sluice/v1/query?format=json-array", body("sql", "SELECT count(*) FROM declared"))).toString()).isEqualTo("[[2]]");
    }

    private static void run(SluiceTestServer node, String sql) {
        HttpResponse<String> done = node.post("/sluice/v1/query", body("sql", sql));
        assertThat(done.statusCode()).as(sql + ": " + done.body()).isEqualTo(200);
    }

    private static String rows(SluiceTestServer node, JsonNode status) {
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("SUCCEEDED");
        return json(node.get("/sluice/v1/statements/" + status.get("id").asText() + "/results?format=json-array")).toString();
    }
}
