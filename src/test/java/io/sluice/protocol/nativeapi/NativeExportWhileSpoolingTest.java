package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.export.ExportConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.storage.ExportSettings;
import io.sluice.storage.s3.S3Config;
import io.sluice.testing.ExportFiles;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement submitted with {@code export} writes its files while it spools its rows (one pass): the files
 * still split, hold every row, land in either store, and the result stays readable as pages; an export
 * failure leaves the statement alone, and a failing statement leaves no files.
 */
class NativeExportWhileSpoolingTest {

    private static final String MIXED = "SELECT i AS id, i * 0.5 AS score, 'user-' || lpad(CAST(i AS VARCHAR), 15, '0') AS name, "
            + "TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1000) AS ts, i % 3 = 0 AS flag, "
            + "CAST(i % 1000000 AS DECIMAL(18,2)) / 100 AS amount, CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS maybe "
            + "FROM range(CAST(? AS BIGINT)) t(i)";

    @TempDir
    Path data;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void splitParquetFilesHoldEveryRowAndThePagesStayReadable() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data.resolve("sluice"))) {
            JsonNode statement = json(sluice.post("/sluice/v1/statements", body("sql", MIXED, "parameters", List.of(200_000),
                    "export", Map.of("format", "parquet", "splitBytes", 2_000_000), "waitMs", 60_000)));
            JsonNode export = awaitExport(sluice, statement);
            assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("SUCCEEDED");
            assertThat(export.get("rows").asLong()).isEqualTo(200_000);
            assertThat(export.get("files").size()).as("2 MB of Arrow per file: several files").isGreaterThan(3);
            long fileRows = 0;
            for (JsonNode file : export.get("files")) {
                fileRows += file.get("rows").asLong();
            }
            assertThat(fileRows).isEqualTo(200_000);
            List<Path> files = download(export, "p");
            assertThat(ExportFiles.rows("SELECT * FROM read_parquet(" + ExportFiles.fileList(files) + ") ORDER BY id"))
                    .isEqualTo(ExportFiles.rows(MIXED.replace("CAST(? AS BIGINT)", "200000") + " ORDER BY id"));

            // The result is spooled as well, in the same pass: its pages can still be read.
            String id = statement.get("id").asText();
            HttpResponse<String> page = sluice.get("/sluice/v1/statements/" + id + "/results?page=0&format=ndjson");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).startsWith("{\"id\":0,");
            assertThat(json(sluice.get("/sluice/v1/statements/" + id)).get("rows").asLong()).isEqualTo(200_000);
        }
    }

    @Test
    void gzipCsvWithDelimiterAndNoHeaderIsWrittenWhileSpooling() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data.resolve("sluice"))) {
            JsonNode statement = json(sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, 'v;' || i AS v FROM range(3) t(i) ORDER BY i",
                    "export", Map.of("format", "csv", "compression", "gzip", "delimiter", ";", "header", false),
                    "waitMs", 30_000)));
            JsonNode export = awaitExport(sluice, statement);
            assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("SUCCEEDED");
            Path file = download(export, "c").get(0);
            String csv = new String(new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file))).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(csv).isEqualTo("0;\"v;0\"\n1;\"v;1\"\n2;\"v;2\"\n");
        }
    }

    @Test
    void anExportThatFailsLeavesTheStatementSucceededAndNoFiles() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data.resolve("sluice"))) {
            JsonNode statement = json(sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, [i, i + 1] AS pair FROM range(10) t(i)",
                    "export", Map.of("format", "csv", "strict", true), "waitMs", 30_000)));
            JsonNode export = awaitExport(sluice, statement);
            assertThat(export.get("state").asText()).isEqualTo("FAILED");
            assertThat(export.get("error").get("code").asText()).isEqualTo("INVALID_PARAMETER");
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + statement.get("id").asText()));
            assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(status.get("rows").asLong()).isEqualTo(10);
            assertThat(exportedFiles(data.resolve("sluice"))).isEmpty();
        }
    }

    @Test
    void aStatementFailingAfterItsFirstRowsFailsItsExportAndLeavesNoFiles() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data.resolve("sluice"))) {
            // The error comes from a row near the end, so it usually strikes after batches (and files) were written.
            JsonNode submitted = json(sluice.post("/sluice/v1/statements", body(
                    "sql", "SELECT i, CASE WHEN i = 1999999 THEN error('boom at the end') ELSE i END AS v FROM range(2000000) t(i)",
                    "export", Map.of("format", "parquet", "splitBytes", 1_000_000), "waitMs", 0)));
            JsonNode export = awaitExport(sluice, submitted);
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + submitted.get("id").asText()));
            assertThat(status.get("state").asText()).isEqualTo("FAILED");
            assertThat(export.get("state").asText()).isEqualTo("FAILED");
            assertThat(export.get("error").get("message").asText()).contains("boom at the end");
            assertThat(exportedFiles(data.resolve("sluice"))).isEmpty();
            assertThat(leftoverTemporaryFiles(data.resolve("sluice"))).isEmpty();
        }
    }

    @Test
    void parquetWrittenWhileSpoolingGoesToAnS3Store() throws Exception {
        String identity = "sluice-test";
        String credential = "sluice-test-secret-0123456789";
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", Files.createDirectories(data.resolve("s3")).toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials(identity, credential)
                .overrides(properties).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, "exports");
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, credential)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        try {
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(20);
            }
            S3Config s3 = new S3Config("exports", "results", "us-east-1", "http://127.0.0.1:" + proxy.getPort(), identity,
                    credential, true, S3Config.MIN_PART_SIZE);
            ExportSettings settings = ExportSettings.defaults().withS3(s3)
                    .withExport(new ExportConfig(Duration.ofHours(1), 1L << 30, 256L * 1024 * 1024, Duration.ofMinutes(5)));
            try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data.resolve("sluice")).withExport(settings), false)) {
                JsonNode statement = json(sluice.post("/sluice/v1/statements", body("sql", MIXED, "parameters", List.of(300_000),
                        "export", Map.of("format", "parquet", "compression", "zstd"), "waitMs", 60_000)));
                JsonNode export = awaitExport(sluice, statement);
                assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("SUCCEEDED");
                URI link = URI.create(export.get("files").get(0).get("url").asText());
                assertThat(link.getPath()).startsWith("/exports/results/admin/").endsWith(".parquet");
                assertThat(link.getQuery()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256");
                List<Path> files = download(export, "s3");
                assertThat(ExportFiles.rows("SELECT count(*), sum(id), count(maybe) FROM read_parquet(" + ExportFiles.fileList(files) + ")"))
                        .isEqualTo(ExportFiles.rows("SELECT count(*), sum(id), count(maybe) FROM (" + MIXED.replace("CAST(? AS BIGINT)", "300000") + ")"));
            }
        } finally {
            proxy.stop();
            context.close();
        }
    }

    /** The statement's export block once it is no longer running. */
    static JsonNode awaitExport(SluiceTestServer sluice, JsonNode submitted) throws InterruptedException {
        String id = submitted.get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id));
            JsonNode export = status.get("export");
            if (export != null && !export.get("state").asText().equals("RUNNING")) {
                return export;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the export of " + id + " did not end");
    }

    private List<Path> download(JsonNode export, String folder) throws Exception {
        Path directory = Files.createDirectories(data.resolve("downloads").resolve(folder));
        List<Path> files = new ArrayList<>();
        for (JsonNode file : export.get("files")) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(file.get("url").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            Path target = directory.resolve("f" + files.size() + (file.get("url").asText().contains(".parquet") ? ".parquet" : ".csv.gz"));
            Files.write(target, response.body());
            assertThat(Files.size(target)).isEqualTo(file.get("bytes").asLong());
            files.add(target);
        }
        return files;
    }

    static List<Path> exportedFiles(Path dataDirectory) throws Exception {
        Path exports = dataDirectory.resolve("exports");
        if (!Files.exists(exports)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(exports)) {
            // Every file but the store's own link secret: committed files and partial uploads alike.
            return files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static List<Path> leftoverTemporaryFiles(Path dataDirectory) throws Exception {
        // The encoder's temporary Parquet file goes once the export is aborted, whichever thread aborts it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Path> left;
        do {
            try (Stream<Path> files = Files.walk(dataDirectory.resolve("tmp"))) {
                left = files.filter(Files::isRegularFile).toList();
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep());
        return left;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
