package io.sluice.protocol.druid;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Druid SQL API reference's examples, run against a real Sluice with the demo wikipedia table. */
class DruidApiTest {

    private static final String BLUE_MOON = "SELECT * FROM wikipedia WHERE user='BlueMoon2662'";
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

    /** As curl sends it in the reference: HTTP Basic with any user and the API key as the password. */
    static HttpResponse<String> druid(String method, String path, String body) {
        String basic = Base64.getEncoder().encodeToString(("druid_user:" + SluiceTestServer.ADMIN_KEY)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Basic " + basic);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return sluice.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> sql(String body) {
        return druid("POST", "/druid/v2/sql", body);
    }

    static String query(String sql, String extra) {
        return "{\"query\": " + SluiceTestServer.JSON.valueToTree(sql) + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    @Test
    void sampleRequestReturnsTheBlueMoonRowWithTypeHeader() throws Exception {
        HttpResponse<String> response = sql("""
                {"query": "SELECT * FROM wikipedia WHERE user='BlueMoon2662'",
                 "context" : {"sqlQueryId" : "request01"},
                 "header" : true, "typesHeader" : true, "sqlTypesHeader" : true}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(response.headers().firstValue("X-Druid-SQL-Query-Id")).hasValue("request01");
        assertThat(response.headers().firstValue("X-Druid-SQL-Header-Included")).hasValue("yes");
        JsonNode expected = SluiceTestServer.JSON.readTree("""
                [{"__time":{"type":"LONG","sqlType":"TIMESTAMP"},"channel":{"type":"STRING","sqlType":"VARCHAR"},
                  "cityName":{"type":"STRING","sqlType":"VARCHAR"},"comment":{"type":"STRING","sqlType":"VARCHAR"},
                  "countryIsoCode":{"type":"STRING","sqlType":"VARCHAR"},"countryName":{"type":"STRING","sqlType":"VARCHAR"},
                  "isAnonymous":{"type":"LONG","sqlType":"BIGINT"},"isMinor":{"type":"LONG","sqlType":"BIGINT"},
                  "isNew":{"type":"LONG","sqlType":"BIGINT"},"isRobot":{"type":"LONG","sqlType":"BIGINT"},
                  "isUnpatrolled":{"type":"LONG","sqlType":"BIGINT"},"metroCode":{"type":"LONG","sqlType":"BIGINT"},
                  "namespace":{"type":"STRING","sqlType":"VARCHAR"},"page":{"type":"STRING","sqlType":"VARCHAR"},
                  "regionIsoCode":{"type":"STRING","sqlType":"VARCHAR"},"regionName":{"type":"STRING","sqlType":"VARCHAR"},
                  "user":{"type":"STRING","sqlType":"VARCHAR"},"delta":{"type":"LONG","sqlType":"BIGINT"},
                  "added":{"type":"LONG","sqlType":"BIGINT"},"deleted":{"type":"LONG","sqlType":"BIGINT"}},
                 {"__time":"2015-09-12T00:47:53.259Z","channel":"#ja.wikipedia","cityName":"","comment":"/* 対戦通算成績と得失点 */",
                  "countryIsoCode":"","countryName":"","isAnonymous":0,"isMinor":1,"isNew":0,"isRobot":0,"isUnpatrolled":0,
                  "metroCode":0,"namespace":"Main","page":"アルビレックス新潟の年度別成績一覧","regionIsoCode":"","regionName":"",
                  "user":"BlueMoon2662","delta":14,"added":14,"deleted":0}]""");
        assertThat(json(response)).isEqualTo(expected);
        // Keys in column order, as Druid writes them.
        assertThat(response.body()).startsWith("[{\"__time\":{\"type\":\"LONG\",\"sqlType\":\"TIMESTAMP\"},\"channel\"");
    }

    @Test
    void headerTableOfTheReferenceForEveryFormat() {
        String sql = "SELECT \"user\" FROM wikipedia WHERE \"user\" = 'BlueMoon2662'";
        String[][] cases = {
                {"object", "true", "false", "[{\"user\":{\"type\":\"STRING\"}},{\"user\":\"BlueMoon2662\"}]"},
                {"object", "true", "true", "[{\"user\":{\"type\":\"STRING\",\"sqlType\":\"VARCHAR\"}},{\"user\":\"BlueMoon2662\"}]"},
                {"object", "false", "true", "[{\"user\":{\"sqlType\":\"VARCHAR\"}},{\"user\":\"BlueMoon2662\"}]"},
                {"object", "false", "false", "[{\"user\":null},{\"user\":\"BlueMoon2662\"}]"},
                {"array", "true", "false", "[[\"user\"],[\"STRING\"],[\"BlueMoon2662\"]]"},
                {"array", "true", "true", "[[\"user\"],[\"STRING\"],[\"VARCHAR\"],[\"BlueMoon2662\"]]"},
                {"array", "false", "true", "[[\"user\"],[\"VARCHAR\"],[\"BlueMoon2662\"]]"},
                {"array", "false", "false", "[[\"user\"],[\"BlueMoon2662\"]]"},
                {"csv", "true", "false", "user\nSTRING\nBlueMoon2662\n\n"},
                {"csv", "true", "true", "user\nSTRING\nVARCHAR\nBlueMoon2662\n\n"},
                {"csv", "false", "true", "user\nVARCHAR\nBlueMoon2662\n\n"},
                {"csv", "false", "false", "user\nBlueMoon2662\n\n"},
                {"arrayLines", "true", "true", "[\"user\"]\n[\"STRING\"]\n[\"VARCHAR\"]\n[\"BlueMoon2662\"]\n\n"},
                {"objectLines", "false", "false", "{\"user\":null}\n{\"user\":\"BlueMoon2662\"}\n\n"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = sql(query(sql, "\"resultFormat\": \"" + c[0] + "\", \"header\": true, "
                    + "\"typesHeader\": " + c[1] + ", \"sqlTypesHeader\": " + c[2]));
            assertThat(response.statusCode()).as(String.join(",", c)).isEqualTo(200);
            assertThat(response.body()).as(String.join(",", c)).isEqualTo(c[3]);
            assertThat(response.headers().firstValue("X-Druid-SQL-Header-Included")).hasValue("yes");
        }
    }

    @Test
    void everyFormatHasItsContentTypeAndTerminator() {
        String sql = "SELECT \"user\", added, __time FROM wikipedia WHERE \"user\" = 'BlueMoon2662'";
        HttpResponse<String> object = sql(query(sql, ""));
        assertThat(object.body()).isEqualTo("[{\"user\":\"BlueMoon2662\",\"added\":14,\"__time\":\"2015-09-12T00:47:53.259Z\"}]");
        assertThat(object.headers().firstValue("X-Druid-SQL-Header-Included")).isEmpty();
        assertThat(object.headers().firstValue("X-Druid-SQL-Query-Id")).isPresent();
        HttpResponse<String> lines = sql(query(sql, "\"resultFormat\": \"arrayLines\""));
        assertThat(lines.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(lines.body()).isEqualTo("[\"BlueMoon2662\",14,\"2015-09-12T00:47:53.259Z\"]\n\n");
        HttpResponse<String> objectLines = sql(query(sql, "\"resultFormat\": \"objectLines\""));
        assertThat(objectLines.body()).isEqualTo("{\"user\":\"BlueMoon2662\",\"added\":14,\"__time\":\"2015-09-12T00:47:53.259Z\"}\n\n");
        HttpResponse<String> csv = sql(query("SELECT 'A,B' AS a, 'foo\"bar' AS b, NULL AS c, 1.5 AS d", "\"resultFormat\": \"csv\""));
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body()).isEqualTo("\"A,B\",\"foo\"\"bar\",,1.5\n\n");
        HttpResponse<String> array = sql(query(sql, "\"resultFormat\": \"array\""));
        assertThat(array.body()).isEqualTo("[[\"BlueMoon2662\",14,\"2015-09-12T00:47:53.259Z\"]]");
    }

    @Test
    void timestampsAndDatesInSqlTimeZone() {
        HttpResponse<String> response = sql(query("SELECT __time, CAST(__time AS DATE) AS d FROM wikipedia WHERE \"user\" = 'BlueMoon2662'",
                "\"resultFormat\": \"array\", \"context\": {\"sqlTimeZone\": \"America/Los_Angeles\"}"));
        assertThat(response.body()).isEqualTo("[[\"2015-09-11T17:47:53.259-07:00\",\"2015-09-12T00:00:00.000-07:00\"]]");
    }

    @Test
    void typedParametersBindInOrder() {
        HttpResponse<String> response = sql(query("SELECT count(*) AS c FROM wikipedia WHERE \"user\" = ? AND __time >= ? AND added > ?",
                "\"parameters\": [{\"type\": \"VARCHAR\", \"value\": \"BlueMoon2662\"}, "
                        + "{\"type\": \"TIMESTAMP\", \"value\": \"2015-09-12 00:00:00\"}, {\"type\": \"BIGINT\", \"value\": 10}]"));
        assertThat(response.body()).isEqualTo("[{\"c\":1}]");
        HttpResponse<String> unknownType = sql(query("SELECT ?", "\"parameters\": [{\"type\": \"WIDGET\", \"value\": 1}]"));
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(json(unknownType).get("errorCode").asText()).isEqualTo("invalidInput");
        HttpResponse<String> wrongCount = sql(query("SELECT ? + ?", "\"parameters\": [{\"type\": \"BIGINT\", \"value\": 1}]"));
        assertThat(wrongCount.statusCode()).isEqualTo(400);
        assertDruidError(wrongCount);
    }

    @Test
    void badSqlAndUnknownTableAreDruid400s() {
        HttpResponse<String> unknown = sql(query("SELECT * FROM no_such_table", ""));
        assertThat(unknown.statusCode()).isEqualTo(400);
        JsonNode error = json(unknown);
        assertDruidError(unknown);
        assertThat(error.get("error").asText()).isEqualTo("Plan validation failed");
        assertThat(error.get("errorClass").asText()).isNotBlank();
        assertThat(error.get("host").asText()).isNotBlank();
        assertThat(error.get("persona").asText()).isEqualTo("USER");
        assertThat(error.get("category").asText()).isEqualTo("INVALID_INPUT");
        assertThat(error.get("context").get("sourceType").asText()).isEqualTo("sql");
        HttpResponse<String> syntax = sql(query("SELEC 1 FROM", ""));
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(json(syntax).get("error").asText()).isEqualTo("SQL parse failed");
        assertThat(unknown.body()).doesNotContain("\tat ");
    }

    @Test
    void badInputGetsDruidErrors() {
        assertBadRequest(sql(query("SELECT 1", "\"resultFormat\": \"xml\"")));
        assertBadRequest(sql(query("SELECT 1", "\"typesHeader\": true")));
        assertBadRequest(sql("{not json"));
        assertBadRequest(sql(query("  ", "")));
        assertBadRequest(sql("[1, 2]"));
        assertBadRequest(sql(query("SELECT 1", "\"context\": {\"sqlTimeZone\": \"Mars/Olympus\"}")));
        // The server keeps serving.
        assertThat(sql(query("SELECT 1 AS one", "")).body()).isEqualTo("[{\"one\":1}]");
    }

    @Test
    void authenticationIsBasicWithTheKeyOrBearer() {
        HttpResponse<String> anonymous = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query("SELECT 1", ""))).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertDruidError(anonymous);
        HttpResponse<String> bearer = sluice.post("/druid/v2/sql", query("SELECT 1 AS one", ""));
        assertThat(bearer.body()).isEqualTo("[{\"one\":1}]");
        String wrong = Base64.getEncoder().encodeToString("druid:testadmin.wrongwrongwrongwrongwrong".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> wrongPassword = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Authorization", "Basic " + wrong).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query("SELECT 1", ""))).build());
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
    }

    @Test
    void cancelBySqlQueryIdStopsEveryQueryWithThatId() throws Exception {
        // One query still computing its first row, one streaming to a client that does not read: both "slow01".
        // (Only one long native computation at a time: it holds a carrier thread of the 2-core test machine.)
        CompletableFuture<HttpResponse<String>> computing = CompletableFuture.supplyAsync(
                () -> sql(query(SLOW_SQL, "\"context\": {\"sqlQueryId\": \"slow01\"}")));
        String basic = Base64.getEncoder().encodeToString(("u:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
        HttpResponse<InputStream> streaming = sluice.client.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query("SELECT i FROM range(2000000000) t(i)",
                        "\"resultFormat\": \"arrayLines\", \"context\": {\"sqlQueryId\": \"slow01\"}"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(streaming.statusCode()).isEqualTo(200);
        awaitRunning("slow01");
        Thread.sleep(200);
        HttpResponse<String> cancel = druid("DELETE", "/druid/v2/sql/slow01", null);
        assertThat(cancel.statusCode()).isEqualTo(202);
        assertThat(cancel.body()).isEmpty();
        HttpResponse<String> cancelled = computing.get();
        assertThat(cancelled.statusCode()).isEqualTo(500);
        assertThat(json(cancelled).get("error").asText()).isEqualTo("Query cancelled");
        assertThat(json(cancelled).get("category").asText()).isEqualTo("CANCELED");
        byte[] streamed;
        try (InputStream in = streaming.body()) {
            streamed = in.readAllBytes();
        } catch (java.io.IOException cut) {
            streamed = new byte[0];
        }
        // The streamed response ends cut off: never with the final blank line of a complete response.
        assertThat(new String(streamed, StandardCharsets.UTF_8)).doesNotEndWith("\n\n");
        assertThat(druid("DELETE", "/druid/v2/sql/slow01", null).statusCode()).isEqualTo(404);
        assertThat(druid("DELETE", "/druid/v2/sql/request01", null).statusCode()).isEqualTo(404);
    }

    /**
     * Waits until both queries run (the native listing shows them), then checks that another principal's cancel
     * answers as for an unknown id (404, so ids cannot be probed) and leaves them running.
     */
    private static void awaitRunning(String sqlQueryId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode listed = json(sluice.get("/sluice/v1/statements?limit=20"));
            long running = 0;
            for (JsonNode statement : listed.get("statements")) {
                if (statement.get("state").asText().equals("RUNNING") && statement.get("protocol").asText().equals("druid")) {
                    running++;
                }
            }
            if (running >= 2) {
                HttpResponse<String> probe = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql/" + sqlQueryId))
                        .header("Authorization", "Bearer " + sluice.otherUserKey).DELETE().build());
                assertThat(probe.statusCode()).as(probe.body()).isEqualTo(404);
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("queries did not start");
    }

    @Test
    void cancelledStreamingQueryEndsItsResponse() throws Exception {
        String body = query("SELECT i, repeat('x', 100) AS s FROM range(200000000) t(i)",
                "\"resultFormat\": \"arrayLines\", \"context\": {\"sqlQueryId\": \"stream01\"}");
        String basic = Base64.getEncoder().encodeToString(("u:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
        HttpResponse<InputStream> response = sluice.client.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream in = response.body()) {
            assertThat(in.readNBytes(1000).length).isEqualTo(1000);
            assertThat(druid("DELETE", "/druid/v2/sql/stream01", null).statusCode()).isEqualTo(202);
            byte[] rest;
            try {
                rest = in.readAllBytes();
            } catch (java.io.IOException cut) {
                rest = new byte[0];
            }
            // Cut off: never the final blank line of a complete response.
            assertThat(new String(rest, StandardCharsets.UTF_8)).doesNotEndWith("\n\n");
        }
    }

    @Test
    void statementsFlowEndToEnd() throws Exception {
        HttpResponse<String> submitted = druid("POST", "/druid/v2/sql/statements", """
                {"query": "SELECT * FROM wikipedia WHERE user='BlueMoon2662'", "context": {"executionMode":"ASYNC"}}""");
        assertThat(submitted.statusCode()).isEqualTo(200);
        JsonNode accepted = json(submitted);
        String queryId = accepted.get("queryId").asText();
        assertThat(queryId).startsWith("query-");
        assertThat(accepted.get("state").asText()).isIn("ACCEPTED", "RUNNING", "SUCCESS");
        assertThat(accepted.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode status = awaitFinished(queryId);
        assertThat(status.get("state").asText()).isEqualTo("SUCCESS");
        assertThat(status.get("schema").get(0).toString()).isEqualTo("{\"name\":\"__time\",\"type\":\"TIMESTAMP\",\"nativeType\":\"LONG\"}");
        assertThat(status.get("schema").get(16).toString()).isEqualTo("{\"name\":\"user\",\"type\":\"VARCHAR\",\"nativeType\":\"STRING\"}");
        assertThat(status.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode result = status.get("result");
        assertThat(result.get("numTotalRows").asLong()).isEqualTo(1);
        assertThat(result.get("dataSource").asText()).isEqualTo("__query_select");
        assertThat(result.get("sampleRecords").toString()).isEqualTo(
                "[[1442018873259,\"#ja.wikipedia\",\"\",\"/* 対戦通算成績と得失点 */\",\"\",\"\",0,1,0,0,0,0,\"Main\","
                        + "\"アルビレックス新潟の年度別成績一覧\",\"\",\"\",\"BlueMoon2662\",14,14,0]]");
        assertThat(result.get("pages").get(0).get("id").asInt()).isZero();
        assertThat(result.get("pages").get(0).get("numRows").asLong()).isEqualTo(1);
        assertThat(result.get("pages").get(0).get("sizeInBytes").asLong()).isEqualTo(result.get("totalSizeInBytes").asLong());
        HttpResponse<String> results = druid("GET", "/druid/v2/sql/statements/" + queryId + "/results", null);
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(json(results).get(0).get("__time").asLong()).isEqualTo(1442018873259L);
        assertThat(json(results).get(0).get("user").asText()).isEqualTo("BlueMoon2662");
        HttpResponse<String> page0 = druid("GET", "/druid/v2/sql/statements/" + queryId + "/results?page=0&resultFormat=arrayLines", null);
        assertThat(page0.body()).startsWith("[1442018873259,\"#ja.wikipedia\"").endsWith("\n\n");
        HttpResponse<String> pastEnd = druid("GET", "/druid/v2/sql/statements/" + queryId + "/results?page=5", null);
        assertThat(pastEnd.statusCode()).isEqualTo(400);
        assertStatementsError(pastEnd);
        // Finished: cancel is a no-op 200. Another principal does not see it.
        assertThat(druid("DELETE", "/druid/v2/sql/statements/" + queryId, null).statusCode()).isEqualTo(200);
        assertThat(sluice.get("/druid/v2/sql/statements/" + queryId, sluice.otherUserKey).statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = druid("GET", "/druid/v2/sql/statements/query-9b93f6f7-ab0e-48f5-986a-3520f84f0804", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertStatementsError(unknown);
        assertThat(druid("DELETE", "/druid/v2/sql/statements/query-945c9633-2fa2-49ab-80ae-8221c38c024da", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void tenSampleRecordsComeBackInOrderAsEpochMillis() throws Exception {
        HttpResponse<String> submitted = druid("POST", "/druid/v2/sql/statements", query(
                "SELECT * FROM wikipedia ORDER BY __time LIMIT 10", "\"context\": {\"executionMode\": \"ASYNC\", \"selectDestination\": \"durableStorage\"}"));
        String queryId = json(submitted).get("queryId").asText();
        awaitFinished(queryId);
        JsonNode rows = json(druid("GET", "/druid/v2/sql/statements/" + queryId + "/results", null));
        assertThat(rows.size()).isEqualTo(10);
        assertThat(rows.get(0).get("__time").asLong()).isEqualTo(1442018818771L);
        assertThat(rows.get(0).get("user").asText()).isEqualTo("GELongstreet");
        assertThat(rows.get(9).get("__time").asLong()).isEqualTo(1442018845821L);
        assertThat(rows.get(9).get("page").asText()).isEqualTo("Agama persimilis");
    }

    @Test
    void statementsRejectOtherModesAndReportRunningAndFailedQueries() throws Exception {
        HttpResponse<String> noMode = druid("POST", "/druid/v2/sql/statements", query("SELECT 1", ""));
        assertThat(noMode.statusCode()).isEqualTo(400);
        assertThat(json(noMode).get("errorMessage").asText()).contains("executionMode");
        HttpResponse<String> sync = druid("POST", "/druid/v2/sql/statements", query("SELECT 1", "\"context\": {\"executionMode\": \"SYNC\"}"));
        assertThat(sync.statusCode()).isEqualTo(400);
        assertDruidError(sync);
        HttpResponse<String> slow = druid("POST", "/druid/v2/sql/statements", query(SLOW_SQL, "\"context\": {\"executionMode\": \"ASYNC\"}"));
        String slowId = json(slow).get("queryId").asText();
        assertThat(json(slow).get("state").asText()).isIn("ACCEPTED", "RUNNING");
        assertThat(json(slow).get("durationMs").asLong()).isEqualTo(-1);
        HttpResponse<String> notReady = druid("GET", "/druid/v2/sql/statements/" + slowId + "/results", null);
        assertThat(notReady.statusCode()).isEqualTo(400);
        assertThat(json(notReady).get("errorMessage").asText()).contains("Please wait for it to complete");
        assertStatementsError(notReady);
        assertThat(druid("DELETE", "/druid/v2/sql/statements/" + slowId, null).statusCode()).isEqualTo(202);
        JsonNode cancelled = awaitFinished(slowId);
        assertThat(cancelled.get("state").asText()).isEqualTo("FAILED");
        assertThat(cancelled.get("errorDetails").get("errorMessage").asText()).isNotBlank();
        HttpResponse<String> failed = druid("GET", "/druid/v2/sql/statements/" + slowId + "/results", null);
        assertThat(failed.statusCode()).isEqualTo(404);
        assertStatementsError(failed);
    }

    @Test
    void statementsRefuseSqlThatDoesNotPlanWith400() throws Exception {
        // Druid plans before it accepts: bad SQL is the submit's 400 in Druid's error shape, not a FAILED query.
        String async = "\"context\": {\"executionMode\": \"ASYNC\"}";
        for (String sql : new String[] {"SELECT * FROM nope", "SELEC 1", "SELECT nope FROM wikipedia"}) {
            HttpResponse<String> bad = druid("POST", "/druid/v2/sql/statements", query(sql, async));
            assertThat(bad.statusCode()).as(sql + ": " + bad.body()).isEqualTo(400);
            assertDruidError(bad);
            assertThat(json(bad).get("category").asText()).isEqualTo("INVALID_INPUT");
            assertThat(json(bad).has("queryId")).isFalse();
        }
        // A query that plans but fails while it runs is accepted, then FAILED with its error, as in Druid.
        HttpResponse<String> runtime = druid("POST", "/druid/v2/sql/statements",
                query("SELECT CAST(\"user\" AS INTEGER) FROM wikipedia", async));
        assertThat(runtime.statusCode()).as(runtime.body()).isEqualTo(200);
        JsonNode failed = awaitFinished(json(runtime).get("queryId").asText());
        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        assertThat(failed.get("errorDetails").get("errorMessage").asText()).isNotBlank();
    }

    @Test
    void resultsOfAnIngestionAreEmpty() throws Exception {
        assertThat(sql(query("CREATE TABLE druid_ingested (x INTEGER)", "")).statusCode()).isEqualTo(200);
        HttpResponse<String> submitted = druid("POST", "/druid/v2/sql/statements",
                query("INSERT INTO druid.druid_ingested VALUES (1), (2)", "\"context\": {\"executionMode\": \"ASYNC\"}"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        String queryId = json(submitted).get("queryId").asText();
        assertThat(awaitFinished(queryId).get("state").asText()).isEqualTo("SUCCESS");
        HttpResponse<String> results = druid("GET", "/druid/v2/sql/statements/" + queryId + "/results", null);
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(results.body()).isEmpty();
        assertThat(sql(query("SELECT COUNT(*) AS c FROM druid_ingested", "")).body()).isEqualTo("[{\"c\":2}]");
    }

    @Test
    void druidQualifiedNamesResolveToTheDatasource() {
        String plain = sql(query("SELECT COUNT(*) AS c FROM wikipedia", "")).body();
        assertThat(plain).matches("\\[\\{\"c\":\\d+\\}\\]");
        assertThat(sql(query("SELECT COUNT(*) AS c FROM druid.wikipedia", "")).body()).isEqualTo(plain);
        assertThat(sql(query("SELECT COUNT(*) AS c FROM \"druid\".\"wikipedia\" AS w WHERE w.added >= 0", "")).body())
                .isEqualTo(plain);
        assertThat(sql(query("SELECT COUNT(*) AS c FROM DRUID.wikipedia JOIN druid.wikipedia AS o USING (__time, \"user\", page) "
                + "WHERE druid.wikipedia.\"user\" = 'BlueMoon2662'", "")).body()).isEqualTo("[{\"c\":1}]");
        // An alias named druid keeps its meaning.
        assertThat(sql(query("SELECT druid.channel FROM wikipedia AS druid WHERE druid.\"user\" = 'BlueMoon2662'", "")).body())
                .isEqualTo("[{\"channel\":\"#ja.wikipedia\"}]");
        // Text that only mentions the schema is left alone.
        assertThat(sql(query("SELECT 'druid.wikipedia' AS t", "")).body()).isEqualTo("[{\"t\":\"druid.wikipedia\"}]");
        // Other schemas still resolve.
        assertThat(sql(query("SELECT COUNT(*) AS c FROM nekt_raw.customers", "")).statusCode()).isEqualTo(200);
    }

    @Test
    void internalTablesAreNeverDruidDatasources() {
        HttpResponse<String> druidTables = sql(query("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'druid'",
                "\"resultFormat\": \"array\""));
        assertThat(druidTables.body()).contains("\"wikipedia\"").doesNotContain("\"audit\"");
        // An admin, who may read it, sees the audit table in Sluice's own schema.
        assertThat(sql(query("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'audit'",
                "\"resultFormat\": \"array\"")).body()).isEqualTo("[[\"sluice\",\"audit\"]]");
        assertThat(sql(query("SELECT COUNT(*) AS c FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = 'audit'",
                "")).body()).isEqualTo("[{\"c\":0}]");
        HttpResponse<String> datasources = druid("GET", "/druid/v2/datasources", null);
        assertThat(datasources.statusCode()).isEqualTo(200);
        assertThat(json(datasources).toString()).contains("\"wikipedia\"").doesNotContain("audit");
        // A principal without grants is shown no datasource, as Druid filters the list by the caller's permissions.
        HttpResponse<String> other = sluice.get("/druid/v2/datasources", sluice.otherUserKey);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(other.body()).isEqualTo("[]");
    }

    @Test
    void nonAdminsSeeTheGrantedTablesInTheCatalogWhateverTheirNames() {
        for (String statement : new String[] {"CREATE TABLE \"it's \"\"odd\"\"\" (\"a 'b'\" INTEGER, c VARCHAR)",
                "CREATE TABLE catalog_hidden (secret INTEGER)", "CREATE USER odd_reader", "CREATE ROLE odd_readers",
                "GRANT ROLE odd_readers TO USER odd_reader", "GRANT SELECT ON TABLE \"it's \"\"odd\"\"\" TO ROLE odd_readers"}) {
            HttpResponse<String> done = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", statement));
            assertThat(done.statusCode()).as(statement + ": " + done.body()).isEqualTo(200);
        }
        String key = json(sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "CREATE API KEY FOR USER odd_reader")))
                .get(0).get("api_key").asText();
        HttpResponse<String> tables = sluice.post("/druid/v2/sql", query("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'", "\"resultFormat\": \"array\""), key);
        assertThat(tables.statusCode()).as(tables.body()).isEqualTo(200);
        assertThat(json(tables).toString()).isEqualTo("[[\"druid\",\"it's \\\"odd\\\"\"]]");
        HttpResponse<String> columns = sluice.post("/druid/v2/sql", query("SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
                + "ORDER BY ORDINAL_POSITION", "\"resultFormat\": \"array\""), key);
        assertThat(json(columns).toString()).isEqualTo("[[\"a 'b'\",\"INTEGER\"],[\"c\",\"VARCHAR\"]]");
        assertThat(sluice.get("/druid/v2/datasources", key).body()).isEqualTo("[\"it's \\\"odd\\\"\"]");
    }

    @Test
    void internalTablesAreLeftOutOfTheCatalogForNonAdmins() {
        assertThat(DruidSql.rewrite("SELECT * FROM INFORMATION_SCHEMA.TABLES", false)).contains("table_name = 'audit'")
                .contains("AND NOT");
        assertThat(DruidSql.rewrite("SELECT * FROM INFORMATION_SCHEMA.SCHEMATA", false)).contains("<> 'sluice'");
        assertThat(DruidSql.rewrite("SELECT * FROM INFORMATION_SCHEMA.SCHEMATA", true)).doesNotContain("<> 'sluice'");
    }

    @Test
    void statusEndpointsAnswerAsADruidBroker() {
        // Unsecured in every Druid service, so load balancers can probe it.
        HttpResponse<String> health = sluice.send(HttpRequest.newBuilder(sluice.uri("/status/health")).GET().build());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("true");
        assertThat(health.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        HttpResponse<String> anonymous = sluice.send(HttpRequest.newBuilder(sluice.uri("/status")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertDruidError(anonymous);
        JsonNode status = json(druid("GET", "/status", null));
        assertThat(status.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(status.get("modules").isArray()).isTrue();
        assertThat(status.get("memory").get("maxMemory").asLong()).isPositive();
        assertThat(status.get("memory").get("usedMemory").asLong()).isPositive();
        HttpResponse<String> properties = druid("GET", "/status/properties", null);
        assertThat(properties.statusCode()).isEqualTo(200);
        JsonNode props = json(properties);
        assertThat(props.get("druid.service").asText()).isEqualTo("druid/broker");
        props.properties().forEach(entry -> assertThat(entry.getValue().isTextual()).as(entry.getKey()).isTrue());
        assertThat(properties.body().toLowerCase(java.util.Locale.ROOT)).doesNotContain("password").doesNotContain("secret")
                .doesNotContain(SluiceTestServer.ADMIN_KEY.split("\\.")[1]);
        assertThat(sluice.send(HttpRequest.newBuilder(sluice.uri("/status/properties")).GET().build()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void datasourcesListTablesWithDimensionsAndMetrics() {
        HttpResponse<String> list = druid("GET", "/druid/v2/datasources", null);
        assertThat(list.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(json(list).isArray()).isTrue();
        JsonNode wikipedia = json(druid("GET", "/druid/v2/datasources/wikipedia", null));
        assertThat(wikipedia.get("dimensions").toString()).startsWith("[\"channel\",\"cityName\",").contains("\"user\"")
                .doesNotContain("__time").doesNotContain("\"added\"");
        assertThat(wikipedia.get("metrics").toString()).contains("\"added\"", "\"deleted\"", "\"delta\"")
                .doesNotContain("\"channel\"");
        // A datasource without segments has no dimensions or metrics, as a Druid broker answers.
        assertThat(json(druid("GET", "/druid/v2/datasources/no_such_datasource", null)).toString())
                .isEqualTo("{\"dimensions\":[],\"metrics\":[]}");
        assertThat(sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/datasources")).GET().build()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void nativeQueriesGetDruidsUnsupportedError() {
        for (String path : new String[] {"/druid/v2/", "/druid/v2/?pretty", "/druid/v2"}) {
            HttpResponse<String> response = druid("POST", path,
                    "{\"queryType\": \"timeseries\", \"dataSource\": \"wikipedia\", \"granularity\": \"all\", "
                            + "\"intervals\": [\"2015-09-12/2015-09-13\"], \"aggregations\": [{\"type\": \"count\", \"name\": \"c\"}]}");
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(501);
            assertDruidError(response);
            JsonNode error = json(response);
            assertThat(error.get("error").asText()).isEqualTo("Unsupported operation");
            assertThat(error.get("category").asText()).isEqualTo("UNSUPPORTED");
            assertThat(error.get("errorMessage").asText()).contains("not supported").contains("timeseries");
        }
        assertBadRequest(druid("POST", "/druid/v2/", "{not json"));
        HttpResponse<String> anonymous = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertDruidError(anonymous);
    }

    @Test
    void introspectionNativeQueriesAreAnsweredFromSql() {
        JsonNode extent = json(sql(query("SELECT TIMESTAMP_TO_MILLIS(MIN(__time)) AS first, TIMESTAMP_TO_MILLIS(MAX(__time)) AS last "
                + "FROM wikipedia", ""))).get(0);
        String first = java.time.Instant.ofEpochMilli(extent.get("first").asLong()).toString();
        String last = java.time.Instant.ofEpochMilli(extent.get("last").asLong()).toString();
        HttpResponse<String> boundary = druid("POST", "/druid/v2/", "{\"queryType\": \"timeBoundary\", \"dataSource\": \"wikipedia\"}");
        assertThat(boundary.statusCode()).as(boundary.body()).isEqualTo(200);
        JsonNode bounds = json(boundary).get(0);
        assertThat(bounds.get("timestamp").asText()).isEqualTo(bounds.get("result").get("minTime").asText());
        assertThat(java.time.Instant.parse(bounds.get("result").get("minTime").asText()).toString()).isEqualTo(first);
        assertThat(java.time.Instant.parse(bounds.get("result").get("maxTime").asText()).toString()).isEqualTo(last);
        assertThat(bounds.get("result").get("maxTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode maxOnly = json(druid("POST", "/druid/v2/?pretty",
                "{\"queryType\": \"timeBoundary\", \"dataSource\": {\"type\": \"table\", \"name\": \"wikipedia\"}, \"bound\": \"maxTime\"}")).get(0);
        assertThat(maxOnly.get("result").has("minTime")).isFalse();
        assertThat(maxOnly.get("timestamp").asText()).isEqualTo(maxOnly.get("result").get("maxTime").asText());

        HttpResponse<String> metadata = druid("POST", "/druid/v2/",
                "{\"queryType\": \"segmentMetadata\", \"dataSource\": \"wikipedia\", \"merge\": true, \"analysisTypes\": []}");
        assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
        JsonNode analysis = json(metadata).get(0);
        assertThat(analysis.get("id").asText()).isEqualTo("merged");
        assertThat(analysis.get("numRows").asLong()).isEqualTo(json(sql(query("SELECT COUNT(*) AS c FROM wikipedia", ""))).get(0).get("c").asLong());
        assertThat(analysis.get("columns").get("__time").get("type").asText()).isEqualTo("LONG");
        assertThat(analysis.get("columns").get("channel").get("type").asText()).isEqualTo("STRING");
        assertThat(analysis.get("columns").get("added").get("type").asText()).isEqualTo("LONG");
        assertThat(analysis.get("intervals").get(0).asText()).startsWith(bounds.get("result").get("minTime").asText() + "/");
        // A datasource the broker has no segments of, or a name that is no table at all: no analyses.
        assertThat(druid("POST", "/druid/v2/", "{\"queryType\": \"segmentMetadata\", \"dataSource\": \"nope\\\"; DROP TABLE wikipedia; --\"}")
                .body()).isEqualTo("[]");
        assertThat(druid("POST", "/druid/v2/", "{\"queryType\": \"timeBoundary\", \"dataSource\": \"no_such_datasource\"}").body())
                .isEqualTo("[]");
        assertThat(sql(query("SELECT COUNT(*) AS c FROM wikipedia", "")).statusCode()).isEqualTo(200);
    }

    @Test
    void approxCountDistinctIsWithinTwoPercentOfTheExactCount() {
        JsonNode rows = json(sql(query("""
                SELECT channel, APPROX_COUNT_DISTINCT("user") AS approx, APPROX_COUNT_DISTINCT_DS_HLL("user") AS hll,
                       APPROX_COUNT_DISTINCT_DS_THETA("user", 4096) AS theta, COUNT(DISTINCT "user") AS exact
                FROM wikipedia GROUP BY ROLLUP (channel) ORDER BY exact DESC LIMIT 5""", "")));
        assertThat(rows.size()).isEqualTo(5);
        for (JsonNode row : rows) {
            long exact = row.get("exact").asLong();
            assertThat(exact).isPositive();
            for (String estimate : new String[] {"approx", "hll", "theta"}) {
                assertThat((double) row.get(estimate).asLong()).as(row + " " + estimate)
                        .isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(2));
            }
        }
    }

    @Test
    void informationSchemaAnswersAsDruid() {
        HttpResponse<String> tables = sql(query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = 'wikipedia'", ""));
        assertThat(tables.body()).isEqualTo("[{\"TABLE_SCHEMA\":\"druid\",\"TABLE_NAME\":\"wikipedia\",\"TABLE_TYPE\":\"TABLE\"}]");
        HttpResponse<String> columns = sql(query("SELECT COLUMN_NAME, DATA_TYPE, JDBC_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION LIMIT 3",
                "\"resultFormat\": \"array\", \"parameters\": [{\"type\": \"VARCHAR\", \"value\": \"wikipedia\"}]"));
        assertThat(columns.body()).isEqualTo("[[\"__time\",\"TIMESTAMP\",93],[\"channel\",\"VARCHAR\",12],[\"cityName\",\"VARCHAR\",12]]");
        HttpResponse<String> schemata = sql(query("SELECT SCHEMA_NAME FROM information_schema.schemata WHERE SCHEMA_NAME IN ('druid', 'INFORMATION_SCHEMA') ORDER BY 1",
                "\"resultFormat\": \"array\""));
        assertThat(schemata.body()).isEqualTo("[[\"INFORMATION_SCHEMA\"],[\"druid\"]]");
        // A literal that mentions the table is left alone.
        assertThat(sql(query("SELECT 'INFORMATION_SCHEMA.TABLES' AS t", "")).body()).isEqualTo("[{\"t\":\"INFORMATION_SCHEMA.TABLES\"}]");
    }

    @Test
    void druidFunctionsFromDruidsDocsWork() {
        HttpResponse<String> response = sql(query("""
                SELECT TIME_FLOOR(__time, 'PT1H') AS h, TIME_CEIL(__time, 'PT1H') AS c, TIME_SHIFT(__time, 'P1D', -1) AS s,
                       TIME_EXTRACT(__time, 'HOUR') AS hour, TIME_FORMAT(__time, 'yyyy-MM-dd HH:mm') AS f,
                       TIME_PARSE('2015-09-12T00:47:53.259Z') AS p, TIME_PARSE('12/09/2015', 'dd/MM/yyyy') AS p2,
                       TIMESTAMP_TO_MILLIS(__time) AS ms, MILLIS_TO_TIMESTAMP(1442018873259) AS t
                FROM wikipedia WHERE "user" = 'BlueMoon2662'""", "\"resultFormat\": \"array\""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[[\"2015-09-12T00:00:00.000Z\",\"2015-09-12T01:00:00.000Z\",\"2015-09-11T00:47:53.259Z\","
                + "0,\"2015-09-12 00:47\",\"2015-09-12T00:47:53.259Z\",\"2015-09-12T00:00:00.000Z\",1442018873259,\"2015-09-12T00:47:53.259Z\"]]");
        HttpResponse<String> aggregates = sql(query("""
                SELECT channel, APPROX_COUNT_DISTINCT("user") AS users, APPROX_QUANTILE_DS(added, 0.5) AS median,
                       LATEST("user") AS last_user, EARLIEST("user", 1024) AS first_user, COUNT(*) AS edits
                FROM wikipedia WHERE __time >= TIMESTAMP '2015-09-12 00:00:00' AND __time < CURRENT_TIMESTAMP
                GROUP BY channel ORDER BY edits DESC LIMIT 1""", ""));
        assertThat(aggregates.statusCode()).as(aggregates.body()).isEqualTo(200);
        JsonNode row = json(aggregates).get(0);
        assertThat(row.get("users").asLong()).isPositive();
        assertThat(row.get("last_user").asText()).isNotBlank();
        HttpResponse<String> bucketed = sql(query("SELECT TIME_FLOOR(__time, 'PT1H') AS hour, COUNT(*) AS edits FROM wikipedia "
                + "GROUP BY 1 ORDER BY 1 LIMIT 1", "\"resultFormat\": \"array\""));
        assertThat(bucketed.body()).startsWith("[[\"2015-09-12T00:00:00.000Z\",");
    }

    private static JsonNode awaitFinished(String queryId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode status = json(druid("GET", "/druid/v2/sql/statements/" + queryId, null));
            String state = status.get("state").asText();
            if (state.equals("SUCCESS") || state.equals("FAILED") || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(20);
        }
    }

    private static void assertBadRequest(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertDruidError(response);
    }

    private static void assertDruidError(HttpResponse<String> response) {
        JsonNode error = json(response);
        assertThat(error.has("error")).as(response.body()).isTrue();
        assertThat(error.get("errorMessage").asText()).isNotBlank();
        assertThat(error.has("errorClass")).isTrue();
        assertThat(error.has("host")).isTrue();
        assertThat(error.has("errorCode")).isTrue();
        assertThat(error.has("persona")).isTrue();
        assertThat(error.has("category")).isTrue();
        assertThat(error.has("code")).isFalse();
    }

    private static void assertStatementsError(HttpResponse<String> response) {
        JsonNode error = json(response);
        for (String field : new String[] {"error", "errorCode", "persona", "category", "errorMessage", "context"}) {
            assertThat(error.has(field)).as(field + " in " + response.body()).isTrue();
        }
    }
}
