package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.TwoNodeCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export block of a statement exported on one node shows, with working links, when its status is asked of another. */
class ClusterExportBlockTest {

    @TempDir
    Path directory;

    @Test
    void aStatusAskedThroughTheOtherNodeCarriesTheExportAndItsLinks() throws Exception {
        try (TwoNodeCluster cluster = TwoNodeCluster.start("cluster_export_block", directory, config -> config)) {
            HttpResponse<String> exported = cluster.a.post("/sluice/v1/statements", body("sql", "SELECT 42 AS answer",
                    "export", java.util.Map.of("format", "csv"), "waitMs", 20_000));
            assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);
            String id = json(exported).path("id").asText();
            String links = json(exported).path("export").path("files").toString();
            assertThat(json(exported).path("export").path("state").asText()).as(exported.body()).isEqualTo("SUCCEEDED");

            JsonNode throughB = json(eventually(() -> cluster.b.get("/sluice/v1/statements/" + id),
                    response -> json(response).path("export").path("state").asText().equals("SUCCEEDED")));
            assertThat(throughB.path("export").path("files").toString()).isEqualTo(links);
            assertThat(throughB.path("export").path("rows").asLong()).isEqualTo(1);

            String url = throughB.path("export").path("files").get(0).path("url").asText();
            HttpResponse<String> file = cluster.b.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
            assertThat(file.statusCode()).as(url).isEqualTo(200);
            assertThat(file.body()).contains("answer").contains("42");
        }
    }
}
