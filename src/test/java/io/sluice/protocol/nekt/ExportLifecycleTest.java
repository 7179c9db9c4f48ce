package io.sluice.protocol.nekt;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.export.ExportConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.storage.ExportSettings;
import io.sluice.storage.s3.S3Config;
import io.sluice.testing.ExportFiles;
import io.sluice.testing.SluiceTestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Link expiry, retention, quota and the S3 store against a real S3-compatible server (s3proxy, run
 * in-process on the jclouds filesystem provider, checking SigV4 signatures).
 */
class ExportLifecycleTest {

    private static final String IDENTITY = "sluice-test";
    private static final String CREDENTIAL = "sluice-test-secret-0123456789";
    private static final String BUCKET = "exports";

    @TempDir
    Path data;
    @TempDir
    Path downloads;

    private static SluiceTestServer server(Path data, ExportSettings settings) {
        return new SluiceTestServer(SluiceConfig.defaults(data).withExport(settings), false);
    }

    private static HttpResponse<String> nekt(SluiceTestServer sluice, String sql, String mode, String key) {
        String body = SluiceTestServer.JSON.createObjectNode().put("sql", sql).put("mode", mode).toString();
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v1/sql-query/")).header("x-api-key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static List<String> urls(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> urls = new ArrayList<>();
        json(response).get("presigned_urls").forEach(url -> urls.add(url.asText()));
        return urls;
    }

    private static ExportConfig config(Duration retention, long quota, Duration linkTtl) {
        return new ExportConfig(retention, quota, 256L * 1024 * 1024, linkTtl);
    }

    @Test
    void localLinksExpireAndFilesAreDeletedWhenRetentionEnds() throws Exception {
        // A link lives 4 s (long enough to be fetched on a loaded machine); the test then waits for the expiry
        // the link itself names rather than a fixed time.
        ExportSettings settings = ExportSettings.defaults().withExport(config(Duration.ofSeconds(6), 1L << 30, Duration.ofSeconds(4)));
        try (SluiceTestServer sluice = server(data, settings)) {
            String url = urls(nekt(sluice, "SELECT range FROM range(100)", "csv", SluiceTestServer.ADMIN_KEY)).get(0);
            assertThat(ExportFiles.get(url).statusCode()).isEqualTo(200);
            java.util.regex.Matcher expires = java.util.regex.Pattern.compile("expires=(\\d+)").matcher(url);
            assertThat(expires.find()).isTrue();
            Thread.sleep(Math.max(0, Long.parseLong(expires.group(1)) * 1000 + 200 - System.currentTimeMillis()));
            assertThat(ExportFiles.get(url).statusCode()).isEqualTo(403);
            awaitNoFiles(data.resolve("exports"), Duration.ofSeconds(10));
        }
    }

    private static void awaitNoFiles(Path directory, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            long count;
            try (var files = Files.walk(directory)) {
                count = files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().startsWith("query-")).count();
            }
            if (count == 0) {
                return;
            }
            assertThat(System.nanoTime()).as("exported files still there after retention").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void exportsPastThePrincipalsQuotaFailAndLeaveNothing() throws Exception {
        ExportSettings settings = ExportSettings.defaults().withExport(config(Duration.ofHours(1), 100_000, Duration.ofHours(1)));
        try (SluiceTestServer sluice = server(data, settings)) {
            urls(nekt(sluice, "SELECT range FROM range(10000)", "csv", SluiceTestServer.ADMIN_KEY)); // ~49 KB
            HttpResponse<String> refused = nekt(sluice, "SELECT range FROM range(20000)", "csv", SluiceTestServer.ADMIN_KEY);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(json(refused).get("state").asText()).isEqualTo("FAILED");
            assertThat(json(refused).get("error").asText()).contains("quota");
            // The quota is per principal: another user still has all of theirs.
            assertThat(urls(nekt(sluice, "SELECT range FROM range(10000)", "csv", sluice.otherUserKey))).hasSize(1);
            try (var files = Files.walk(data.resolve("exports"))) {
                assertThat(files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith("query-"))
                        .count()).isEqualTo(2);
            }
        }
    }

    @Test
    void s3StoreUploadsMultipartAndPresignsLinksThatExpire() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", Files.createDirectories(data.resolve("s3")).toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials(IDENTITY, CREDENTIAL)
                .overrides(properties).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        try {
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(20);
            }
            S3Config s3 = new S3Config(BUCKET, "results", "us-east-1", "http://127.0.0.1:" + proxy.getPort(), IDENTITY,
                    CREDENTIAL, true, S3Config.MIN_PART_SIZE);
            ExportSettings settings = ExportSettings.defaults().withS3(s3)
                    .withExport(config(Duration.ofHours(1), 1L << 30, Duration.ofSeconds(3)));
            try (SluiceTestServer sluice = server(data.resolve("sluice"), settings)) {
                // ~13 MB of CSV: three parts of a multipart upload.
                String sql = "SELECT range AS id, md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS h FROM range(180000)";
                List<String> urls = urls(nekt(sluice, sql, "csv", SluiceTestServer.ADMIN_KEY));
                assertThat(urls).hasSize(1);
                URI link = URI.create(urls.get(0));
                assertThat(link.getPath()).matches("/exports/results/admin/[0-9a-f]+/query-\\d{8}-\\d{6}-\\d{6}-000000000000\\.csv");
                assertThat(link.getQuery()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256").contains("X-Amz-Expires=3");
                List<Path> files = ExportFiles.download(urls, downloads);
                assertThat(Files.size(files.get(0))).isGreaterThan(2 * S3Config.MIN_PART_SIZE);
                assertThat(ExportFiles.rows("SELECT * FROM read_csv(" + ExportFiles.fileList(files) + ") ORDER BY id"))
                        .isEqualTo(ExportFiles.rows(sql + " ORDER BY id"));

                List<String> parquet = urls(nekt(sluice, NektSqlQueryTest.COMPLEX, "parquet", SluiceTestServer.ADMIN_KEY));
                List<Path> parquetFiles = ExportFiles.download(parquet, Files.createDirectories(downloads.resolve("p")));
                assertThat(ExportFiles.rows("SELECT * FROM read_parquet(" + ExportFiles.fileList(parquetFiles) + ") ORDER BY id"))
                        .isEqualTo(ExportFiles.rows(NektSqlQueryTest.COMPLEX + " ORDER BY id"));

                String tampered = urls.get(0).replace("X-Amz-Expires=3", "X-Amz-Expires=30");
                assertThat(ExportFiles.get(tampered).statusCode()).isEqualTo(403);
                Thread.sleep(4000);
                assertThat(ExportFiles.get(urls.get(0)).statusCode()).isEqualTo(403);
            }
        } finally {
            proxy.stop();
            context.close();
        }
    }

    @Test
    void anUnreachableStoreGivesAClearErrorAndNoLinks() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        S3Config s3 = new S3Config(BUCKET, "", "us-east-1", "http://127.0.0.1:" + closedPort, IDENTITY, CREDENTIAL,
                true, S3Config.MIN_PART_SIZE);
        try (SluiceTestServer sluice = server(data, ExportSettings.defaults().withS3(s3))) {
            HttpResponse<String> response = nekt(sluice, "SELECT 1", "csv", SluiceTestServer.ADMIN_KEY);
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode answer = json(response);
            assertThat(answer.get("state").asText()).isEqualTo("FAILED");
            assertThat(answer.get("error").asText()).contains("S3 export store").contains(BUCKET);
            assertThat(answer.get("presigned_urls")).isEmpty();
        }
    }
}
