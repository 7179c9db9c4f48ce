package io.sluice.protocol.nekt;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.ExportFiles;
import io.sluice.testing.SluiceTestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /api/v1/sql-query/ against a real server with the default (local) export store. */
class NektSqlQueryTest {

    /** Simple types: what every CSV reader can hold. */
    static final String SIMPLE = "SELECT range AS id, 'name ' || range AS name, range * 1.5 AS score, "
            + "range % 3 = 0 AS flag, DATE '2024-01-01' + CAST(range AS INTEGER) AS day, "
            + "TIMESTAMP '2024-01-01 00:00:00' + to_seconds(range) AS ts, "
            + "CASE WHEN range % 7 = 0 THEN NULL ELSE 'x;y,z \"q\"' END AS tricky FROM range(1000)";
    /** Every type Parquet must keep: LIST, STRUCT, MAP, timestamps with and without zone, decimals. */
    static final String COMPLEX = "SELECT range AS id, [range, range + 1] AS l, {'a': range, 'b': 'v' || range} AS s, "
            + "MAP {'k': range} AS m, TIMESTAMP '2024-01-01 00:00:00.123456' + to_seconds(range) AS ts, "
            + "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(range) AS tstz, CAST(range AS DECIMAL(18,3)) AS d, "
            + "'\\x00\\x01'::BLOB AS b FROM range(500)";

    @TempDir
    static Path data;
    @TempDir
    Path downloads;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpResponse<String> nekt(String path, String body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        return sluice.send(request.build());
    }

    static JsonNode query(String body) {
        HttpResponse<String> response = nekt("/api/v1/sql-query/", body, SluiceTestServer.ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    static String request(String sql, String mode, String options) {
        var node = SluiceTestServer.JSON.createObjectNode().put("sql", sql);
        if (mode != null) {
            node.put("mode", mode);
        }
        if (options != null) {
            try {
                node.set("mode_options", SluiceTestServer.JSON.readTree(options));
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
        return node.toString();
    }

    static List<String> urls(JsonNode answer) {
        List<String> urls = new ArrayList<>();
        answer.get("presigned_urls").forEach(url -> urls.add(url.asText()));
        return urls;
    }

    @Test
    void answersLikeTheReferenceWithOneCsvFileByDefault() throws Exception {
        JsonNode answer = query(request("SELECT * FROM \"nekt_raw\".\"customers\" LIMIT 100", null, null));

        assertThat(answer.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(answer.get("data_scanned_in_bytes").asLong()).isPositive();
        assertThat(answer.get("execution_time_in_millis").isIntegralNumber()).isTrue();
        assertThat(answer.has("error")).isFalse();
        List<String> urls = urls(answer);
        assertThat(urls).hasSize(1);
        assertThat(URI.create(urls.get(0)).getPath()).matches(".*/query-\\d{8}-\\d{6}-\\d{6}-000000000000\\.csv");
        List<Path> files = ExportFiles.download(urls, downloads);
        assertThat(ExportFiles.rows("SELECT count(*) FROM read_csv(" + ExportFiles.fileList(files) + ")").get(0).get(0))
                .isEqualTo(String.valueOf(Math.min(100, customerCount())));
    }

    private static long customerCount() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query",
                "{\"sql\": \"SELECT count(*) AS n FROM \\\"nekt_raw\\\".\\\"customers\\\"\"}");
        return json(response).get(0).get("n").asLong();
    }

    @Test
    void theScanFigureGrowsWithTheDataRead() {
        long small = query(request("SELECT range FROM range(10)", "parquet", null)).get("data_scanned_in_bytes").asLong();
        long large = query(request("SELECT range, range * 2 AS b FROM range(100000)", "parquet", null))
                .get("data_scanned_in_bytes").asLong();
        assertThat(small).isPositive();
        assertThat(large).isGreaterThan(small * 100);
    }

    @Test
    void acceptsThePathWithoutTrailingSlashAndOnlyWithAKey() {
        assertThat(nekt("/api/v1/sql-query", request("SELECT 1", null, null), SluiceTestServer.ADMIN_KEY).statusCode())
                .isEqualTo(200);
        HttpResponse<String> anonymous = nekt("/api/v1/sql-query/", request("SELECT 1", null, null), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("detail").asText()).isNotBlank();
        assertThat(nekt("/api/v1/sql-query/", request("SELECT 1", null, null), "nokey.0123456789abcdef0123").statusCode())
                .isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"delimiter\": \";\"}", "{\"delimiter\": \"\\t\", \"header\": false}",
            "{\"compression\": \"GZIP\"}", "{\"delimiter\": \"|\", \"header\": true, \"compression\": \"GZIP\"}",
            "{\"compression\": \"NONE\", \"header\": false}"})
    void csvFilesReadBackAsTheQuery(String options) throws Exception {
        JsonNode optionNode = SluiceTestServer.JSON.readTree(options);
        JsonNode answer = query(request(SIMPLE, "csv", options));
        List<Path> files = ExportFiles.download(urls(answer), downloads);
        boolean gzip = optionNode.path("compression").asText("NONE").equals("GZIP");
        assertThat(files.get(0).getFileName().toString()).endsWith(gzip ? ".csv.gz" : ".csv");
        if (gzip) {
            assertThat(Files.readAllBytes(files.get(0))).startsWith((byte) 0x1f, (byte) 0x8b);
        }
        String delimiter = optionNode.path("delimiter").asText(",");
        boolean header = optionNode.path("header").asBoolean(true);
        if (!gzip) {
            String firstLine = Files.readString(files.get(0));
            assertThat(firstLine.startsWith("id" + delimiter + "name")).isEqualTo(header);
        }
        String read = "SELECT * FROM read_csv(" + ExportFiles.fileList(files) + ", delim='" + delimiter.replace("'", "''")
                + "', header=" + header + ", compression='" + (gzip ? "gzip" : "none") + "', quote='\"', "
                + "columns={'id': 'BIGINT', 'name': 'VARCHAR', 'score': 'DECIMAL(22,1)', 'flag': 'BOOLEAN', "
                + "'day': 'DATE', 'ts': 'TIMESTAMP', 'tricky': 'VARCHAR'}) ORDER BY id";
        assertThat(ExportFiles.rows(read)).isEqualTo(ExportFiles.rows(SIMPLE + " ORDER BY id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "SNAPPY", "GZIP", "ZSTD", "NONE"})
    void parquetFilesKeepEveryTypeWithEachCodec(String codec) throws Exception {
        JsonNode answer = query(request(COMPLEX, "parquet", codec.isEmpty() ? null : "{\"compression\": \"" + codec + "\"}"));
        List<Path> files = ExportFiles.download(urls(answer), downloads);
        assertThat(files.get(0).getFileName().toString()).matches("query-\\d{8}-\\d{6}-\\d{6}-000000000000\\.parquet");
        String list = ExportFiles.fileList(files);
        assertThat(ExportFiles.rows("SELECT * FROM read_parquet(" + list + ") ORDER BY id"))
                .isEqualTo(ExportFiles.rows(COMPLEX + " ORDER BY id"));
        String expected = codec.isEmpty() ? "SNAPPY" : codec.equals("NONE") ? "UNCOMPRESSED" : codec;
        assertThat(ExportFiles.rows("SELECT DISTINCT compression FROM parquet_metadata(" + list + ")"))
                .containsExactly(List.of(expected));
        // Types readers understand: timestamps as TIMESTAMP / TIMESTAMP WITH TIME ZONE, nested types kept.
        assertThat(ExportFiles.rows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + list + "))"))
                .contains(List.of("l", "BIGINT[]"), List.of("s", "STRUCT(a BIGINT, b VARCHAR)"),
                        List.of("m", "MAP(VARCHAR, BIGINT)"), List.of("ts", "TIMESTAMP"),
                        List.of("tstz", "TIMESTAMP WITH TIME ZONE"), List.of("d", "DECIMAL(18,3)"));
    }

    @Test
    void csvWritesComplexValuesAsJsonTextOrRefusesThemWhenStrict() throws Exception {
        String sql = "SELECT 1 AS id, [1, 2] AS l, {'a': 1} AS s";
        List<Path> files = ExportFiles.download(urls(query(request(sql, "csv", null))), downloads);
        assertThat(Files.readString(files.get(0))).isEqualTo("id,l,s\n1,\"[1,2]\",\"{\"\"a\"\":1}\"\n");

        HttpResponse<String> strict = nekt("/api/v1/sql-query/", request(sql, "csv", "{\"strict\": true}"),
                SluiceTestServer.ADMIN_KEY);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(json(strict).get("state").asText()).isEqualTo("FAILED");
        assertThat(json(strict).get("error").asText()).contains("column 'l'").contains("parquet");
    }

    @Test
    void largeResultsAreSplitIntoNumberedFiles() throws Exception {
        String sql = "SELECT range AS id, md5(range::VARCHAR) AS h FROM range(50000)";
        for (String mode : List.of("csv", "parquet")) {
            JsonNode answer = query(request(sql, mode, "{\"split_size_bytes\": 200000}"));
            List<String> urls = urls(answer);
            assertThat(urls.size()).as(mode).isGreaterThan(3);
            for (int index = 0; index < urls.size(); index++) {
                assertThat(URI.create(urls.get(index)).getPath()).endsWith("-%012d.%s".formatted(index, mode));
            }
            List<Path> files = ExportFiles.download(urls, Files.createDirectories(downloads.resolve(mode)));
            String read = mode.equals("csv") ? "read_csv(" + ExportFiles.fileList(files) + ")"
                    : "read_parquet(" + ExportFiles.fileList(files) + ")";
            assertThat(ExportFiles.rows("SELECT * FROM " + read + " ORDER BY id")).isEqualTo(ExportFiles.rows(sql + " ORDER BY id"));
        }
    }

    @Test
    void emptyResultIsOneFileWithTheHeader() throws Exception {
        List<Path> files = ExportFiles.download(urls(query(request("SELECT 1 AS a, 'x' AS b WHERE false", null, null))),
                downloads);
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0))).isEqualTo("a,b\n");
    }

    @Test
    void linksAreSignedAndSupportRanges() {
        String url = urls(query(request("SELECT range AS id FROM range(1000)", null, null))).get(0);
        HttpResponse<byte[]> whole = ExportFiles.get(url);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");

        HttpResponse<byte[]> part = ExportFiles.get(url, "bytes=3-9");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 3, 10));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 3-9/" + whole.body().length);
        HttpResponse<byte[]> tail = ExportFiles.get(url, "bytes=-5");
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), whole.body().length - 5, whole.body().length));
        assertThat(ExportFiles.get(url, "bytes=999999-").statusCode()).isEqualTo(416);

        String tamperedSignature = url.substring(0, url.length() - 2) + (url.endsWith("AA") ? "BB" : "AA");
        assertThat(ExportFiles.get(tamperedSignature).statusCode()).isEqualTo(403);
        String laterExpiry = url.replaceFirst("expires=(\\d+)", "expires=9999999999");
        assertThat(ExportFiles.get(laterExpiry).statusCode()).isEqualTo(403);
        String otherFile = url.replaceFirst("000000000000\\.csv", "000000000001.csv");
        assertThat(ExportFiles.get(otherFile).statusCode()).isEqualTo(403);
        assertThat(ExportFiles.get(url.substring(0, url.indexOf('?'))).statusCode()).isEqualTo(403);
    }

    @Test
    void badRequestsGetFieldErrors() {
        record Case(String body, String field, String text) {
        }
        for (Case bad : List.of(
                new Case(request("SELECT 1", "xml", null), "mode", "is not a valid choice"),
                new Case(request("SELECT 1", "parquet", "{\"compression\": \"LZ4\"}"), "mode_options", "LZ4"),
                new Case(request("SELECT 1", "csv", "{\"compression\": \"SNAPPY\"}"), "mode_options", "SNAPPY"),
                new Case(request("SELECT 1", "parquet", "{\"delimiter\": \";\"}"), "mode_options", "does not apply"),
                new Case(request("SELECT 1", "parquet", "{\"header\": true}"), "mode_options", "does not apply"),
                new Case(request("SELECT 1", "csv", "{\"delimiter\": \";;\"}"), "mode_options", "one character"),
                new Case(request("SELECT 1", "csv", "{\"delimiter\": \"\"}"), "mode_options", "one character"),
                new Case(request("SELECT 1", "csv", "{\"header\": \"yes\"}"), "mode_options", "true or false"),
                new Case(request("SELECT 1", "csv", "[1]"), "mode_options", "dictionary"),
                new Case("{\"mode\": \"csv\"}", "sql", "required"),
                new Case(request(" ", null, null), "sql", "blank"))) {
            HttpResponse<String> response = nekt("/api/v1/sql-query/", bad.body(), SluiceTestServer.ADMIN_KEY);
            assertThat(response.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(json(response).get(bad.field()).get(0).asText()).as(bad.body()).contains(bad.text());
        }
        HttpResponse<String> malformed = nekt("/api/v1/sql-query/", "{not json", SluiceTestServer.ADMIN_KEY);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("detail").asText()).startsWith("JSON parse error");
    }

    @Test
    void sqlErrorsAnswerFailedWithTheEngineMessage() {
        HttpResponse<String> response = nekt("/api/v1/sql-query/", request("SELECT * FROM no_such_table", null, null),
                SluiceTestServer.ADMIN_KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode answer = json(response);
        assertThat(answer.get("state").asText()).isEqualTo("FAILED");
        assertThat(answer.get("error").asText()).contains("no_such_table");
        assertThat(answer.get("presigned_urls")).isEmpty();
        assertThat(answer.has("data_scanned_in_bytes")).isFalse();
    }

    @Test
    void failedExportsLeaveNoFiles() throws Exception {
        long before = exportedFiles();
        // Fails mid-stream, after some batches were already written.
        HttpResponse<String> response = nekt("/api/v1/sql-query/", request(
                "SELECT CASE WHEN range < 300000 THEN range ELSE error('boom') END AS v FROM range(400000)", "csv",
                "{\"split_size_bytes\": 100000}"), SluiceTestServer.ADMIN_KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("state").asText()).isEqualTo("FAILED");
        assertThat(json(response).get("error").asText()).isNotBlank();
        assertThat(exportedFiles()).isEqualTo(before);
    }

    private static long exportedFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.walk(data.resolve("exports"))) {
            return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().startsWith("query-")).count();
        }
    }
}
