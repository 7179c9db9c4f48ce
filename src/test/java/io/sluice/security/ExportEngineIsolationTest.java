package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports are written while the statement runs, by a private DuckDB fed with the statement's Arrow batches.
 * Nothing of that path is reachable from user SQL: the engine that runs user SQL gets no new directory (not
 * the export store, not the encoder's temporary files), its settings stay locked, and the user's text (column
 * names, values) reaches the private DuckDB only as data, never as SQL.
 */
@Tag("security")
class ExportEngineIsolationTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluiceTestServer.start(data);
        // One finished export, so the store and the temporary directory both exist and hold something to steal.
        JsonNode export = exportOf("SELECT 'classified' AS secret FROM range(1000)", Map.of("format", "parquet"),
                SluiceTestServer.ADMIN_KEY);
        assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("SUCCEEDED");
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void userSqlCanNeitherReadNorWriteTheExportStoreOrTheEncodersFiles() throws Exception {
        Path exports = data.resolve("exports");
        Path temporary = data.resolve("tmp");
        assertThat(Files.isDirectory(exports)).isTrue();
        assertThat(Files.isDirectory(temporary)).isTrue();
        List<String> attempts = List.of(
                "SELECT * FROM read_parquet('" + exports + "/**/*.parquet')",
                "SELECT * FROM '" + exports + "/**/*.parquet'",
                "SELECT * FROM glob('" + exports + "/**')",
                "SELECT * FROM glob('" + temporary + "/*')",
                "SELECT * FROM read_blob('" + temporary + "/*')",
                "COPY (SELECT 'x' AS planted) TO '" + exports + "/planted.csv'",
                "COPY (SELECT 'x' AS planted) TO '" + temporary + "/planted.parquet' (FORMAT parquet)");
        for (String key : List.of(SluiceTestServer.ADMIN_KEY, sluice.otherUserKey)) {
            for (String sql : attempts) {
                HttpResponse<String> streamed = sluice.post("/sluice/v1/query", body("sql", sql), key);
                assertThat(streamed.statusCode()).as(sql + " → " + streamed.body()).isEqualTo(400);
                assertThat(streamed.body()).doesNotContain("classified");
                // The same SQL submitted with an export (the path that writes files while the statement runs).
                HttpResponse<String> submitted = sluice.post("/sluice/v1/statements",
                        body("sql", sql, "export", Map.of("format", "parquet"), "waitMs", 30_000), key);
                assertThat(submitted.statusCode()).as(sql + " → " + submitted.body()).isEqualTo(400);
                assertThat(submitted.body()).doesNotContain("classified");
            }
        }
        assertThat(filesNamed("planted")).isEmpty();
    }

    @Test
    void theEngineStaysLockedWithNoDirectoryOpenedForExports() {
        HttpResponse<String> settings = sluice.post("/sluice/v1/query", body("sql",
                "SELECT current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked, "
                        + "CAST(current_setting('allowed_directories') AS VARCHAR) AS directories, "
                        + "CAST(current_setting('allowed_paths') AS VARCHAR) AS paths"), SluiceTestServer.ADMIN_KEY);
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        JsonNode row = json(settings).get(0);
        assertThat(row.get("external").asBoolean()).isFalse();
        assertThat(row.get("locked").asBoolean()).isTrue();
        for (String opened : List.of(row.get("directories").asText(), row.get("paths").asText())) {
            assertThat(opened).doesNotContain(data.resolve("exports").toString()).doesNotContain(data.resolve("tmp").toString());
        }
        for (String sql : List.of("SET enable_external_access = true", "SET allowed_directories = ['/']",
                "SET lock_configuration = false")) {
            HttpResponse<String> refused = sluice.post("/sluice/v1/statements",
                    body("sql", sql, "export", Map.of("format", "csv"), "waitMs", 30_000), SluiceTestServer.ADMIN_KEY);
            assertThat(refused.statusCode()).as(sql + " → " + refused.body()).isEqualTo(400);
        }
    }

    @Test
    void columnNamesAndValuesReachThePrivateCopyAsDataNeverAsSql() throws Exception {
        String escape = "x') TO '" + data.resolve("escaped.csv") + "' (FORMAT csv); COPY sluice_result TO '"
                + data.resolve("escaped2.csv") + "'; --";
        String sql = "SELECT '" + escape.replace("'", "''") + "' AS \"" + escape.replace("\"", "\"\"") + "\", 1 AS n";
        JsonNode export = exportOf(sql, Map.of("format", "parquet"), SluiceTestServer.ADMIN_KEY);
        assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("SUCCEEDED");
        HttpResponse<byte[]> file = sluice.client.send(HttpRequest.newBuilder(URI.create(export.get("files").get(0).get("url").asText()))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        Path parquet = Files.createTempFile(data, "download-", ".parquet");
        Files.write(parquet, file.body());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rows = duckdb.createStatement().executeQuery("SELECT * FROM read_parquet('" + parquet + "')")) {
            assertThat(rows.getMetaData().getColumnName(1)).isEqualTo(escape);
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(escape);
        }
        assertThat(Files.exists(data.resolve("escaped.csv"))).isFalse();
        assertThat(Files.exists(data.resolve("escaped2.csv"))).isFalse();
    }

    private static JsonNode exportOf(String sql, Map<String, Object> export, String key) throws InterruptedException {
        JsonNode submitted = json(sluice.post("/sluice/v1/statements", body("sql", sql, "export", export, "waitMs", 30_000), key));
        String id = submitted.get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id, key));
            if (status.has("export") && !status.get("export").get("state").asText().equals("RUNNING")) {
                return status.get("export");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the export of " + id + " did not end");
    }

    private static List<Path> filesNamed(String part) throws Exception {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(file -> file.getFileName().toString().contains(part)).toList();
        }
    }
}
