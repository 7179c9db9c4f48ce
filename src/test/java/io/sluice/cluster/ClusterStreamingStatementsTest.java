package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement streamed through one node (no tags, plain {@code /sluice/v1/query}) is listed by the other node while
 * it runs and can be cancelled through it; the listing then shows how it ended. A running asynchronous statement's
 * progress shows on the other node too.
 */
class ClusterStreamingStatementsTest {

    @TempDir
    Path directory;

    @Test
    void liveStatementsOfOneNodeAreListedCancelledAndFollowedThroughTheOther() throws Exception {
        try (TwoNodeCluster cluster = TwoNodeCluster.start("cluster_streaming", directory, config -> config)) {
            // Minutes of counting in DuckDB before the one row: it runs until cancelled.
            CompletableFuture<HttpResponse<String>> streaming = CompletableFuture.supplyAsync(() -> cluster.a.post(
                    "/sluice/v1/query", body("sql", "SELECT count(*) AS n, 'streamed-through-a' AS m FROM range(1000000000000) t(i)")));

            JsonNode running = eventually(() -> listed(cluster, "streamed-through-a"),
                    found -> found.isPresent() && found.get().path("state").asText().equals("RUNNING")).orElseThrow();
            String id = running.path("id").asText();

            HttpResponse<String> cancelled = cluster.b.delete("/sluice/v1/statements/" + id);
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            assertThat(json(cancelled).path("state").asText()).as(cancelled.body()).isEqualTo("CANCELLED");

            HttpResponse<String> answer = streaming.get(30, TimeUnit.SECONDS);
            assertThat(answer.body()).as("what the client streaming through a got").contains("CANCELLED");
            JsonNode ended = eventually(() -> listed(cluster, "streamed-through-a"),
                    found -> found.isPresent() && found.get().path("state").asText().equals("CANCELLED")).orElseThrow();
            assertThat(ended.path("id").asText()).isEqualTo(id);

            // An asynchronous statement running on a: b shows how far it is, a second behind at most, and it moves on.
            HttpResponse<String> submitted = cluster.a.post("/sluice/v1/statements",
                    body("sql", "SELECT count(*) AS n FROM range(1000000000000) t(i)", "waitMs", 0));
            String asyncId = json(submitted).path("id").asText();
            HttpResponse<String> first = eventually(() -> cluster.b.get("/sluice/v1/statements/" + asyncId),
                    response -> json(response).path("progress").path("rowsProcessed").asLong() > 0);
            assertThat(json(first).path("state").asText()).isEqualTo("RUNNING");
            long before = json(first).path("progress").path("rowsProcessed").asLong();
            HttpResponse<String> later = eventually(() -> cluster.b.get("/sluice/v1/statements/" + asyncId),
                    response -> json(response).path("progress").path("rowsProcessed").asLong() > before);
            assertThat(json(later).path("progress").path("totalRows").asLong()).isGreaterThanOrEqualTo(1_000_000_000_000L);
            assertThat(json(cluster.a.delete("/sluice/v1/statements/" + asyncId)).path("state").asText()).isEqualTo("CANCELLED");
        }
    }

    /** The statement whose SQL contains {@code marker}, as node b lists every principal's statements. */
    private static Optional<JsonNode> listed(TwoNodeCluster cluster, String marker) {
        HttpResponse<String> listing = cluster.b.get("/sluice/v1/statements?all=true");
        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
        return StreamSupport.stream(json(listing).path("statements").spliterator(), false)
                .filter(statement -> statement.path("sql").asText().contains(marker) && !statement.path("sql").asText().contains("statements"))
                .findFirst();
    }
}
