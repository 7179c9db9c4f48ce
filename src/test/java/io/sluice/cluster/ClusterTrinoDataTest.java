package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes sharing a real Trino: a Trino result, the same for every node, is still reused across nodes (only
 * DuckDB's results are kept to their node), and a statement joining a Trino catalog with a DuckDB table is refused
 * with a message that names both engines rather than Trino's "Catalog 'sluice' not found".
 */
class ClusterTrinoDataTest {

    @TempDir
    Path directory;

    @Test
    void trinoResultsAreSharedAndCrossEngineJoinsAreRefusedNamingBothEngines() throws Exception {
        String trino = TrinoCluster.shared().url();
        try (TwoNodeCluster cluster = TwoNodeCluster.start("cluster_trino_data", directory, config -> config
                .withEngines(EngineSettings.trino(TrinoConfig.of(trino, TrinoSluice.CATALOGS)))
                .withCluster(config.cluster().withNodeLocalCatalogs(java.util.Set.of("sluice"))))) {
            String count = "{\"sql\": \"SELECT count(*) AS n FROM tpch.tiny.nation\", \"waitMs\": 30000,"
                    + " \"reuse\": {\"maxAgeSeconds\": 600}}";
            JsonNode onA = json(cluster.a.post("/sluice/v1/statements", count));
            assertThat(onA.get("state").asText()).as(onA.toString()).isEqualTo("SUCCEEDED");
            JsonNode onB = json(cluster.b.post("/sluice/v1/statements", count));
            assertThat(onB.get("reused").asBoolean()).as(onB.toString()).isTrue();
            assertThat(json(cluster.b.get("/sluice/v1/statements/" + onB.get("id").asText() + "/results?format=json-array"))
                    .toString()).isEqualTo("[[25]]");

            assertThat(cluster.b.post("/sluice/v1/query", body("sql", "CREATE OR REPLACE TABLE t_b AS SELECT 1 AS k")).statusCode())
                    .isEqualTo(200);
            HttpResponse<String> join = cluster.b.post("/sluice/v1/query", body("sql",
                    "SELECT n.n_name FROM tpch.tiny.nation n JOIN sluice.main.t_b t ON n.n_nationkey = t.k"));
            assertThat(join.statusCode()).as(join.body()).isEqualTo(400);
            assertThat(json(join).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
            assertThat(json(join).get("message").asText()).isEqualTo("Cross-engine statements are not supported: catalog"
                    + " 'tpch' is served by trino and catalog 'sluice' by duckdb; one statement runs on one engine (copy the"
                    + " data into one of them, or query each separately)");
        }
    }
}
