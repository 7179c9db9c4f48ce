package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Snowflake SQL API over real HTTP, replaying the reference's requests and responses against the demo data. */
class SnowflakeApiTest {

    static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";
    static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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

    // ---- helpers --------------------------------------------------------------------------------------

    static HttpRequest.Builder request(String path, String key) {
        return HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + key)
                .header("Accept", "application/json").header("User-Agent", "myApplication/1.0");
    }

    static HttpResponse<String> post(String path, String body) {
        return post(path, body, SluiceTestServer.ADMIN_KEY);
    }

    static HttpResponse<String> post(String path, String body, String key) {
        return send(request(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Sends a request; every answer of the SQL API is checked against Snowflake's OpenAPI description. */
    static HttpResponse<String> send(HttpRequest request) {
        return SqlApiContract.check(sluice.send(request));
    }

    static HttpResponse<String> get(String path) {
        return get(path, SluiceTestServer.ADMIN_KEY);
    }

    static HttpResponse<String> get(String path, String key) {
        return send(request(path, key).GET().build());
    }

    static String statement(String sql, Object... more) {
        ObjectNode body = SluiceTestServer.JSON.createObjectNode();
        body.put("statement", sql);
        for (int i = 0; i < more.length; i += 2) {
            body.set((String) more[i], SluiceTestServer.JSON.valueToTree(more[i + 1]));
        }
        return body.toString();
    }

    static JsonNode json(HttpResponse<String> response) {
        return SluiceTestServer.json(response);
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    static JsonNode row(JsonNode resultSet, int index) {
        return resultSet.get("data").get(index);
    }

    static List<String> cells(JsonNode row) {
        List<String> cells = new ArrayList<>();
        row.forEach(cell -> cells.add(cell.isNull() ? null : cell.asText()));
        return cells;
    }

    static void assertFailure(HttpResponse<String> response, int status, String code, String sqlState) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
        if (sqlState != null) {
            assertThat(body.get("sqlState").asText()).isEqualTo(sqlState);
        }
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    static Map<String, String> links(HttpResponse<?> response) {
        Map<String, String> links = new java.util.HashMap<>();
        Matcher matcher = Pattern.compile("<([^>]+)>; rel=\"(\\w+)\"").matcher(response.headers().firstValue("Link").orElse(""));
        while (matcher.find()) {
            links.put(matcher.group(2), matcher.group(1));
        }
        return links;
    }

    static JsonNode awaitDone(String handle) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            HttpResponse<String> response = get("/api/v2/statements/" + handle);
            if (response.statusCode() != 202) {
                return ok(response);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("statement did not finish");
    }

    // ---- ResultSet ------------------------------------------------------------------------------------

    @Test
    void singlePartitionResultMatchesTheReferenceExample() {
        HttpResponse<String> response = post("/api/v2/statements", statement(
                "select * from (values ('test', 2), ('test', 3), ('test', 4), ('test', 5)) as t(COLUMN1, COLUMN2)",
                "timeout", 10, "warehouse", "TESTWH", "role", "TESTROLE"));
        JsonNode result = ok(response);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode metaData = result.get("resultSetMetaData");
        assertThat(metaData.get("numRows").asLong()).isEqualTo(4);
        assertThat(metaData.get("format").asText()).isEqualTo("jsonv2");
        JsonNode column1 = metaData.get("rowType").get(0);
        List<String> keys = new ArrayList<>();
        column1.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("name", "database", "schema", "table", "scale", "precision",
                "length", "type", "nullable", "byteLength", "collation");
        assertThat(column1.get("name").asText()).isEqualTo("COLUMN1");
        assertThat(column1.get("type").asText()).isEqualTo("text");
        // The OpenAPI description types scale, precision and length as integers: 0 where they do not apply.
        assertThat(column1.get("scale").asInt()).isZero();
        assertThat(column1.get("scale").isIntegralNumber()).isTrue();
        assertThat(column1.get("collation").isNull()).isTrue();
        JsonNode column2 = metaData.get("rowType").get(1);
        assertThat(column2.get("type").asText()).isEqualTo("fixed");
        assertThat(column2.get("scale").asInt()).isZero();
        assertThat(column2.get("precision").asInt()).isEqualTo(38);
        assertThat(column2.get("length").isIntegralNumber()).isTrue();
        assertThat(metaData.get("partitionInfo")).hasSize(1);
        assertThat(metaData.get("partitionInfo").get(0).get("rowCount").asLong()).isEqualTo(4);
        assertThat(metaData.get("partitionInfo").get(0).has("uncompressedSize")).isTrue();
        assertThat(result.get("data").toString()).isEqualTo("[[\"test\",\"2\"],[\"test\",\"3\"],[\"test\",\"4\"],[\"test\",\"5\"]]");
        assertThat(result.get("code").asText()).isEqualTo("090001");
        assertThat(result.get("sqlState").asText()).isEqualTo("00000");
        assertThat(result.get("message").asText()).isEqualTo("Statement executed successfully.");
        String handle = result.get("statementHandle").asText();
        assertThat(handle).matches(UUID_SHAPE);
        assertThat(result.get("statementStatusUrl").asText()).startsWith("/api/v2/statements/" + handle + "?requestId=");
        assertThat(result.get("createdOn").asLong()).isGreaterThan(1_600_000_000_000L);
        Map<String, String> links = links(response);
        assertThat(links).containsOnlyKeys("first", "last");
        assertThat(links.get("first")).startsWith("/api/v2/statements/" + handle + "?requestId=").endsWith("&partition=0");
        // The same result again by GET.
        JsonNode again = ok(get("/api/v2/statements/" + handle));
        assertThat(again.get("data")).isEqualTo(result.get("data"));
    }

    @Test
    void demoDataAndEveryResultType() {
        JsonNode wiki = ok(post("/api/v2/statements", statement(
                "SELECT \"user\", channel, added FROM wikipedia WHERE \"user\" = 'BlueMoon2662' LIMIT 1")));
        assertThat(cells(row(wiki, 0)).getFirst()).isEqualTo("BlueMoon2662");
        JsonNode result = ok(post("/api/v2/statements", statement("SELECT 1.0::DECIMAL(10,1) AS d, 1.5::DOUBLE AS r, "
                + "true AS b, DATE '2019-03-27' AS dt, TIME '23:01:59' AS t, TIMESTAMP '2021-03-19 17:06:59' AS ts, "
                + "TIMESTAMPTZ '2021-03-19 17:06:59+00' AS tz, '\\x48\\x65\\x6C\\x6C\\x6F'::BLOB AS bin, "
                + "'{\"foo\":\"XXXX\",\"bar\":42}'::JSON AS v, [1, 2] AS a, {'k': 'x'} AS o, 12345678901234567890::HUGEINT AS big")));
        assertThat(cells(row(result, 0))).containsExactly("1.0", "1.5", "true", "17982", "82919.000000000",
                "1616173619.000000000", "1616173619.000000000 1440", "48656C6C6F",
                "{\n  \"foo\": \"XXXX\",\n  \"bar\": 42\n}", "[\n  1,\n  2\n]", "{\n  \"k\": \"x\"\n}",
                "12345678901234567890");
        List<String> types = new ArrayList<>();
        result.get("resultSetMetaData").get("rowType").forEach(type -> types.add(type.get("type").asText()));
        assertThat(types).containsExactly("fixed", "real", "boolean", "date", "time", "timestamp_ntz", "timestamp_tz",
                "binary", "variant", "array", "object", "fixed");
        JsonNode decimal = result.get("resultSetMetaData").get("rowType").get(0);
        assertThat(decimal.get("precision").asInt()).isEqualTo(10);
        assertThat(decimal.get("scale").asInt()).isEqualTo(1);
    }

    @Test
    void nullIsJsonNullOrTheStringNullWithNullableFalse() {
        String sql = statement("SELECT NULL::INTEGER AS n, 'a' AS s");
        assertThat(cells(row(ok(post("/api/v2/statements", sql)), 0))).containsExactly(null, "a");
        JsonNode notNullable = ok(post("/api/v2/statements?nullable=false", sql));
        assertThat(row(notNullable, 0).get(0).isTextual()).isTrue();
        assertThat(cells(row(notNullable, 0))).containsExactly("null", "a");
        // The POST's choice holds for the statement's later GETs.
        JsonNode again = ok(get("/api/v2/statements/" + notNullable.get("statementHandle").asText()));
        assertThat(cells(row(again, 0))).containsExactly("null", "a");
    }

    // ---- partitions -----------------------------------------------------------------------------------

    @Test
    void largeResultsComeInPartitionsWalkedThroughTheLinkHeader() throws IOException {
        HttpResponse<String> first = post("/api/v2/statements", statement("SELECT * FROM wikipedia"));
        JsonNode result = ok(first);
        long numRows = result.get("resultSetMetaData").get("numRows").asLong();
        JsonNode partitions = result.get("resultSetMetaData").get("partitionInfo");
        assertThat(numRows).isGreaterThan(20_000);
        assertThat(partitions.size()).isGreaterThanOrEqualTo(3);
        assertThat(result.get("data").size()).isEqualTo(partitions.get(0).get("rowCount").asInt()).isEqualTo(10_000);
        String handle = result.get("statementHandle").asText();
        Map<String, String> links = links(first);
        assertThat(links).containsKeys("first", "next", "last").doesNotContainKey("prev");
        assertThat(links.get("next")).endsWith("&partition=1");
        assertThat(links.get("last")).endsWith("&partition=" + (partitions.size() - 1));

        long rows = result.get("data").size();
        int visited = 1;
        String next = links.get("next");
        while (next != null) {
            HttpResponse<String> page = get(next);
            JsonNode body = ok(page);
            assertThat(body.get("statementHandle").asText()).isEqualTo(handle);
            assertThat(body.get("data").size()).isEqualTo(partitions.get(visited).get("rowCount").asInt());
            rows += body.get("data").size();
            Map<String, String> pageLinks = links(page);
            assertThat(pageLinks.get("prev")).endsWith("&partition=" + (visited - 1));
            next = pageLinks.get("next");
            visited++;
        }
        assertThat(visited).isEqualTo(partitions.size());
        assertThat(rows).isEqualTo(numRows);

        // A client that accepts gzip gets later partitions compressed, as Snowflake sends them.
        HttpResponse<byte[]> gzipped = sluice.client.sendAsync(request("/api/v2/statements/" + handle + "?partition=1",
                SluiceTestServer.ADMIN_KEY).header("Accept-Encoding", "gzip").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).join();
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            SqlApiContract.check(SqlApiContract.Operation.STATUS, gzipped.statusCode(), text);
            JsonNode body = SluiceTestServer.JSON.readTree(text);
            assertThat(body.get("data").size()).isEqualTo(partitions.get(1).get("rowCount").asInt());
        }

        HttpResponse<String> outOfRange = get("/api/v2/statements/" + handle + "?partition=" + partitions.size());
        assertFailure(outOfRange, 400, "390142", null);
        assertFailure(get("/api/v2/statements/" + handle + "?partition=abc"), 400, "390142", null);
    }

    // ---- async, polling, cancel, timeout ---------------------------------------------------------------

    @Test
    void asyncAnswers202AndPollingReturnsTheResult() throws InterruptedException {
        HttpResponse<String> accepted = post("/api/v2/statements?async=true", statement("SELECT 42 AS answer"));
        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode status = json(accepted);
        assertThat(status.get("code").asText()).isEqualTo("333334");
        assertThat(status.get("message").asText()).startsWith("Asynchronous execution in progress.");
        String handle = status.get("statementHandle").asText();
        assertThat(status.get("statementStatusUrl").asText()).isEqualTo("/api/v2/statements/" + handle);
        JsonNode result = awaitDone(handle);
        assertThat(cells(row(result, 0))).containsExactly("42");
    }

    @Test
    void runningStatementsPollAs202AndCancelAnswersCancelStatus() {
        HttpResponse<String> accepted = post("/api/v2/statements?async=true", statement(SLOW_SQL));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String handle = json(accepted).get("statementHandle").asText();
        HttpResponse<String> running = get("/api/v2/statements/" + handle);
        assertThat(running.statusCode()).isEqualTo(202);
        assertThat(json(running).get("code").asText()).isEqualTo("333334");

        HttpResponse<String> cancelled = post("/api/v2/statements/" + handle + "/cancel", "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        JsonNode cancelStatus = json(cancelled);
        assertThat(cancelStatus.get("code").asText()).isEqualTo("000604");
        assertThat(cancelStatus.get("sqlState").asText()).isEqualTo("57014");
        assertThat(cancelStatus.get("message").asText()).isEqualTo("SQL execution canceled");
        assertThat(cancelStatus.get("statementHandle").asText()).isEqualTo(handle);
        assertThat(cancelStatus.get("statementStatusUrl").asText()).isEqualTo("/api/v2/statements/" + handle);

        assertFailure(get("/api/v2/statements/" + handle), 422, "000604", "57014");
        // Cancelling again is idempotent: the same CancelStatus, not "not found".
        HttpResponse<String> again = post("/api/v2/statements/" + handle + "/cancel", "");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).get("code").asText()).isEqualTo("000604");
        assertThat(json(again).get("statementHandle").asText()).isEqualTo(handle);
        // A statement that finished without a cancel is no longer running: not found, as before.
        String finished = ok(post("/api/v2/statements", statement("SELECT 1"))).get("statementHandle").asText();
        HttpResponse<String> late = post("/api/v2/statements/" + finished + "/cancel", "");
        assertFailure(late, 422, "000709", "02000");
        assertThat(json(late).get("message").asText()).isEqualTo("Statement " + finished + " not found");
    }

    @Test
    void aStatementPastItsTimeoutIsCancelledAndAnswered408() {
        HttpResponse<String> response = post("/api/v2/statements", statement(SLOW_SQL, "timeout", 1));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(408);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).isEqualTo("000630");
        assertThat(body.get("sqlState").asText()).isEqualTo("57014");
        assertThat(body.get("statementHandle").asText()).matches(UUID_SHAPE);
    }

    @Test
    void unknownHandlesAre422NotFound() {
        String handle = UUID.randomUUID().toString();
        assertFailure(get("/api/v2/statements/" + handle), 422, "000709", "02000");
        assertFailure(post("/api/v2/statements/" + handle + "/cancel", ""), 422, "000709", "02000");
        // A path without a UUID-shaped handle names no statement: a malformed request (the OpenAPI description
        // requires a QueryFailureStatus to carry a UUID handle).
        assertFailure(get("/api/v2/statements/not-a-handle"), 400, "390142", null);
        assertFailure(post("/api/v2/statements/not-a-handle/cancel", ""), 400, "390142", null);
        // Another principal's statement does not exist for you.
        String mine = ok(post("/api/v2/statements", statement("SELECT 1"))).get("statementHandle").asText();
        assertFailure(get("/api/v2/statements/" + mine, sluice.otherUserKey), 422, "000709", "02000");
    }

    // ---- bindings -------------------------------------------------------------------------------------

    @Test
    void everyBindingTypeIsBoundByTheEngine() {
        Map<String, Object> bindings = new java.util.LinkedHashMap<>();
        String[][] binds = {{"FIXED", "123"}, {"FIXED", "1.25"}, {"REAL", "1.5"}, {"TEXT", "it's; -- not SQL"},
            {"BOOLEAN", "true"}, {"DATE", "1616173619000"}, {"TIME", "82919000000000"},
            {"TIMESTAMP_NTZ", "1616173619000000000"}, {"TIMESTAMP_LTZ", "1616173619000000000"},
            {"TIMESTAMP_TZ", "1616173619000000000 960"}, {"BINARY", "48656C6C6F"}};
        for (int i = 0; i < binds.length; i++) {
            bindings.put(Integer.toString(i + 1), Map.of("type", binds[i][0], "value", binds[i][1]));
        }
        JsonNode result = ok(post("/api/v2/statements", statement(
                "SELECT ? AS f, ? AS d, ? AS r, ? AS t, ? AS b, ? AS dt, ? AS tm, ? AS ntz, ? AS ltz, ? AS tz, ? AS bin",
                "bindings", bindings)));
        assertThat(cells(row(result, 0))).containsExactly("123", "1.25", "1.5", "it's; -- not SQL", "true", "18705",
                "82919.000000000", "1616173619.000000000", "1616173619.000000000 1440", "1616173619.000000000 1440",
                "48656C6C6F");
    }

    @Test
    void numberedBindsAndDemoFilters() {
        JsonNode result = ok(post("/api/v2/statements", statement(
                "SELECT count(*) AS edits, :2 AS label, ':1' AS literal FROM wikipedia WHERE \"user\" = :1 AND added >= :3::INTEGER",
                "bindings", Map.of("1", Map.of("type", "TEXT", "value", "BlueMoon2662"),
                        "2", Map.of("type", "TEXT", "value", "x"), "3", Map.of("type", "FIXED", "value", "0")))));
        List<String> cells = cells(row(result, 0));
        assertThat(Long.parseLong(cells.get(0))).isPositive();
        assertThat(cells.subList(1, 3)).containsExactly("x", ":1");
    }

    @Test
    void badBindingsGetSnowflakeErrors() {
        assertFailure(post("/api/v2/statements", statement("SELECT ?", "bindings",
                Map.of("1", Map.of("type", "FIXED", "value", "abc")))), 422, "100037", "22018");
        assertThat(json(post("/api/v2/statements", statement("SELECT ?", "bindings",
                Map.of("1", Map.of("type", "FIXED", "value", "abc"))))).get("message").asText())
                .isEqualTo("FIXED value 'abc' is not recognized");
        assertFailure(post("/api/v2/statements", statement("SELECT ?", "bindings",
                Map.of("1", Map.of("type", "GEOGRAPHY", "value", "x")))), 422, "002016", null);
        assertFailure(post("/api/v2/statements", statement("SELECT ?, ?", "bindings",
                Map.of("2", Map.of("type", "TEXT", "value", "x")))), 422, "002049", "42601");
        assertFailure(post("/api/v2/statements", statement("SELECT ?, ?", "bindings",
                Map.of("1", Map.of("type", "TEXT", "value", "x")))), 422, "002049", "42601");
        assertThat(ok(post("/api/v2/statements", statement("SELECT 1"))).get("code").asText()).isEqualTo("090001");
    }

    // ---- multi-statement ------------------------------------------------------------------------------

    @Test
    void multiStatementRequestsListEachStatementsHandle() {
        JsonNode result = ok(post("/api/v2/statements", statement(
                "CREATE TABLE sf_multi AS SELECT 1 AS x; INSERT INTO sf_multi VALUES (2); SELECT x FROM sf_multi ORDER BY x;",
                "parameters", Map.of("MULTI_STATEMENT_COUNT", "3"))));
        assertThat(cells(row(result, 0))).containsExactly("Multiple statements executed successfully.");
        assertThat(result.get("resultSetMetaData").get("rowType").get(0).get("name").asText())
                .isEqualTo("multiple statement execution");
        JsonNode handles = result.get("statementHandles");
        assertThat(handles).hasSize(3);
        assertThat(cells(row(ok(get("/api/v2/statements/" + handles.get(0).asText())), 0)))
                .containsExactly("Statement executed successfully.");
        JsonNode insert = ok(get("/api/v2/statements/" + handles.get(1).asText()));
        assertThat(cells(row(insert, 0))).containsExactly("1");
        assertThat(insert.get("resultSetMetaData").get("rowType").get(0).get("name").asText())
                .isEqualTo("number of rows inserted");
        assertThat(insert.get("stats").get("numRowsInserted").asLong()).isEqualTo(1);
        JsonNode select = ok(get("/api/v2/statements/" + handles.get(2).asText()));
        assertThat(select.get("data").toString()).isEqualTo("[[\"1\"],[\"2\"]]");
        // The parent handle answers the same again.
        assertThat(ok(get("/api/v2/statements/" + result.get("statementHandle").asText())).get("statementHandles"))
                .isEqualTo(handles);
    }

    @Test
    void multiStatementCountMustMatchAndTheFirstFailureStopsTheRest() {
        HttpResponse<String> mismatch = post("/api/v2/statements", statement("SELECT 1; SELECT 2"));
        assertFailure(mismatch, 422, "000008", "0A000");
        assertThat(json(mismatch).get("message").asText())
                .isEqualTo("Actual statement count 2 did not match the desired statement count 1.");
        assertFailure(post("/api/v2/statements", statement("SELECT 1; SELECT 2",
                "parameters", Map.of("multi_statement_count", 3))), 422, "000008", "0A000");

        HttpResponse<String> failed = post("/api/v2/statements", statement(
                "CREATE TABLE sf_stop (x INTEGER); SELECT * FROM sf_no_such_table; INSERT INTO sf_stop VALUES (1)",
                "parameters", Map.of("MULTI_STATEMENT_COUNT", "0")));
        assertFailure(failed, 422, "100132", "P0000");
        assertThat(json(failed).get("message").asText()).contains("sf_no_such_table");
        assertThat(cells(row(ok(post("/api/v2/statements", statement("SELECT count(*) FROM sf_stop"))), 0)))
                .containsExactly("0");
    }

    @Test
    void asyncMultiStatementIsPolledThroughItsParentHandle() throws InterruptedException {
        HttpResponse<String> accepted = post("/api/v2/statements?async=true", statement("SELECT 1; SELECT 2",
                "parameters", Map.of("MULTI_STATEMENT_COUNT", "2")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode result = awaitDone(json(accepted).get("statementHandle").asText());
        assertThat(result.get("statementHandles")).hasSize(2);
    }

    @Test
    void cancellingAMultiStatementRunTwiceAnswersTheSameBothTimes() {
        HttpResponse<String> accepted = post("/api/v2/statements?async=true", statement("SELECT 1; " + SLOW_SQL,
                "parameters", Map.of("MULTI_STATEMENT_COUNT", "2")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String handle = json(accepted).get("statementHandle").asText();
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> cancelled = post("/api/v2/statements/" + handle + "/cancel", "");
            assertThat(cancelled.statusCode()).as("cancel %d: %s", attempt + 1, cancelled.body()).isEqualTo(200);
            assertThat(json(cancelled).get("code").asText()).isEqualTo("000604");
        }
        assertThat(get("/api/v2/statements/" + handle).statusCode()).isEqualTo(422);
    }

    // ---- requestId, session parameters ------------------------------------------------------------------

    @Test
    void theSameRequestIdReturnsTheExistingStatement() {
        ok(post("/api/v2/statements", statement("CREATE TABLE sf_once (x INTEGER)")));
        String requestId = UUID.randomUUID().toString();
        String insert = statement("INSERT INTO sf_once VALUES (1)");
        JsonNode first = ok(post("/api/v2/statements?requestId=" + requestId, insert));
        JsonNode retry = ok(post("/api/v2/statements?requestId=" + requestId + "&retry=true", insert));
        assertThat(retry.get("statementHandle")).isEqualTo(first.get("statementHandle"));
        assertThat(cells(row(ok(post("/api/v2/statements", statement("SELECT count(*) FROM sf_once"))), 0)))
                .containsExactly("1");
        // A multi-statement request is idempotent too.
        String multiId = UUID.randomUUID().toString();
        String multi = statement("INSERT INTO sf_once VALUES (2); SELECT 1", "parameters", Map.of("MULTI_STATEMENT_COUNT", 2));
        JsonNode one = ok(post("/api/v2/statements?requestId=" + multiId, multi));
        JsonNode two = ok(post("/api/v2/statements?requestId=" + multiId + "&retry=true", multi));
        assertThat(two.get("statementHandle")).isEqualTo(one.get("statementHandle"));
        assertThat(cells(row(ok(post("/api/v2/statements", statement("SELECT count(*) FROM sf_once"))), 0)))
                .containsExactly("2");
    }

    @Test
    void sessionParametersShapeTheResult() {
        JsonNode formatted = ok(post("/api/v2/statements", statement(
                "SELECT DATE '2019-03-27' AS d, TIMESTAMP '2021-03-19 17:06:59.123456' AS ntz, "
                        + "TIMESTAMPTZ '2021-03-19 17:06:59+00' AS tz, TIME '23:01:59' AS t, '\\x01\\xFF'::BLOB AS b",
                "parameters", Map.of("DATE_OUTPUT_FORMAT", "MM/DD/YYYY",
                        "timestamp_ntz_output_format", "YYYY-MM-DD HH24:MI:SS.FF3",
                        "TIMESTAMP_TZ_OUTPUT_FORMAT", "YYYY-MM-DD HH24:MI:SS TZHTZM",
                        "TIME_OUTPUT_FORMAT", "HH24:MI", "TIMEZONE", "america/los_angeles",
                        "BINARY_OUTPUT_FORMAT", "BASE64", "QUERY_TAG", "tag-1234"))));
        assertThat(cells(row(formatted, 0))).containsExactly("03/27/2019", "2021-03-19 17:06:59.123",
                "2021-03-19 10:06:59 -0700", "23:01", "Af8=");
        JsonNode zoned = ok(post("/api/v2/statements", statement("SELECT TIMESTAMPTZ '2021-03-19 17:06:59+00' AS tz",
                "parameters", Map.of("timezone", "America/Los_Angeles"))));
        assertThat(cells(row(zoned, 0))).containsExactly("1616173619.000000000 1020");

        JsonNode limited = ok(post("/api/v2/statements", statement("SELECT * FROM range(100)",
                "parameters", Map.of("ROWS_PER_RESULTSET", 5))));
        assertThat(limited.get("resultSetMetaData").get("numRows").asLong()).isEqualTo(5);
        assertThat(limited.get("data")).hasSize(5);
    }

    @Test
    void useCachedResultReusesAFinishedResult() {
        String sql = statement("SELECT count(*) AS n FROM wikipedia WHERE added > 7", "parameters",
                Map.of("USE_CACHED_RESULT", "true"));
        JsonNode first = ok(post("/api/v2/statements", sql));
        JsonNode second = ok(post("/api/v2/statements", sql));
        assertThat(second.get("data")).isEqualTo(first.get("data"));
        String id = "s" + second.get("statementHandle").asText().replace("-", "");
        JsonNode nativeStatus = json(sluice.get("/sluice/v1/statements/" + id));
        assertThat(nativeStatus.toString()).contains("\"reused\":true");
    }

    // ---- request rules and errors ----------------------------------------------------------------------

    @Test
    void identifiersFoldAsSnowflakeFoldsThem() {
        JsonNode result = ok(post("/api/v2/statements", statement("SELECT channel, count(*) AS edits, count(*), \"user\" AS \"Who\", "
                + "sum(added), count(DISTINCT \"user\"), \"user\", Added AS \"addedAsWritten\" "
                + "FROM wikipedia WHERE \"user\" = 'BlueMoon2662' GROUP BY channel, \"user\", added")));
        List<String> names = new ArrayList<>();
        result.get("resultSetMetaData").get("rowType").forEach(type -> names.add(type.get("name").asText()));
        // Unquoted names and expressions upper-cased; quoted identifiers kept as written.
        assertThat(names).containsExactly("CHANNEL", "EDITS", "COUNT(*)", "Who", "SUM(ADDED)", "COUNT(DISTINCT \"user\")",
                "user", "addedAsWritten");
        // Names resolve the way Snowflake clients write them: folded, quoted upper case, fully qualified.
        JsonNode folded = ok(post("/api/v2/statements", statement(
                "SELECT \"EDITS\" FROM (SELECT count(*) AS edits FROM \"WIKIPEDIA\" WHERE \"CHANNEL\" = '#ja.wikipedia')")));
        assertThat(folded.get("resultSetMetaData").get("rowType").get(0).get("name").asText()).isEqualTo("EDITS");
        assertThat(Long.parseLong(cells(row(folded, 0)).getFirst())).isPositive();
        JsonNode qualified = ok(post("/api/v2/statements", statement(
                "SELECT COUNT(*) FROM PUBLIC_DATA.KOREA_TRADE_INSURANCE.EXCHANGE_RATE")));
        assertThat(Long.parseLong(cells(row(qualified, 0)).getFirst())).isPositive();
        JsonNode session = ok(post("/api/v2/statements", statement("SELECT COUNT(*) AS n FROM EXCHANGE_RATE",
                "database", "PUBLIC_DATA", "schema", "KOREA_TRADE_INSURANCE")));
        assertThat(cells(row(session, 0))).isEqualTo(cells(row(qualified, 0)));
    }

    @Test
    void integersAreNumber38AndTimestampsCarryTheirScale() {
        JsonNode result = ok(post("/api/v2/statements", statement("SELECT 1::TINYINT AS t, 1::SMALLINT AS s, 1::INTEGER AS i, "
                + "9223372036854775807::BIGINT AS b, 1::HUGEINT AS h, 1.25::DECIMAL(9,2) AS d, "
                + "TIMESTAMP '2021-03-19 17:06:59.123456' AS ntz, TIMESTAMP_MS '2021-03-19 17:06:59.123' AS ntz3, "
                + "TIMESTAMPTZ '2021-03-19 17:06:59.5+00' AS tz")));
        JsonNode rowType = result.get("resultSetMetaData").get("rowType");
        for (int column = 0; column < 5; column++) {
            assertThat(rowType.get(column).get("type").asText()).isEqualTo("fixed");
            assertThat(rowType.get(column).get("precision").asInt()).as(rowType.get(column).toString()).isEqualTo(38);
            assertThat(rowType.get(column).get("scale").asInt()).isZero();
        }
        assertThat(rowType.get(5).get("precision").asInt()).isEqualTo(9);
        assertThat(rowType.get(5).get("scale").asInt()).isEqualTo(2);
        assertThat(rowType.get(6).get("type").asText()).isEqualTo("timestamp_ntz");
        assertThat(rowType.get(6).get("scale").asInt()).isEqualTo(6);
        assertThat(rowType.get(7).get("scale").asInt()).isEqualTo(3);
        assertThat(rowType.get(8).get("type").asText()).isEqualTo("timestamp_tz");
        assertThat(cells(row(result, 0))).containsExactly("1", "1", "1", "9223372036854775807", "1", "1.25",
                "1616173619.123456000", "1616173619.123000000", "1616173619.500000000 1440");
        // TIMESTAMP_TZ carries the session time zone's offset at that instant (here UTC+09:00 → 1440 + 540).
        JsonNode seoul = ok(post("/api/v2/statements", statement("SELECT TIMESTAMPTZ '2021-03-19 17:06:59+00' AS tz",
                "parameters", Map.of("TIMEZONE", "Asia/Seoul"))));
        assertThat(cells(row(seoul, 0))).containsExactly("1616173619.000000000 1980");
    }

    @Test
    void colonsInObjectConstantsAndPathsAreNotBinds() {
        JsonNode result = ok(post("/api/v2/statements", statement(
                "SELECT {'a':1} AS o, {'b' : 2, 'c':3} AS p, :1 AS bound, [10, 20, 30][2:3] AS slice",
                "bindings", Map.of("1", Map.of("type", "TEXT", "value", "x")))));
        assertThat(cells(row(result, 0))).containsExactly("{\n  \"a\": 1\n}", "{\n  \"b\": 2,\n  \"c\": 3\n}", "x",
                "[\n  20,\n  30\n]");
        // Without bindings a constant object is no placeholder either.
        assertThat(cells(row(ok(post("/api/v2/statements", statement("SELECT {'a':1} AS o"))), 0)))
                .containsExactly("{\n  \"a\": 1\n}");
    }

    @Test
    void compilationErrorsReadAsSnowflakes() {
        HttpResponse<String> table = post("/api/v2/statements", statement("SELECT * FROM no_such_table"));
        assertFailure(table, 422, "002003", "42S02");
        assertThat(json(table).get("message").asText())
                .isEqualTo("SQL compilation error:\nObject 'NO_SUCH_TABLE' does not exist or not authorized.");
        HttpResponse<String> column = post("/api/v2/statements", statement("SELECT nope FROM wikipedia"));
        assertFailure(column, 422, "000904", "42000");
        assertThat(json(column).get("message").asText())
                .matches("SQL compilation error: error line 1 at position \\d+\ninvalid identifier 'NOPE'");
        HttpResponse<String> noFrom = post("/api/v2/statements", statement("SELECT nope"));
        assertFailure(noFrom, 422, "000904", "42000");
        assertThat(json(noFrom).get("message").asText()).endsWith("\ninvalid identifier 'NOPE'");
        HttpResponse<String> syntax = post("/api/v2/statements", statement("SELEC 1"));
        assertFailure(syntax, 422, "001003", "42000");
        assertThat(json(syntax).get("message").asText())
                .isEqualTo("SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.");
        HttpResponse<String> function = post("/api/v2/statements", statement("SELECT no_such_function(1)"));
        assertFailure(function, 422, "002140", "42601");
        assertThat(json(function).get("message").asText()).startsWith("SQL compilation error:")
                .endsWith("\nUnknown function NO_SUCH_FUNCTION");
        HttpResponse<String> types = post("/api/v2/statements", statement("SELECT 1 + true"));
        assertFailure(types, 422, "001044", "42P13");
        assertThat(json(types).get("message").asText()).startsWith("SQL compilation error:");
        // The engine's hints name its internals ("Did you mean pg_tables"); none reaches the client.
        for (HttpResponse<String> response : List.of(table, column, syntax, function, types,
                post("/api/v2/statements", statement("SELECT * FROM pg_tablez")),
                post("/api/v2/statements", statement("SELECT chanel FROM wikipedia")))) {
            assertThat(response.body()).doesNotContain("Did you mean").doesNotContain("Candidate")
                    .doesNotContain("Binder Error").doesNotContain("Catalog Error").doesNotContain("Parser Error")
                    .doesNotContain("pg_");
        }
    }

    @Test
    void sqlErrorsAreQueryFailureStatuses() {
        HttpResponse<String> syntax = post("/api/v2/statements", statement("SELEC 1"));
        assertFailure(syntax, 422, "001003", "42000");
        assertThat(json(syntax).get("message").asText()).startsWith("SQL compilation error:\n");
        assertThat(json(syntax).get("statementHandle").asText()).matches(UUID_SHAPE);
        assertFailure(post("/api/v2/statements", statement("SELECT * FROM no_such_table")), 422, "002003", "42S02");
        HttpResponse<String> empty = post("/api/v2/statements", statement("  "));
        assertFailure(empty, 422, "000900", "42000");
        // Refused before it ran, it still has a handle of its own, as every Snowflake statement has.
        assertThat(json(empty).get("statementHandle").asText()).matches(UUID_SHAPE);
    }

    @Test
    void requestRulesFollowResponseCodesForAllOperations() {
        assertFailure(post("/api/v2/statements", "{not json"), 400, "390142", null);
        assertThat(json(post("/api/v2/statements", "{not json")).get("message").asText())
                .startsWith("Incoming request does not contain a valid payload.");
        assertFailure(post("/api/v2/statements", "{\"timeout\": 10}"), 400, "390142", null);
        assertFailure(post("/api/v2/statements", statement("SELECT 1", "timeout", "soon")), 400, "390142", null);
        assertFailure(post("/api/v2/statements", "[1]"), 400, "390142", null);
        assertFailure(post("/api/v2/statements?async=maybe", statement("SELECT 1")), 400, "390142", null);

        HttpResponse<String> xml = send(request("/api/v2/statements", SluiceTestServer.ADMIN_KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(statement("SELECT 1"))).build());
        assertThat(xml.statusCode()).isEqualTo(415);
        HttpResponse<String> noType = send(request("/api/v2/statements", SluiceTestServer.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(statement("SELECT 1"))).build());
        assertThat(noType.statusCode()).isEqualTo(200);

        HttpResponse<String> wrongMethod = get("/api/v2/statements");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).isEmpty();
        assertThat(send(request("/api/v2/statements/x", SluiceTestServer.ADMIN_KEY).DELETE().build()).statusCode())
                .isEqualTo(405);
        assertThat(get("/api/v2/hello").statusCode()).isEqualTo(404);

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(statement("SELECT 1"))).build());
        assertFailure(anonymous, 401, "390303", null);
        assertFailure(post("/api/v2/statements", statement("SELECT 1"), "testadmin.wrongwrongwrongwrongwrong"), 401, "390303", null);
        HttpResponse<String> oauth = send(request("/api/v2/statements", sluice.otherUserKey)
                .header("X-Snowflake-Authorization-Token-Type", "OAUTH").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(statement("SELECT 1"))).build());
        assertThat(oauth.statusCode()).isEqualTo(200);
        // After all of that the server still serves.
        assertThat(ok(post("/api/v2/statements", statement("SELECT 2"))).get("data").toString()).isEqualTo("[[\"2\"]]");
    }
}
