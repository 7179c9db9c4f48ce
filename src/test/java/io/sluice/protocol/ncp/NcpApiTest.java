package io.sluice.protocol.ncp;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NCP Data Query API over real HTTP with real signatures, against a real Sluice with the demo data. */
class NcpApiTest {

    static final String EXAMPLE_SQL = "SELECT * FROM public_data.korea_trade_insurance.exchange_rate where currency_code = ? and date > ?";
    private static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";
    private static final String VARCHAR_SIGNATURE = "{\"rawType\":\"varchar\",\"arguments\":[{\"kind\":\"LONG\",\"value\":2147483647}]}";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static NcpClient ncp;
    static NcpClient bob;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        ncp = new NcpClient(sluice, SluiceTestServer.ADMIN_KEY);
        bob = new NcpClient(sluice, sluice.otherUserKey);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void theReferenceExampleAnswersWithThePrintedRowsAndColumns() {
        HttpResponse<String> response = ncp.post("/api/v2/queries", """
                {
                    "query": "SELECT * FROM public_data.korea_trade_insurance.exchange_rate where currency_code = ? and date > ?",
                    "executionParameters": ["CNY", "2023.01.01"],
                    "timeout": 20,
                    "isReuse": true,
                    "reuseMaxAge": 60
                }""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("id").asText()).isNotBlank();
        List<String> names = new ArrayList<>();
        for (JsonNode column : result.get("columns")) {
            names.add(column.get("name").asText());
            assertThat(column.get("type").asText()).isEqualTo("varchar");
            assertThat(column.get("typeSignature").toString()).isEqualTo(VARCHAR_SIGNATURE);
        }
        assertThat(names).containsExactly("currency_code", "date", "trade_rate", "us_conversion_rate");
        assertThat(result.get("data").toString()).isEqualTo("[[\"CNY\",\"2023.1.9\",\"184.56\",\"0.1456\"],"
                + "[\"CNY\",\"2023.1.17\",\"183.87\",\"0.149\"],[\"CNY\",\"2023.1.30\",\"182.33\",\"0.1482\"],"
                + "[\"CNY\",\"2023.2.8\",\"184.89\",\"0.1472\"]]");
        assertThat(result.get("offset").asLong()).isEqualTo(4);
        assertThat(result.get("isFinished").asBoolean()).isTrue();
        assertThat(fieldNames(result)).containsExactly("id", "columns", "data", "offset", "isFinished");
    }

    @Test
    void columnsUseTrinoTypeNamesSignaturesAndValueEncodings() {
        HttpResponse<String> response = ncp.post("/api/v2/queries", body("query", """
                SELECT 7::INTEGER AS i, 8::BIGINT AS b, 1.5::DOUBLE AS d, 1.25::REAL AS r, true AS bo,
                       12.34::DECIMAL(10,2) AS dec, 'abc' AS v, '\\x01\\x02'::BLOB AS bin, DATE '2020-01-31' AS dt,
                       TIME '01:02:03.456' AS t, TIMESTAMP '2020-01-31 01:02:03.456' AS ts,
                       TIMESTAMP_MS '2020-01-31 01:02:03.456' AS ts3,
                       TIMESTAMPTZ '2020-01-31 01:02:03.456+00' AS tz, [1, 2]::INTEGER[] AS arr,
                       MAP {'k': 1} AS m, {'x': 1, 'y': 'z'} AS rw, '{"a":1}'::JSON AS j,
                       '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID AS u, 'NaN'::DOUBLE AS nan, NULL::VARCHAR AS n
                """));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        Map<String, String> types = new java.util.LinkedHashMap<>();
        Map<String, String> signatures = new java.util.LinkedHashMap<>();
        for (JsonNode column : result.get("columns")) {
            types.put(column.get("name").asText(), column.get("type").asText());
            signatures.put(column.get("name").asText(), column.get("typeSignature").toString());
        }
        assertThat(types).containsExactlyEntriesOf(new java.util.LinkedHashMap<>(Map.ofEntries()) {{
            put("i", "integer"); put("b", "bigint"); put("d", "double"); put("r", "real"); put("bo", "boolean");
            put("dec", "decimal(10,2)"); put("v", "varchar"); put("bin", "varbinary"); put("dt", "date");
            put("t", "time(6)"); put("ts", "timestamp(6)"); put("ts3", "timestamp(3)");
            put("tz", "timestamp(6) with time zone"); put("arr", "array(integer)"); put("m", "map(varchar, integer)");
            put("rw", "row(x integer, y varchar)"); put("j", "json"); put("u", "uuid"); put("nan", "double");
            put("n", "varchar");
        }});
        assertThat(signatures.get("i")).isEqualTo("{\"rawType\":\"integer\",\"arguments\":[]}");
        assertThat(signatures.get("dec")).isEqualTo(
                "{\"rawType\":\"decimal\",\"arguments\":[{\"kind\":\"LONG\",\"value\":10},{\"kind\":\"LONG\",\"value\":2}]}");
        assertThat(signatures.get("ts3")).isEqualTo("{\"rawType\":\"timestamp\",\"arguments\":[{\"kind\":\"LONG\",\"value\":3}]}");
        assertThat(signatures.get("tz")).isEqualTo(
                "{\"rawType\":\"timestamp with time zone\",\"arguments\":[{\"kind\":\"LONG\",\"value\":6}]}");
        assertThat(signatures.get("arr")).isEqualTo(
                "{\"rawType\":\"array\",\"arguments\":[{\"kind\":\"TYPE\",\"value\":{\"rawType\":\"integer\",\"arguments\":[]}}]}");
        assertThat(signatures.get("m")).isEqualTo("{\"rawType\":\"map\",\"arguments\":[{\"kind\":\"TYPE\",\"value\":"
                + VARCHAR_SIGNATURE + "},{\"kind\":\"TYPE\",\"value\":{\"rawType\":\"integer\",\"arguments\":[]}}]}");
        assertThat(signatures.get("rw")).isEqualTo("{\"rawType\":\"row\",\"arguments\":["
                + "{\"kind\":\"NAMED_TYPE\",\"value\":{\"fieldName\":{\"name\":\"x\"},\"typeSignature\":{\"rawType\":\"integer\",\"arguments\":[]}}},"
                + "{\"kind\":\"NAMED_TYPE\",\"value\":{\"fieldName\":{\"name\":\"y\"},\"typeSignature\":" + VARCHAR_SIGNATURE + "}}]}");
        assertThat(result.get("data").get(0).toString()).isEqualTo("[7,8,1.5,1.25,true,\"12.34\",\"abc\",\"AQI=\","
                + "\"2020-01-31\",\"01:02:03.456000\",\"2020-01-31 01:02:03.456000\",\"2020-01-31 01:02:03.456\","
                + "\"2020-01-31 01:02:03.456000 UTC\",[1,2],{\"k\":1},\"{x=1, y=z}\",\"{\\\"a\\\":1}\","
                + "\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\",\"NaN\",null]");
    }

    @Test
    void aLargeResultIsPagedByOffsetAndAnyOffsetCanBeReadAgain() {
        String id = json(ncp.post("/api/v2/queries/async", body("query",
                "SELECT i, 'row ' || i AS label FROM range(4845) t(i) ORDER BY i"))).get("id").asText();
        awaitFinished(id);
        List<Long> seen = new ArrayList<>();
        long offset = 0;
        int pages = 0;
        while (true) {
            JsonNode page = json(ncp.get("/api/v2/queries/" + id + "?offset=" + offset + "&pageSize=1000"));
            for (JsonNode row : page.get("data")) {
                seen.add(row.get(0).asLong());
            }
            pages++;
            assertThat(page.get("offset").asLong()).isEqualTo(Math.min(offset + 1000, 4845));
            offset = page.get("offset").asLong();
            if (page.get("isFinished").asBoolean()) {
                break;
            }
        }
        assertThat(pages).isEqualTo(5);
        assertThat(seen).hasSize(4845);
        for (int index = 0; index < seen.size(); index++) {
            assertThat(seen.get(index)).isEqualTo(index);
        }
        JsonNode again = json(ncp.get("/api/v2/queries/" + id + "?offset=2500&pageSize=2"));
        assertThat(again.get("data").toString()).isEqualTo("[[2500,\"row 2500\"],[2501,\"row 2501\"]]");
        assertThat(again.get("offset").asLong()).isEqualTo(2502);
        assertThat(again.get("isFinished").asBoolean()).isFalse();
        JsonNode defaults = json(ncp.get("/api/v2/queries/" + id));
        assertThat(defaults.get("data")).hasSize(100);
        assertThat(defaults.get("offset").asLong()).isEqualTo(100);
        assertThat(defaults.get("columns").get(0).get("type").asText()).isEqualTo("bigint");
        JsonNode past = json(ncp.get("/api/v2/queries/" + id + "?offset=9999"));
        assertThat(past.get("data")).isEmpty();
        assertThat(past.get("isFinished").asBoolean()).isTrue();
    }

    @Test
    void aReusedResultComesBackWithoutRunningAgain() {
        String request = body("query", "SELECT random() AS r, ? AS tag", "executionParameters", List.of("reuse-test"),
                "isReuse", true, "reuseMaxAge", 5);
        JsonNode first = json(ncp.post("/api/v2/queries", request));
        JsonNode second = json(ncp.post("/api/v2/queries", request));
        assertThat(second.get("id").asText()).isNotEqualTo(first.get("id").asText());
        assertThat(second.get("data")).isEqualTo(first.get("data"));
        JsonNode status = json(sluice.get("/sluice/v1/statements/" + second.get("id").asText()));
        assertThat(status.get("reused").asBoolean()).isTrue();
        JsonNode fresh = json(ncp.post("/api/v2/queries", body("query", "SELECT random() AS r, ? AS tag",
                "executionParameters", List.of("reuse-test"))));
        assertThat(fresh.get("data")).isNotEqualTo(first.get("data"));
    }

    @Test
    void asyncAnswersAtOnceWhileRunningIsEmptyAndCancelStopsIt() {
        HttpResponse<String> started = ncp.post("/api/v2/queries/async", body("query", SLOW_SQL, "projectId", 77));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode async = json(started);
        String id = async.get("id").asText();
        assertThat(async.toString()).isEqualTo("{\"id\":\"" + id + "\",\"columns\":[],\"data\":[],\"offset\":0,\"isFinished\":false}");
        JsonNode running = json(ncp.get("/api/v2/queries/" + id));
        assertThat(running.get("columns")).isEmpty();
        assertThat(running.get("data")).isEmpty();
        assertThat(running.get("isFinished").asBoolean()).isFalse();
        HttpResponse<String> cancelled = ncp.delete("/api/v2/queries/" + id);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(cancelled.body()).isEqualTo("{\"id\":\"" + id + "\",\"columns\":[],\"data\":[],\"offset\":0,\"isFinished\":true}");
        JsonNode history = json(ncp.get("/api/v2/queries?status=CANCELED&pageSize=500"));
        JsonNode entry = find(history.get("queryList"), id);
        assertThat(entry.get("status").asText()).isEqualTo("CANCELED");
        assertThat(entry.get("projectId").asLong()).isEqualTo(77);
        assertThat(json(ncp.get("/api/v2/queries/" + id)).get("isFinished").asBoolean()).isTrue();
    }

    @Test
    void aQueryRunningPastItsTimeoutIsStoppedAndReported() {
        HttpResponse<String> response = ncp.post("/api/v2/queries", body("query", SLOW_SQL, "timeout", 1));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(408);
        JsonNode error = json(response);
        assertThat(error.get("detail").asText()).contains("timeout");
        JsonNode history = json(ncp.get("/api/v2/queries?status=FAILED&pageSize=500"));
        boolean found = false;
        for (JsonNode entry : history.get("queryList")) {
            found |= entry.get("query").asText().equals(SLOW_SQL) && entry.get("errorMessage").asText().contains("timeout");
        }
        assertThat(found).isTrue();
    }

    @Test
    void historyListsTheCallersQueriesPageByPage() {
        for (int index = 0; index < 3; index++) {
            assertThat(bob.post("/api/v2/queries", body("query", "SELECT " + index + " AS n", "projectId", 1234)).statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> response = bob.get("/api/v2/queries?pageNo=1&pageSize=2");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode history = json(response);
        assertThat(fieldNames(history)).containsExactly("pageNo", "pageSize", "hasMore", "queryList");
        assertThat(history.get("pageNo").asInt()).isEqualTo(1);
        assertThat(history.get("pageSize").asInt()).isEqualTo(2);
        assertThat(history.get("hasMore").asBoolean()).isTrue();
        JsonNode newest = history.get("queryList").get(0);
        assertThat(fieldNames(newest)).containsExactly("id", "projectId", "query", "status", "isReuse", "clientType",
                "errorMessage", "runTime", "processDataSize", "startTime");
        assertThat(newest.get("query").asText()).isEqualTo("SELECT 2 AS n");
        assertThat(newest.get("projectId").asLong()).isEqualTo(1234);
        assertThat(newest.get("status").asText()).isEqualTo("FINISHED");
        assertThat(newest.get("clientType").asText()).isEqualTo("API");
        assertThat(newest.get("errorMessage").isNull()).isTrue();
        assertThat(newest.get("processDataSize").asLong()).isPositive();
        JsonNode last = json(bob.get("/api/v2/queries?pageNo=2&pageSize=2"));
        assertThat(last.get("hasMore").asBoolean()).isFalse();
        assertThat(last.get("queryList")).hasSize(1);
        assertThat(json(bob.get("/api/v2/queries?status=RUNNING")).get("queryList")).isEmpty();
        // Another caller's execution does not exist for bob.
        String adminQuery = json(ncp.post("/api/v2/queries", body("query", "SELECT 1"))).get("id").asText();
        assertError(bob.get("/api/v2/queries/" + adminQuery), 404, 404);
    }

    @Test
    void everyAuthenticationFailureIsA401InNcpShape() {
        String path = "/api/v2/queries?pageNo=1&pageSize=2";
        long now = System.currentTimeMillis();
        String key = ncp.accessKey();
        String secret = ncp.secret();
        HttpResponse<String> good = ncp.sendSigned("GET", path, null, now, key, NcpClient.signature(secret, "GET", path, now, key));
        assertThat(good.statusCode()).isEqualTo(200);
        long stale = now - 6 * 60 * 1000;
        assertError(ncp.sendSigned("GET", path, null, stale, key, NcpClient.signature(secret, "GET", path, stale, key)), 401, 10002);
        long future = now + 6 * 60 * 1000;
        assertError(ncp.sendSigned("GET", path, null, future, key, NcpClient.signature(secret, "GET", path, future, key)), 401, 10002);
        assertError(ncp.sendSigned("GET", path, null, now, key, NcpClient.signature("not-the-secret-at-all", "GET", path, now, key)),
                401, 10002);
        assertError(ncp.sendSigned("GET", path, null, now, "nosuchkey", NcpClient.signature(secret, "GET", path, now, "nosuchkey")),
                401, 10002);
        String otherPath = "/api/v2/queries?pageNo=2&pageSize=2";
        assertError(ncp.sendSigned("GET", otherPath, null, now, key, NcpClient.signature(secret, "GET", path, now, key)), 401, 10002);
        String execution = "/api/v2/queries/s0123456789abcdef0123456789abcdef";
        assertError(ncp.sendSigned("DELETE", execution, null, now, key, NcpClient.signature(secret, "GET", execution, now, key)),
                401, 10002);
        assertError(ncp.sendSigned("GET", path, null, now, key, "garbage"), 401, 10002);
        assertError(sluice.send(HttpRequest.newBuilder(sluice.uri(path)).GET().build()), 401, 10002);
        HttpResponse<String> partial = sluice.send(HttpRequest.newBuilder(sluice.uri(path))
                .header("x-ncp-iam-access-key", key).header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).GET().build());
        assertError(partial, 401, 10002);
        // Sluice's own credential works too.
        assertThat(sluice.get(path).statusCode()).isEqualTo(200);
    }

    @Test
    void sqlErrorsAndUnknownExecutionsUseNcpErrorBodies() {
        HttpResponse<String> catalog = ncp.post("/api/v2/queries", body("query", "SELECT 1", "dataSource", "public_data1"));
        JsonNode error = assertError(catalog, 400, 400);
        assertThat(error.get("detail").asText()).isEqualTo("Catalog 'public_data1' does not exist");
        assertThat(error.get("type").asText()).endsWith("/api/v2/queries");
        assertThat(error.get("instance").asText()).isEqualTo("/api/v2/queries");
        assertThat(error.get("title").asText()).isEqualTo("Bad Request");
        JsonNode schema = assertError(ncp.post("/api/v2/queries", body("query", "SELECT 1", "database", "public_schema")), 400, 400);
        assertThat(schema.get("detail").asText()).isEqualTo("Schema 'public_schema' does not exist");
        JsonNode both = assertError(ncp.post("/api/v2/queries", body("query", "SELECT 1", "dataSource", "public_data",
                "database", "no_such_schema")), 400, 400);
        assertThat(both.get("detail").asText()).contains("Schema 'no_such_schema' does not exist");
        // An unknown dataSource stops the statement before its text runs: the table is never created.
        assertError(ncp.post("/api/v2/queries", body("query", "CREATE TABLE ncp_never_created AS SELECT 1 AS x",
                "dataSource", "nowhere")), 400, 400);
        assertError(ncp.post("/api/v2/queries", body("query", "SELECT * FROM ncp_never_created")), 400, 400);
        JsonNode table = assertError(ncp.post("/api/v2/queries", body("query", "SELECT * FROM exchange_rate")), 400, 400);
        assertThat(table.get("detail").asText()).contains("exchange_rate");
        JsonNode syntax = assertError(ncp.post("/api/v2/queries", body("query", "SELEC 1")), 400, 10090);
        assertThat(syntax.get("detail").asText()).containsIgnoringCase("syntax");
        assertError(ncp.post("/api/v2/queries", body("query", "INSTALL httpfs")), 400, 10091);
        assertError(ncp.get("/api/v2/queries/s0123456789abcdef0123456789abcdef"), 404, 404);
        assertError(ncp.delete("/api/v2/queries/nope"), 404, 404);
        HttpResponse<String> ok = ncp.post("/api/v2/queries", body("query", "SELECT * FROM exchange_rate WHERE currency_code = ?",
                "executionParameters", List.of("USD"), "dataSource", "public_data", "database", "korea_trade_insurance"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).get("data")).hasSize(3);
    }

    @Test
    void badInputGetsTheErrorBodyAndRunsNothing() {
        int before = ncpStatementCount();
        List<String> badBodies = List.of(
                body("query", "SELECT 1", "timeout", 0),
                body("query", "SELECT 1", "timeout", 61),
                body("query", "SELECT 1", "timeout", "twenty"),
                body("query", "SELECT 1", "isReuse", true, "reuseMaxAge", 0),
                body("query", "SELECT 1", "isReuse", true, "reuseMaxAge", 10081),
                body("query", "SELECT 1", "isReuse", true, "reuseMaxAge", "soon"),
                body("query", "SELECT 1", "reuseMaxAge", -5),
                body("query", "SELECT ? AS a, ? AS b", "executionParameters", List.of("one")),
                body("query", "SELECT 1", "executionParameters", List.of("extra")),
                body("query", "SELECT ? AS a", "executionParameters", List.of(List.of(1))),
                body("query", ""),
                body("timeout", 5),
                body("query", "SELECT 1", "dataSource", 5),
                "not json",
                "[]");
        for (String bad : badBodies) {
            JsonNode error = assertError(ncp.post("/api/v2/queries", bad), 400, 400);
            assertThat(error.get("detail").asText()).isNotBlank();
        }
        assertError(ncp.post("/api/v2/queries/async", body("query", "SELECT ?")), 400, 400);
        assertThat(ncpStatementCount()).isEqualTo(before);
        String id = json(ncp.post("/api/v2/queries", body("query", "SELECT 1 AS one"))).get("id").asText();
        for (String query : List.of("?pageSize=0", "?pageSize=1001", "?offset=-1", "?pageSize=ten")) {
            JsonNode error = assertError(ncp.get("/api/v2/queries/" + id + query), 400, 400);
            assertThat(error.get("detail").asText()).isNotBlank();
        }
        assertError(ncp.get("/api/v2/queries?status=DONE"), 400, 400);
        assertError(ncp.get("/api/v2/queries?pageNo=0"), 400, 400);
        assertError(ncp.get("/api/v2/queries?pageSize=501"), 400, 400);
        // The question mark inside a literal is not a placeholder.
        assertThat(ncp.post("/api/v2/queries", body("query", "SELECT '?' AS q")).statusCode()).isEqualTo(200);
    }

    private static int ncpStatementCount() {
        int count = 0;
        for (JsonNode statement : json(sluice.get("/sluice/v1/statements?limit=1000")).get("statements")) {
            if (statement.get("protocol").asText().equals("ncp")) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, int errorCode) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response);
        assertThat(fieldNames(error)).containsExactly("type", "title", "status", "detail", "instance", "errorCode");
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("errorCode").asInt()).isEqualTo(errorCode);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }

    private static void awaitFinished(String id) {
        for (int attempt = 0; attempt < 200; attempt++) {
            JsonNode page = json(ncp.get("/api/v2/queries/" + id + "?pageSize=1"));
            if (page.get("columns").size() > 0) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("query " + id + " did not finish");
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode entry : list) {
            if (entry.get("id").asText().equals(id)) {
                return entry;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
