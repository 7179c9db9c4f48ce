package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.export.ExportConfig;
import io.sluice.storage.ExportSettings;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export.keepResult: false}: the files are the statement's only result. Nothing is spooled, the statement
 * says so when asked for rows, and an export that fails takes the statement with it (nothing else holds the rows).
 */
class ExportOnlyTest {

    @TempDir
    Path data;

    @Test
    void theRowsGoOnlyToTheFilesAndReadingThemBackIsAClearNotFound() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data)) {
            JsonNode statement = json(sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, 'row ' || i AS label FROM range(50000) t(i)",
                    "export", Map.of("format", "parquet", "keepResult", false), "waitMs", 30_000)));
            String id = statement.get("id").asText();
            assertThat(statement.get("state").asText()).as(statement.toString()).isEqualTo("SUCCEEDED");
            assertThat(statement.get("rows").asLong()).isEqualTo(50_000);
            assertThat(statement.has("data")).isFalse();
            assertThat(statement.path("pageCount").isMissingNode() || statement.get("pageCount").isNull()).isTrue();
            JsonNode export = statement.get("export");
            assertThat(export.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(export.get("rows").asLong()).isEqualTo(50_000);

            HttpResponse<byte[]> file = sluice.client.send(HttpRequest.newBuilder(URI.create(
                    export.get("files").get(0).get("url").asText())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            Path parquet = Files.write(Files.createTempDirectory(data, "download").resolve("r.parquet"), file.body());
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                 ResultSet check = duckdb.createStatement().executeQuery(
                         "SELECT count(*), sum(i), max(label) FROM read_parquet('" + parquet + "')")) {
                check.next();
                assertThat(check.getLong(1)).isEqualTo(50_000);
                assertThat(check.getLong(2)).isEqualTo(49_999L * 50_000 / 2);
                assertThat(check.getString(3)).isEqualTo("row 9999");
            }

            HttpResponse<String> rows = sluice.get("/sluice/v1/statements/" + id + "/results");
            assertThat(rows.statusCode()).isEqualTo(404);
            assertThat(json(rows).get("message").asText()).contains("export only");
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id));
            assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(status.get("export").get("state").asText()).isEqualTo("SUCCEEDED");
            // Nothing of it in the spool: no directory named after the statement anywhere under the data directory.
            try (Stream<Path> files = Files.walk(data)) {
                assertThat(files.filter(path -> path.getFileName().toString().equals(id))).isEmpty();
            }
        }
    }

    @Test
    void afterARestartTheStatementIsStillSucceededNotALostResult() {
        String id;
        try (SluiceTestServer sluice = SluiceTestServer.start(data)) {
            JsonNode statement = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT 42 AS answer",
                    "export", Map.of("format", "csv", "keepResult", false), "waitMs", 30_000)));
            assertThat(statement.get("state").asText()).as(statement.toString()).isEqualTo("SUCCEEDED");
            id = statement.get("id").asText();
        }
        try (SluiceTestServer restarted = SluiceTestServer.start(data)) {
            JsonNode status = json(restarted.get("/sluice/v1/statements/" + id));
            assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("SUCCEEDED");
            assertThat(status.get("rows").asLong()).isEqualTo(1);
            assertThat(restarted.get("/sluice/v1/statements/" + id + "/results").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void anExportThatFailsFailsTheStatementItIsTheOnlyResultOf() throws Exception {
        ExportSettings tinyQuota = ExportSettings.defaults().withExport(
                new ExportConfig(Duration.ofHours(1), 10_000, 256L * 1024 * 1024, Duration.ofHours(1)));
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data).withExport(tinyQuota), false)) {
            HttpResponse<String> onlyExport = sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, repeat('x', 100) AS filler FROM range(200000) t(i)",
                    "export", Map.of("format", "csv", "keepResult", false), "waitMs", 30_000));
            JsonNode failed = json(onlyExport);
            assertThat(failed.get("code").asText()).as(onlyExport.body()).isEqualTo("EXPORT_QUOTA_EXCEEDED");

            // With its result kept, the same statement succeeds and only its export fails.
            JsonNode kept = json(sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, repeat('x', 100) AS filler FROM range(200000) t(i)",
                    "export", Map.of("format", "csv"), "waitMs", 30_000)));
            assertThat(kept.get("state").asText()).as(kept.toString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void keepResultIsCheckedAndBelongsToTheSubmission() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data)) {
            HttpResponse<String> notBoolean = sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT 1", "export", Map.of("format", "csv", "keepResult", "no")));
            assertThat(notBoolean.statusCode()).isEqualTo(400);
            assertThat(json(notBoolean).get("message").asText()).contains("keepResult");

            String id = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 10_000))).get("id").asText();
            HttpResponse<String> later = sluice.post("/sluice/v1/statements/" + id + "/export",
                    body("format", "csv", "keepResult", false));
            assertThat(later.statusCode()).isEqualTo(400);
            assertThat(json(later).get("message").asText()).contains("keepResult");
        }
    }
}
