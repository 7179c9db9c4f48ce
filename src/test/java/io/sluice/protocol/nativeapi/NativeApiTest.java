package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;

import io.sluice.testing.SluiceTestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native API over real HTTP against a real Sluice with DuckDB and the demo data. */
class NativeApiTest {

    private static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";

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
    void healthNeedsNoCredentialButEverythingElseDoes() {
        assertThat(sluice.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build()).statusCode()).isEqualTo(200);
        assertThat(sluice.send(HttpRequest.newBuilder(sluice.uri("/health/ready")).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("code").asText()).isEqualTo("UNAUTHENTICATED");
        HttpResponse<String> wrongSecret = sluice.get("/sluice/v1/statements", "testadmin.wrongwrongwrongwrongwrong");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(sluice.send(HttpRequest.newBuilder(sluice.uri("/metrics")).build()).statusCode()).isEqualTo(401);
        int csvBytes = sluice.post("/sluice/v1/query?format=csv", body("sql", "SELECT i FROM range(1000) t(i)")).body().length();
        HttpResponse<String> metrics = sluice.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("sluice_statements_running", "sluice_spool_bytes", "sluice_arrow_memory_bytes");
        double nativeBytes = metrics.body().lines().filter(line -> line.startsWith("sluice_http_response_bytes_total{protocol=\"native\"}"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        assertThat(nativeBytes).isGreaterThanOrEqualTo(csvBytes);
    }

    @Test
    void queryStreamsTheDemoRowAsJson() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query", body("sql",
                "SELECT \"user\", channel, added FROM wikipedia WHERE \"user\" = 'BlueMoon2662'"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Sluice-Statement-Id")).isPresent();
        JsonNode rows = json(response);
        assertThat(rows).isNotEmpty();
        assertThat(rows.get(0).get("user").asText()).isEqualTo("BlueMoon2662");
    }

    @Test
    void queryStreamsEveryFormatWithItsTerminator() {
        String request = body("sql", "SELECT i, 'x' || i AS s FROM range(3) t(i) ORDER BY i");
        HttpResponse<String> ndjson = sluice.post("/sluice/v1/query?format=ndjson", request);
        assertThat(ndjson.body()).isEqualTo("{\"i\":0,\"s\":\"x0\"}\n{\"i\":1,\"s\":\"x1\"}\n{\"i\":2,\"s\":\"x2\"}\n");
        HttpResponse<String> csv = sluice.post("/sluice/v1/query?format=csv", request);
        assertThat(csv.body()).isEqualTo("i,s\n0,x0\n1,x1\n2,x2\n");
        HttpResponse<String> arrays = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/query"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(request)).build());
        assertThat(arrays.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
        HttpResponse<String> parquet = sluice.post("/sluice/v1/query?format=parquet", request);
        assertThat(parquet.statusCode()).isEqualTo(200);
        assertThat(parquet.body()).startsWith("PAR1");
        HttpResponse<String> arrow = sluice.post("/sluice/v1/query?format=arrow", request);
        assertThat(arrow.statusCode()).isEqualTo(200);
        assertThat(arrow.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/vnd.apache.arrow.stream");
    }

    @Test
    void statementFinishedWithinWaitComesBackWithSchemaPagesAndFirstPage() {
        HttpResponse<String> response = sluice.post("/sluice/v1/statements", body(
                "sql", "SELECT currency_code, date FROM public_data.korea_trade_insurance.exchange_rate WHERE currency_code = ? ORDER BY date",
                "parameters", List.of("CNY"), "waitMs", 10_000));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode statement = json(response);
        assertThat(statement.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(statement.get("schema").get(0).get("name").asText()).isEqualTo("currency_code");
        assertThat(statement.get("pageCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(statement.get("data").get(0).get(0).asText()).isEqualTo("CNY");
        String id = statement.get("id").asText();

        HttpResponse<String> status = sluice.get("/sluice/v1/statements/" + id);
        assertThat(json(status).get("rows").asLong()).isEqualTo(statement.get("rows").asLong());
        HttpResponse<String> page = sluice.get("/sluice/v1/statements/" + id + "/results?page=0&format=json-array");
        assertThat(json(page).get(0).get(0).asText()).isEqualTo("CNY");
        HttpResponse<String> whole = sluice.get("/sluice/v1/statements/" + id + "/results?format=csv&header=false");
        assertThat(whole.body().lines().count()).isEqualTo(statement.get("rows").asLong());

        HttpResponse<String> pastEnd = sluice.get("/sluice/v1/statements/" + id + "/results?page=99");
        assertThat(pastEnd.statusCode()).isEqualTo(404);
        assertThat(json(pastEnd).get("code").asText()).isEqualTo("PAGE_OUT_OF_RANGE");
        HttpResponse<String> badFormat = sluice.get("/sluice/v1/statements/" + id + "/results?format=xml");
        assertThat(badFormat.statusCode()).isEqualTo(406);
        assertThat(json(badFormat).get("code").asText()).isEqualTo("UNKNOWN_FORMAT");
    }

    @Test
    void largeResultIsSpooledIntoSeveralPagesReadableByIndex() {
        JsonNode statement = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT i FROM range(25000) t(i) ORDER BY i", "waitMs", 20_000)));
        assertThat(statement.get("pageCount").asInt()).isGreaterThan(1);
        String id = statement.get("id").asText();
        JsonNode pages = statement.get("pages");
        long total = 0;
        for (JsonNode page : pages) {
            HttpResponse<String> rows = sluice.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array&page=" + page.get("page").asInt());
            List<String> lines = rows.body().lines().toList();
            assertThat(lines).hasSize(page.get("rows").asInt());
            assertThat(lines.get(0)).isEqualTo("[" + page.get("firstRow").asLong() + "]");
            total += lines.size();
        }
        assertThat(total).isEqualTo(25_000);
    }

    @Test
    void severalPagesComeBackInOneAnswerWithOneArrowSchema() throws Exception {
        JsonNode statement = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT i FROM range(25000) t(i) ORDER BY i", "waitMs", 20_000)));
        String id = statement.get("id").asText();
        JsonNode pages = statement.get("pages");
        assertThat(pages.size()).isGreaterThan(2);
        String pageOne = sluice.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array&page=1").body();
        String pageTwo = sluice.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array&page=2").body();
        String both = sluice.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array&page=1&pages=2").body();
        assertThat(both).isEqualTo(pageOne + pageTwo);

        // Asking past the end gives the pages that are there; starting past the end is the usual 404.
        int lastPage = pages.size() - 1;
        String tail = sluice.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array&page=" + lastPage + "&pages=50").body();
        assertThat(tail.lines()).hasSize(pages.get(lastPage).get("rows").asInt());
        assertThat(sluice.get("/sluice/v1/statements/" + id + "/results?page=" + pages.size() + "&pages=2").statusCode()).isEqualTo(404);
        assertThat(sluice.get("/sluice/v1/statements/" + id + "/results?page=0&pages=0").statusCode()).isEqualTo(400);

        byte[] arrow = sluice.getBytes("/sluice/v1/statements/" + id + "/results?format=arrow&page=0&pages=" + pages.size()).body();
        long rows = 0;
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             org.apache.arrow.vector.ipc.ArrowStreamReader reader = new org.apache.arrow.vector.ipc.ArrowStreamReader(
                     new java.io.ByteArrayInputStream(arrow), allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        assertThat(rows).isEqualTo(25_000);
    }

    @Test
    void slowStatementHandsBackAHandleAndCanBeCancelled() throws Exception {
        HttpResponse<String> response = sluice.post("/sluice/v1/statements", body("sql", SLOW_SQL, "waitMs", 100));
        assertThat(response.statusCode()).isEqualTo(202);
        String id = json(response).get("id").asText();
        assertThat(json(response).get("state").asText()).isIn("QUEUED", "RUNNING");
        HttpResponse<String> results = sluice.get("/sluice/v1/statements/" + id + "/results");
        assertThat(results.statusCode()).isEqualTo(400);
        assertThat(json(results).get("code").asText()).isEqualTo("RESULT_NOT_READY");
        long start = System.nanoTime();
        HttpResponse<String> cancelled = sluice.delete("/sluice/v1/statements/" + id);
        assertThat(json(cancelled).get("state").asText()).isEqualTo("CANCELLED");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }

    @Test
    void timeoutStopsTheStatement() {
        HttpResponse<String> response = sluice.post("/sluice/v1/statements", body("sql", SLOW_SQL, "timeoutMs", 300, "waitMs", 10_000));
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(json(response).get("code").asText()).isEqualTo("TIMEOUT");
        assertThat(json(response).get("statementId").asText()).isNotBlank();
    }

    @Test
    void streamingClientThatDisconnectsCancelsTheStatement() throws Exception {
        HttpResponse<InputStream> response = sluice.postStreaming("/sluice/v1/query?format=ndjson",
                body("sql", "SELECT i, repeat('x', 100) FROM range(1000000000) t(i)"));
        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("X-Sluice-Statement-Id").orElseThrow();
        try (InputStream in = response.body()) {
            assertThat(in.readNBytes(1000)).hasSize(1000);
        }
        String state = "";
        for (int attempt = 0; attempt < 100 && !state.equals("CANCELLED"); attempt++) {
            Thread.sleep(100);
            state = json(sluice.get("/sluice/v1/statements/" + id)).get("state").asText();
        }
        assertThat(state).isEqualTo("CANCELLED");
    }

    @Test
    void parametersAreBoundPositionallyByNameAndWithTypes() {
        JsonNode positional = json(sluice.post("/sluice/v1/query", body("sql", "SELECT ? + 1 AS n, ? AS s", "parameters", List.of(41, "it's"))));
        assertThat(positional.get(0).get("n").asLong()).isEqualTo(42);
        assertThat(positional.get(0).get("s").asText()).isEqualTo("it's");
        JsonNode named = json(sluice.post("/sluice/v1/query", body("sql", "SELECT :d + 1 AS next_day, ':d' AS literal",
                "parameters", Map.of("d", Map.of("type", "DATE", "value", "2020-01-31")))));
        assertThat(named.get(0).get("next_day").asText()).isEqualTo("2020-02-01");
        assertThat(named.get(0).get("literal").asText()).isEqualTo(":d");
        JsonNode injection = json(sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) AS c FROM wikipedia WHERE \"user\" = ?",
                "parameters", List.of("x' OR '1'='1"))));
        assertThat(injection.get(0).get("c").asLong()).isZero();

        HttpResponse<String> tooFew = sluice.post("/sluice/v1/query", body("sql", "SELECT ? + ?", "parameters", List.of(1)));
        assertThat(tooFew.statusCode()).isEqualTo(400);
        assertThat(json(tooFew).get("code").asText()).isEqualTo("INVALID_PARAMETER");
        HttpResponse<String> wrongType = sluice.post("/sluice/v1/query", body("sql", "SELECT ?",
                "parameters", List.of(Map.of("type", "DATE", "value", "not a date"))));
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("code").asText()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void badRequestsGetClearErrorsAndTheServerKeepsServing() {
        assertError(sluice.post("/sluice/v1/statements", "{not json"), 400, "MALFORMED_REQUEST");
        assertError(sluice.post("/sluice/v1/statements", "{}"), 400, "MISSING_SQL");
        assertError(sluice.post("/sluice/v1/statements", body("sql", "   ")), 400, "MISSING_SQL");
        assertError(sluice.post("/sluice/v1/statements", "[1]"), 400, "MALFORMED_REQUEST");
        assertError(sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1")).build()), 415, "UNSUPPORTED_MEDIA_TYPE");
        String huge = body("sql", "SELECT '" + "x".repeat(11 * 1024 * 1024) + "'");
        // Over HTTP/1.1: on HTTP/2 the server's reset of a stream whose body it refused races the JDK client, which
        // may report the reset instead of the 413 it already received (a client-side race, not the server's answer).
        try (java.net.http.HttpClient http1 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> tooLarge = http1.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements"))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(huge)).build(), HttpResponse.BodyHandlers.ofString());
            assertError(tooLarge, 413, "PAYLOAD_TOO_LARGE");
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("the oversized request got no answer", e);
        }
        assertError(sluice.get("/sluice/v1/statements/s0000"), 404, "STATEMENT_NOT_FOUND");
        assertError(sluice.post("/sluice/v1/query?format=yaml", body("sql", "SELECT 1")), 406, "UNKNOWN_FORMAT");
        HttpResponse<String> syntax = sluice.post("/sluice/v1/query", body("sql", "SELEC 1"));
        assertError(syntax, 400, "SQL_SYNTAX_ERROR");
        assertThat(json(syntax).get("sqlState").asText()).isEqualTo("42601");
        assertThat(syntax.body()).doesNotContain("at io.sluice").doesNotContain("Exception");
        assertError(sluice.post("/sluice/v1/query", body("sql", "SELECT * FROM no_such_table")), 400, "SQL_CATALOG_ERROR");
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 1 AS one")).statusCode()).isEqualTo(200);
    }

    @Test
    void lockedDownEngineRefusesFilesExtensionsAndSettings() {
        for (String sql : List.of("SELECT * FROM read_csv('/etc/passwd')", "COPY (SELECT 1) TO '/tmp/sluice-escape.csv'",
                "INSTALL httpfs", "LOAD httpfs", "SET memory_limit='100GB'", "ATTACH '/tmp/other.duckdb' AS other",
                "DETACH public_data", "SELECT 1; DETACH public_data")) {
            HttpResponse<String> response = sluice.post("/sluice/v1/query", body("sql", sql));
            assertThat(response.statusCode()).as(sql).isEqualTo(400);
            assertThat(json(response).get("code").asText()).as(sql).isEqualTo("SQL_PERMISSION_DENIED");
        }
        assertThat(Path.of("/tmp/sluice-escape.csv")).doesNotExist();
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 1")).statusCode()).isEqualTo(200);
    }

    @Test
    void sameRequestIdReturnsTheSameStatement() {
        String request = body("sql", "SELECT 42 AS answer", "requestId", "req-" + System.nanoTime(), "waitMs", 5_000);
        String first = json(sluice.post("/sluice/v1/statements", request)).get("id").asText();
        String second = json(sluice.post("/sluice/v1/statements", request)).get("id").asText();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void racingRetriesWithOneRequestIdRunOneStatement() throws Exception {
        String request = body("sql", "SELECT 1 AS once", "requestId", "race-" + System.nanoTime(), "waitMs", 0);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> ids = new java.util.ArrayList<>();
            for (int attempt = 0; attempt < 16; attempt++) {
                ids.add(pool.submit(() -> json(sluice.post("/sluice/v1/statements", request)).get("id").asText()));
            }
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (var id : ids) {
                distinct.add(id.get());
            }
            assertThat(distinct).hasSize(1);
        }
    }

    @Test
    void reuseReturnsAFinishedResultUntilAWriteInvalidatesIt() {
        sluice.post("/sluice/v1/query", body("sql", "CREATE OR REPLACE TABLE reuse_probe AS SELECT 1 AS v"));
        String request = body("sql", "SELECT sum(v) AS total FROM reuse_probe", "reuse", Map.of("maxAgeSeconds", 600), "waitMs", 5_000);
        JsonNode first = json(sluice.post("/sluice/v1/statements", request));
        JsonNode second = json(sluice.post("/sluice/v1/statements", request));
        assertThat(first.has("reused")).isFalse();
        assertThat(second.get("reused").asBoolean()).isTrue();
        assertThat(second.get("data").get(0).get(0).asLong()).isEqualTo(1);
        sluice.post("/sluice/v1/query", body("sql", "INSERT INTO reuse_probe VALUES (41)"));
        JsonNode third = json(sluice.post("/sluice/v1/statements", request));
        assertThat(third.has("reused")).isFalse();
        assertThat(third.get("data").get(0).get(0).asLong()).isEqualTo(42);
    }

    @Test
    void statementsOfOnePrincipalDoNotExistForAnother() {
        String id = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 5_000))).get("id").asText();
        assertThat(id).matches("s[0-9a-f]{32}");
        HttpResponse<String> asOther = sluice.get("/sluice/v1/statements/" + id, sluice.otherUserKey);
        assertThat(asOther.statusCode()).isEqualTo(404);
        assertThat(sluice.get("/sluice/v1/statements/" + id + "/results", sluice.otherUserKey).statusCode()).isEqualTo(404);
    }

    @Test
    void dmlAnswersWithTheChangedRowCount() {
        sluice.post("/sluice/v1/query", body("sql", "CREATE OR REPLACE TABLE dml_probe (v INTEGER)"));
        JsonNode inserted = json(sluice.post("/sluice/v1/query", body("sql", "INSERT INTO dml_probe SELECT * FROM range(5)")));
        assertThat(inserted.get(0).get("count").asLong()).isEqualTo(5);
    }

    @Test
    void openApiDocumentIsServed() {
        HttpResponse<String> response = sluice.get("/sluice/v1/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("paths").has("/sluice/v1/statements/{id}/results")).isTrue();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).get("code").asText()).isEqualTo(code);
        assertThat(json(response).get("message").asText()).isNotBlank();
    }

}
