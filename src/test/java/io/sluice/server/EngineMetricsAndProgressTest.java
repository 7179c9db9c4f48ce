package io.sluice.server;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations views: the engine's memory and the export bytes on /metrics, and a running statement's progress in
 * the admin listing and its status.
 */
class EngineMetricsAndProgressTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private static double metric(String name) {
        HttpResponse<String> metrics = sluice.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    void engineMemoryIsWhatDuckDbReports() {
        double gauge = metric("sluice_engine_memory_bytes");
        long reported = json(sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT sum(memory_usage_bytes) AS m FROM duckdb_memory()\"}"))
                .get(0).get("m").asLong();
        // The demo tables live in DuckDB's buffer pool, so both are well above zero and of one size.
        assertThat(reported).isPositive();
        assertThat(gauge).isBetween(reported / 2.0, reported * 2.0);
        assertThat(metric("sluice_engine_temporary_bytes")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aScrapeCanNameTheMetricsItWants() {
        HttpResponse<String> some = sluice.get("/metrics?name%5B%5D=jvm_memory_used_bytes&name%5B%5D=sluice_export_bytes_total");
        assertThat(some.statusCode()).isEqualTo(200);
        List<String> names = some.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0]).distinct().toList();
        assertThat(names).containsExactlyInAnyOrder("jvm_memory_used_bytes", "sluice_export_bytes_total");
        // Without a filter every metric is there, the engine's memory among them.
        assertThat(sluice.get("/metrics").body()).contains("sluice_engine_memory_bytes").contains("jvm_threads_states_threads");
    }

    @Test
    void exportBytesCountTheFilesWritten() {
        double before = metric("sluice_export_bytes_total");
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements", "{\"sql\": \"SELECT * FROM range(20000) t(n)\","
                + " \"waitMs\": 20000, \"export\": {\"format\": \"csv\"}}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        String id = json(submitted).get("id").asText();
        JsonNode export = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            export = json(sluice.get("/sluice/v1/statements/" + id)).get("export");
            if (export != null && "SUCCEEDED".equals(export.path("state").asText())) {
                break;
            }
            sleep(100);
        }
        assertThat(export.path("state").asText()).isEqualTo("SUCCEEDED");
        long written = 0;
        for (JsonNode file : export.get("files")) {
            written += file.get("bytes").asLong();
        }
        assertThat(written).isPositive();
        assertThat(metric("sluice_export_bytes_total") - before).isEqualTo((double) written);
    }

    @Test
    void aLargeTextResultIsRenderedWithAHelperAndArrivesWhole() {
        double before = metric("sluice_render_helper_blocks_total");
        HttpResponse<String> streamed = sluice.post("/sluice/v1/query?format=ndjson",
                "{\"sql\": \"SELECT n, 'row ' || n AS label FROM range(100000) t(n) ORDER BY n\"}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        List<String> lines = streamed.body().lines().toList();
        assertThat(lines).hasSize(100_000);
        for (int row : new int[] {0, 511, 512, 8191, 8192, 99_999}) {
            JsonNode parsed = parse(lines.get(row));
            assertThat(parsed.get("n").asLong()).isEqualTo(row);
            assertThat(parsed.get("label").asText()).isEqualTo("row " + row);
        }
        assertThat(metric("sluice_render_helper_blocks_total")).isGreaterThan(before);
    }

    @Test
    void aRunningStatementShowsItsProgressInTheAdminListingAndItsStatus() {
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements",
                "{\"sql\": \"SELECT count(*) FROM range(20000000000) t(n) WHERE n % 7 = 3\", \"waitMs\": 0}", sluice.otherUserKey);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted).get("id").asText();
        try {
            JsonNode listed = null;
            for (int attempt = 0; attempt < 150 && listed == null; attempt++) {
                for (JsonNode statement : json(sluice.get("/sluice/v1/statements?all=true")).get("statements")) {
                    if (statement.get("id").asText().equals(id) && statement.path("progress").path("percent").asDouble(0) > 0) {
                        listed = statement;
                    }
                }
                sleep(100);
            }
            assertThat(listed).as("the admin listing shows the running statement's progress").isNotNull();
            assertThat(listed.get("state").asText()).isEqualTo("RUNNING");
            assertThat(listed.get("owner").asText()).isEqualTo("bob");
            assertThat(listed.get("progress").get("percent").asDouble()).isBetween(0.0, 100.0);
            assertThat(listed.get("progress").get("totalRows").asLong()).isGreaterThan(listed.get("progress").get("rowsProcessed").asLong());
            JsonNode own = json(sluice.get("/sluice/v1/statements/" + id, sluice.otherUserKey));
            assertThat(own.path("progress").path("rowsProcessed").asLong()).isGreaterThanOrEqualTo(listed.get("progress").get("rowsProcessed").asLong());
        } finally {
            sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements/" + id))
                    .header("Authorization", "Bearer " + sluice.otherUserKey).DELETE().build());
        }
        // Finished statements carry no progress.
        JsonNode ended = json(sluice.get("/sluice/v1/statements/" + id, sluice.otherUserKey));
        assertThat(ended.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(ended.has("progress")).isFalse();
    }

    private static JsonNode parse(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
