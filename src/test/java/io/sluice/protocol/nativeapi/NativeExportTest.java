package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A native statement can ask for its result as files and gets download links in its status. */
class NativeExportTest {

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

    @Test
    void statementWithExportAnswersWithParquetLinksThatReadBackAsTheQuery() throws Exception {
        JsonNode statement = json(sluice.post("/sluice/v1/statements", body(
                "sql", "SELECT \"user\", added, __time FROM wikipedia WHERE channel = '#en.wikipedia'",
                "export", Map.of("format", "parquet", "compression", "zstd"), "waitMs", 30_000)));
        assertThat(statement.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode export = statement.get("export");
        assertThat(export.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(export.get("rows").asLong()).isEqualTo(statement.get("rows").asLong());
        Path file = download(export.get("files").get(0).get("url").asText(), "result.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet count = duckdb.createStatement().executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
            count.next();
            assertThat(count.getLong(1)).isEqualTo(statement.get("rows").asLong());
        }
        JsonNode status = json(sluice.get("/sluice/v1/statements/" + statement.get("id").asText()));
        assertThat(status.get("export").get("files")).hasSize(export.get("files").size());
    }

    @Test
    void finishedStatementCanBeExportedOnDemandAsGzipCsv() throws Exception {
        String id = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT i, 'v;' || i AS v FROM range(3) t(i) ORDER BY i",
                "waitMs", 10_000))).get("id").asText();
        HttpResponse<String> response = sluice.post("/sluice/v1/statements/" + id + "/export",
                body("format", "csv", "compression", "gzip", "delimiter", ";"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path file = download(json(response).get("files").get(0).get("url").asText(), "result.csv.gz");
        String csv = new String(new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file))).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(csv).isEqualTo("i;v\n0;\"v;0\"\n1;\"v;1\"\n2;\"v;2\"\n");
    }

    @Test
    void badExportOptionsAreRefusedBeforeAnythingRuns() {
        for (Object export : new Object[] {Map.of("format", "xlsx"), Map.of("format", "parquet", "delimiter", ";"),
                Map.of("format", "csv", "delimiter", ";;"), Map.of("format", "csv", "compression", "snappy"), "parquet"}) {
            HttpResponse<String> response = sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "export", export));
            assertThat(response.statusCode()).as(export.toString()).isEqualTo(400);
            assertThat(json(response).get("code").asText()).isIn("INVALID_PARAMETER", "MALFORMED_REQUEST");
        }
    }

    private static Path download(String url, String name) throws Exception {
        HttpResponse<byte[]> file = sluice.client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        Path target = Files.createTempDirectory(data, "download").resolve(name);
        Files.write(target, file.body());
        return target;
    }
}
