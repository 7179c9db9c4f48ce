package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor protocols through two Sluice nodes sharing one PostgreSQL database and one S3 bucket: what a
 * client started through node A it finds, pages, lists and cancels through node B with that vendor's own
 * handles (a Druid sqlQueryId, an NCP execution id and its projectId, a Snowflake statement handle and its
 * session parameters), and another principal finds nothing on B.
 */
class ClusterProtocolsTest {

    /** Runs until cancelled: each of the 2 cores would need minutes for it. */
    private static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static SluiceTestServer a;
    static SluiceTestServer b;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start("cluster_protocols", directory, config -> config.withSpoolPageRows(1000));
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---- Druid -------------------------------------------------------------------------------------------

    @Test
    void aDruidQueryRunningOnOneNodeIsCancelledByItsSqlQueryIdThroughTheOther() throws Exception {
        String sqlQueryId = "cluster-slow-" + System.nanoTime();
        String sql = "SELECT count(*) AS streamed_slowly FROM range(100000000000) a";
        CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> a.post("/druid/v2/sql",
                "{\"query\": \"" + sql + "\", \"context\": {\"sqlQueryId\": \"" + sqlQueryId + "\", \"timeout\": 120000}}"));
        // B knows the query runs (on A). Another principal may not cancel it, and to them it does not exist: 404, as
        // for an unknown id (Druid itself says 403, which lets ids be probed).
        eventually(() -> druidStatement(b, "streamed_slowly"),
                found -> found != null && found.get("state").asText().equals("RUNNING"));
        HttpResponse<String> notTheirs = b.send(HttpRequest.newBuilder(b.uri("/druid/v2/sql/" + sqlQueryId))
                .header("Authorization", "Bearer " + b.otherUserKey).DELETE().build());
        assertThat(notTheirs.statusCode()).as(notTheirs.body()).isEqualTo(404);

        HttpResponse<String> cancel = b.delete("/druid/v2/sql/" + sqlQueryId);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);

        // The query on A ended, cancelled (Druid's answer for a cancelled query), long before its timeout.
        HttpResponse<String> answer = running.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
        assertThat(json(answer).get("error").asText()).isEqualTo("Query cancelled");
        // Both nodes list it as CANCELLED, and nothing runs under the id any more.
        for (SluiceTestServer node : List.of(a, b)) {
            JsonNode statement = eventually(() -> druidStatement(node, "streamed_slowly"),
                    found -> found != null && found.get("state").asText().equals("CANCELLED"));
            assertThat(statement.get("state").asText()).isEqualTo("CANCELLED");
        }
        assertThat(b.delete("/druid/v2/sql/" + sqlQueryId).statusCode()).isEqualTo(404);
        assertThat(a.delete("/druid/v2/sql/" + sqlQueryId).statusCode()).isEqualTo(404);
    }

    @Test
    void aDruidAsyncStatementSubmittedOnOneNodeIsPagedTheWayItAskedOnTheOther() {
        HttpResponse<String> submitted = a.post("/druid/v2/sql/statements", """
                {"query": "SELECT range AS n, 'v' || range AS label FROM range(2500)", "resultFormat": "arrayLines",
                 "context": {"executionMode": "ASYNC", "selectDestination": "durableStorage"}}""");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        String queryId = json(submitted).get("queryId").asText();

        JsonNode status = json(eventually(() -> b.get("/druid/v2/sql/statements/" + queryId),
                response -> json(response).get("state").asText().equals("SUCCESS")));
        // durableStorage, as asked on A: the spool's three pages are Druid's pages (taskReport would be one).
        assertThat(status.get("result").get("numTotalRows").asLong()).isEqualTo(2500);
        assertThat(status.get("result").get("pages")).hasSize(3);
        // arrayLines, as asked on A, without naming it again on B.
        HttpResponse<String> page = b.get("/druid/v2/sql/statements/" + queryId + "/results?page=2");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> lines = page.body().lines().filter(line -> !line.isEmpty()).toList();
        assertThat(lines).hasSize(500);
        assertThat(lines.getFirst()).isEqualTo("[2000,\"v2000\"]");
        assertThat(b.get("/druid/v2/sql/statements/" + queryId, b.otherUserKey).statusCode()).isEqualTo(404);
        assertThat(b.get("/druid/v2/sql/statements/" + queryId + "/results?page=0", b.otherUserKey).statusCode())
                .isEqualTo(404);

        HttpResponse<String> slow = a.post("/druid/v2/sql/statements",
                "{\"query\": \"" + SLOW_SQL + "\", \"context\": {\"executionMode\": \"ASYNC\"}}");
        String slowId = json(slow).get("queryId").asText();
        assertThat(b.send(HttpRequest.newBuilder(b.uri("/druid/v2/sql/statements/" + slowId))
                .header("Authorization", "Bearer " + b.otherUserKey).DELETE().build()).statusCode()).isEqualTo(404);
        assertThat(b.delete("/druid/v2/sql/statements/" + slowId).statusCode()).isEqualTo(202);
        JsonNode cancelled = json(eventually(() -> a.get("/druid/v2/sql/statements/" + slowId),
                response -> json(response).get("state").asText().equals("FAILED")));
        assertThat(cancelled.get("errorDetails").toString()).contains("cancel");
    }

    // ---- NCP Data Query -----------------------------------------------------------------------------------

    @Test
    void anNcpQuerySubmittedOnOneNodeIsListedWithItsProjectAndPagedOnTheOther() {
        HttpResponse<String> submitted = a.post("/api/v2/queries/async", body(
                "query", "SELECT range AS n FROM range(2500)", "projectId", 4242));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        String id = json(submitted).get("id").asText();

        JsonNode finished = json(eventually(() -> b.get("/api/v2/queries/" + id + "?offset=1200&pageSize=300"),
                response -> response.statusCode() == 200 && json(response).get("data").size() > 0));
        assertThat(finished.get("data")).hasSize(300);
        assertThat(finished.get("data").get(0).get(0).asLong()).isEqualTo(1200);
        assertThat(finished.get("offset").asLong()).isEqualTo(1500);
        assertThat(finished.get("isFinished").asBoolean()).isFalse();

        // B's history lists the query A ran, with the project it was submitted for.
        JsonNode entry = historyEntry(b, id);
        assertThat(entry).as("history on b").isNotNull();
        assertThat(entry.get("projectId").asLong()).isEqualTo(4242);
        assertThat(entry.get("status").asText()).isEqualTo("FINISHED");
        assertThat(entry.get("query").asText()).isEqualTo("SELECT range AS n FROM range(2500)");
        assertThat(historyEntry(a, id).get("projectId").asLong()).isEqualTo(4242);

        // Another principal: not found on B, and absent from its history.
        HttpResponse<String> foreign = b.get("/api/v2/queries/" + id, b.otherUserKey);
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(404);
        assertThat(b.get("/api/v2/queries?pageSize=500", b.otherUserKey).body()).doesNotContain(id);
    }

    @Test
    void anNcpQueryRunningOnOneNodeIsCancelledThroughTheOther() {
        String id = json(a.post("/api/v2/queries/async", body("query", SLOW_SQL, "projectId", 7))).get("id").asText();
        assertThat(b.send(HttpRequest.newBuilder(b.uri("/api/v2/queries/" + id))
                .header("Authorization", "Bearer " + b.otherUserKey).DELETE().build()).statusCode()).isEqualTo(404);

        HttpResponse<String> cancelled = b.send(HttpRequest.newBuilder(b.uri("/api/v2/queries/" + id))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).DELETE().build());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).get("isFinished").asBoolean()).isTrue();
        // A, which ran it, stopped it; both histories say CANCELED, with the project.
        assertThat(json(a.get("/sluice/v1/statements/" + id)).get("state").asText()).isEqualTo("CANCELLED");
        for (SluiceTestServer node : List.of(a, b)) {
            JsonNode entry = historyEntry(node, id);
            assertThat(entry.get("status").asText()).isEqualTo("CANCELED");
            assertThat(entry.get("projectId").asLong()).isEqualTo(7);
        }
    }

    // ---- Snowflake -----------------------------------------------------------------------------------------

    @Test
    void aSnowflakeAsyncStatementIsPolledFetchedByPartitionAndCancelledOnTheOtherNode() {
        String statement = body("statement", "SELECT range AS n, DATE '2019-03-27' + CAST(range % 3 AS INTEGER) AS d"
                        + " FROM range(25000) ORDER BY n",
                "parameters", Map.of("DATE_OUTPUT_FORMAT", "DD.MM.YYYY", "QUERY_TAG", "cluster"));
        HttpResponse<String> accepted = a.post("/api/v2/statements?async=true", statement);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String handle = json(accepted).get("statementHandle").asText();

        HttpResponse<String> done = eventually(() -> b.get("/api/v2/statements/" + handle),
                response -> response.statusCode() != 202);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode result = json(done);
        assertThat(result.get("resultSetMetaData").get("numRows").asLong()).isEqualTo(25_000);
        // Written on B the way the request asked on A: DATE_OUTPUT_FORMAT, not Snowflake's default day count.
        assertThat(result.get("data").get(1).get(1).asText()).isEqualTo("28.03.2019");
        JsonNode partitions = result.get("resultSetMetaData").get("partitionInfo");
        assertThat(partitions.size()).isGreaterThanOrEqualTo(2);
        int last = partitions.size() - 1;
        HttpResponse<String> lastPartition = b.get("/api/v2/statements/" + handle + "?partition=" + last);
        assertThat(lastPartition.statusCode()).as(lastPartition.body()).isEqualTo(200);
        JsonNode rows = json(lastPartition).get("data");
        assertThat(rows.size()).isEqualTo(partitions.get(last).get("rowCount").asInt());
        JsonNode lastRow = rows.get(rows.size() - 1);
        assertThat(lastRow.get(0).asText()).isEqualTo("24999");
        assertThat(lastRow.get(1).asText()).isEqualTo("27.03.2019");

        // Another principal: Snowflake's "not found" on B, as on A.
        HttpResponse<String> foreign = b.get("/api/v2/statements/" + handle, b.otherUserKey);
        assertThat(foreign.statusCode()).isEqualTo(422);
        assertThat(json(foreign).get("code").asText()).isEqualTo("000709");

        // A statement running on A is cancelled through B.
        String slow = json(a.post("/api/v2/statements?async=true", body("statement", SLOW_SQL))).get("statementHandle").asText();
        assertThat(b.post("/api/v2/statements/" + slow + "/cancel", "", b.otherUserKey).statusCode()).isEqualTo(422);
        assertThat(b.get("/api/v2/statements/" + slow).statusCode()).isEqualTo(202);
        HttpResponse<String> cancelled = b.post("/api/v2/statements/" + slow + "/cancel", "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).get("code").asText()).isEqualTo("000604");
        for (SluiceTestServer node : List.of(a, b)) {
            HttpResponse<String> status = node.get("/api/v2/statements/" + slow);
            assertThat(status.statusCode()).as(status.body()).isEqualTo(422);
            assertThat(json(status).get("code").asText()).isEqualTo("000604");
        }
    }

    @Test
    void aSnowflakeMultiStatementRequestRunningOnOneNodeIsFollowedAndCancelledThroughTheOther() {
        // Finishes: B answers for the parent handle with every statement's handle, and serves their results.
        HttpResponse<String> accepted = a.post("/api/v2/statements?async=true", body("statement",
                "SELECT 'first' AS x; SELECT 'second' AS y", "parameters", Map.of("MULTI_STATEMENT_COUNT", 2)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String parent = json(accepted).get("statementHandle").asText();
        HttpResponse<String> done = eventually(() -> b.get("/api/v2/statements/" + parent),
                response -> response.statusCode() != 202);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(json(done).get("statementHandle").asText()).isEqualTo(parent);
        JsonNode children = json(done).get("statementHandles");
        assertThat(children).hasSize(2);
        assertThat(json(b.get("/api/v2/statements/" + children.get(1).asText())).get("data").get(0).get(0).asText())
                .isEqualTo("second");
        assertThat(b.get("/api/v2/statements/" + parent, b.otherUserKey).statusCode()).isEqualTo(422);

        // A retry with the same requestId through B answers for the run A took, and runs nothing again.
        String requestId = java.util.UUID.randomUUID().toString();
        String marker = "once_" + System.nanoTime();
        String request = body("statement", "SELECT 1 AS " + marker + "; SELECT 2 AS second_" + marker,
                "parameters", Map.of("MULTI_STATEMENT_COUNT", 2));
        JsonNode original = json(a.post("/api/v2/statements?requestId=" + requestId, request));
        JsonNode retried = json(b.post("/api/v2/statements?requestId=" + requestId + "&retry=true", request));
        assertThat(retried.get("statementHandle").asText()).isEqualTo(original.get("statementHandle").asText());
        assertThat(retried.get("statementHandles")).isEqualTo(original.get("statementHandles"));
        long runs = 0;
        for (JsonNode listed : json(b.get("/sluice/v1/statements?limit=1000")).get("statements")) {
            runs += listed.get("sql").asText().contains(" AS " + marker) ? 1 : 0;
        }
        assertThat(runs).isEqualTo(1);

        // Runs: B sees it running, another principal cannot cancel it, its owner can, and both nodes then say so.
        String slow = json(a.post("/api/v2/statements?async=true", body("statement", "SELECT 1 AS quick; " + SLOW_SQL
                + "; SELECT 3 AS never", "parameters", Map.of("MULTI_STATEMENT_COUNT", 3)))).get("statementHandle").asText();
        assertThat(b.get("/api/v2/statements/" + slow).statusCode()).isEqualTo(202);
        assertThat(b.post("/api/v2/statements/" + slow + "/cancel", "", b.otherUserKey).statusCode()).isEqualTo(422);
        HttpResponse<String> cancelled = b.post("/api/v2/statements/" + slow + "/cancel", "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).get("code").asText()).isEqualTo("000604");
        for (SluiceTestServer node : List.of(a, b)) {
            HttpResponse<String> status = eventually(() -> node.get("/api/v2/statements/" + slow),
                    response -> response.statusCode() != 202);
            assertThat(status.statusCode()).as(status.body()).isEqualTo(422);
            assertThat(json(status).get("code").asText()).isEqualTo("000604");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The Druid statement whose SQL contains {@code sqlPart}, found through the native listing of the node (null if none). */
    private static JsonNode druidStatement(SluiceTestServer node, String sqlPart) {
        for (JsonNode statement : json(node.get("/sluice/v1/statements?limit=1000")).get("statements")) {
            if (statement.get("protocol").asText().equals("druid") && statement.get("sql").asText().contains(sqlPart)) {
                return statement;
            }
        }
        return null;
    }

    private static JsonNode historyEntry(SluiceTestServer node, String id) {
        HttpResponse<String> history = node.get("/api/v2/queries?pageSize=500");
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        for (JsonNode entry : json(history).get("queryList")) {
            if (entry.get("id").asText().equals(id)) {
                return entry;
            }
        }
        return null;
    }
}
