package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trino's client protocol over plain HTTP, request by request, as a client library speaks it: the answers' fields,
 * paging by nextUri, a repeated GET, unknown and expired tokens, cancel, the session headers both ways
 * (X-Trino-* and X-Presto-*), bad headers, impersonation, and a client that stops polling.
 */
class TrinoProtocolTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data).withTrinoClientTimeout(Duration.ofSeconds(3)), false);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpRequest.Builder request(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY);
    }

    static HttpResponse<String> post(String sql, String... headers) {
        HttpRequest.Builder builder = request(sluice.uri("/v1/statement").toString())
                .POST(HttpRequest.BodyPublishers.ofString(sql));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return sluice.send(builder.build());
    }

    static HttpResponse<String> get(String uri) {
        return sluice.send(request(uri).GET().build());
    }

    /** Every answer from POST to the last, following nextUri. */
    static List<JsonNode> run(String sql, String... headers) {
        List<JsonNode> answers = new ArrayList<>();
        HttpResponse<String> response = post(sql, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = SluiceTestServer.json(response);
        answers.add(answer);
        while (answer.hasNonNull("nextUri")) {
            response = get(answer.get("nextUri").asText());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            answer = SluiceTestServer.json(response);
            answers.add(answer);
        }
        return answers;
    }

    static List<JsonNode> rows(List<JsonNode> answers) {
        List<JsonNode> rows = new ArrayList<>();
        answers.forEach(answer -> answer.path("data").forEach(rows::add));
        return rows;
    }

    @Test
    void answersCarryTrinosFieldsAndRowsPageThroughNextUri() {
        // Wide rows, so the result needs several answers.
        List<JsonNode> answers = run("SELECT i AS n, repeat('x', 200) AS wide, {'a': i, 'b': 'z'} AS r, "
                + "1.5::DECIMAL(4,2) AS d FROM range(60000) t(i) ORDER BY i");
        JsonNode first = answers.getFirst();
        assertThat(first.path("id").asText()).isNotEmpty();
        assertThat(first.path("infoUri").asText()).startsWith("http://");
        assertThat(first.path("stats").path("state").asText()).isIn("QUEUED", "RUNNING");
        assertThat(first.path("nextUri").asText()).contains("/v1/statement/executing/" + first.path("id").asText());
        JsonNode last = answers.getLast();
        assertThat(last.path("stats").path("state").asText()).isEqualTo("FINISHED");
        assertThat(last.path("stats").path("progressPercentage").asDouble()).isEqualTo(100.0);
        assertThat(last.has("error")).isFalse();
        assertThat(answers.stream().filter(answer -> answer.has("data")).count()).isGreaterThan(1);
        JsonNode columns = last.path("columns");
        assertThat(columns.get(0).path("type").asText()).isEqualTo("bigint");
        assertThat(columns.get(2).path("type").asText()).isEqualTo("row(a bigint, b varchar)");
        assertThat(columns.get(2).path("typeSignature").path("rawType").asText()).isEqualTo("row");
        assertThat(columns.get(2).path("typeSignature").path("arguments").get(0).path("kind").asText()).isEqualTo("NAMED_TYPE");
        assertThat(columns.get(3).path("typeSignature").path("arguments").get(0).path("value").asInt()).isEqualTo(4);
        List<JsonNode> rows = rows(answers);
        assertThat(rows).hasSize(60000);
        for (int i = 0; i < rows.size(); i += 7919) {
            assertThat(rows.get(i).get(0).asLong()).isEqualTo(i);
            assertThat(rows.get(i).get(2).get(0).asLong()).isEqualTo(i); // a row is an array by position
            assertThat(rows.get(i).get(2).get(1).asText()).isEqualTo("z");
            assertThat(rows.get(i).get(3).asText()).isEqualTo("1.50"); // decimals are strings
        }
    }

    @Test
    void anUnknownTokenOrQueryIs404InTrinosShape() {
        JsonNode answer = SluiceTestServer.json(post("SELECT i FROM range(3) t(i)"));
        String next = answer.get("nextUri").asText();
        HttpResponse<String> unknown = get(next.replaceAll("/\\d+$", "/999"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(SluiceTestServer.json(unknown).path("error").path("errorName").asText()).isEqualTo("NOT_FOUND");
        HttpResponse<String> wrongSlug = get(next.replaceAll("/s[0-9a-f]+/", "/sdeadbeef/"));
        assertThat(wrongSlug.statusCode()).isEqualTo(404);
        HttpResponse<String> noQuery = get(sluice.uri("/v1/statement/executing/nope/sxyz/1").toString());
        assertThat(noQuery.statusCode()).isEqualTo(404);
        assertThat(SluiceTestServer.json(noQuery).path("error").path("message").asText()).contains("nope");
        assertThat(rows(List.of(SluiceTestServer.json(get(next))))).isNotNull(); // the real token still works
    }

    private static long tokenOf(String uri) {
        return Long.parseLong(uri.substring(uri.lastIndexOf('/') + 1));
    }

    @Test
    void theLastPageAskedAgainIsTheSameRows() {
        List<JsonNode> answers = run("SELECT i FROM range(5) t(i)");
        String uriOfLast = null;
        HttpResponse<String> response = post("SELECT i * 2 FROM range(4) t(i)");
        JsonNode answer = SluiceTestServer.json(response);
        while (answer.hasNonNull("nextUri")) {
            uriOfLast = answer.get("nextUri").asText();
            answer = SluiceTestServer.json(get(uriOfLast));
        }
        JsonNode repeated = SluiceTestServer.json(get(uriOfLast));
        assertThat(repeated.get("data")).isEqualTo(answer.get("data"));
        assertThat(repeated.has("nextUri")).isFalse();
        assertThat(rows(answers)).hasSize(5);
    }

    @Test
    void deleteOfNextUriCancelsTheStatement() throws Exception {
        JsonNode answer = SluiceTestServer.json(post(
                "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0"));
        String next = answer.get("nextUri").asText();
        answer = SluiceTestServer.json(get(next));
        HttpResponse<String> deleted = sluice.send(request(next.replaceAll("/\\d+$", "/" + (tokenOf(next) + 1)))
                .DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        String id = answer.get("id").asText();
        JsonNode status;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            status = SluiceTestServer.json(sluice.get("/sluice/v1/statements/" + id));
            Thread.sleep(100);
        } while (!status.path("state").asText().equals("CANCELLED") && System.nanoTime() < deadline);
        assertThat(status.path("state").asText()).isEqualTo("CANCELLED");
        JsonNode after = SluiceTestServer.json(get(answer.get("nextUri").asText()));
        assertThat(after.path("error").path("errorName").asText()).isEqualTo("USER_CANCELED");
        assertThat(after.has("nextUri")).isFalse();
    }

    @Test
    void aClientThatStopsPollingHasItsStatementAbandoned() throws Exception {
        JsonNode answer = SluiceTestServer.json(post(
                "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0"));
        String id = answer.get("id").asText();
        Thread.sleep(5_000); // past trino.clientTimeoutSeconds (3 s here)
        HttpResponse<String> late = get(answer.get("nextUri").asText());
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(SluiceTestServer.json(late).path("error").path("errorName").asText()).isEqualTo("ABANDONED_QUERY");
        JsonNode status;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            status = SluiceTestServer.json(sluice.get("/sluice/v1/statements/" + id));
            Thread.sleep(100);
        } while (!status.path("state").asText().equals("CANCELLED") && System.nanoTime() < deadline);
        assertThat(status.path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void sessionStatementsAnswerWithTrinosResponseHeaders() {
        HttpResponse<String> use = post("USE memory.main");
        assertThat(use.headers().firstValue("X-Trino-Set-Catalog")).hasValue("memory");
        assertThat(use.headers().firstValue("X-Trino-Set-Schema")).hasValue("main");
        assertThat(SluiceTestServer.json(use).path("updateType").asText()).isEqualTo("USE");
        HttpResponse<String> presto = post("USE other", "X-Presto-User", "admin", "X-Presto-Catalog", "memory");
        assertThat(presto.headers().firstValue("X-Presto-Set-Schema")).hasValue("other");
        HttpResponse<String> set = post("SET SESSION query_max_run_time = '1h'");
        assertThat(set.headers().firstValue("X-Trino-Set-Session")).hasValue("query_max_run_time=1h");
        assertThat(post("RESET SESSION query_max_run_time").headers().firstValue("X-Trino-Clear-Session"))
                .hasValue("query_max_run_time");
        HttpResponse<String> prepare = post("PREPARE q FROM SELECT ? + 1, ?");
        assertThat(prepare.headers().firstValue("X-Trino-Added-Prepare"))
                .hasValue("q=" + URLEncoder.encode("SELECT ? + 1, ?", StandardCharsets.UTF_8));
        String header = "q=" + URLEncoder.encode("SELECT ? + 1 AS a, ? AS b", StandardCharsets.UTF_8);
        List<JsonNode> rows = rows(run("EXECUTE q USING 41, 'it''s'", "X-Trino-Prepared-Statement", header));
        assertThat(rows.getFirst().get(0).asLong()).isEqualTo(42);
        assertThat(rows.getFirst().get(1).asText()).isEqualTo("it's");
        assertThat(post("DEALLOCATE PREPARE q", "X-Trino-Prepared-Statement", header).headers()
                .firstValue("X-Trino-Deallocated-Prepare")).hasValue("q");
        JsonNode missing = SluiceTestServer.json(post("EXECUTE nothere USING 1"));
        assertThat(missing.path("error").path("message").asText()).contains("nothere");
    }

    @Test
    void malformedHeadersAre400AndAnotherUsersNameIsPermissionDenied() {
        HttpResponse<String> session = post("SELECT 1", "X-Trino-Session", "no_equals_sign");
        assertThat(session.statusCode()).isEqualTo(400);
        assertThat(SluiceTestServer.json(session).path("error").path("message").asText()).contains("X-Trino-Session");
        HttpResponse<String> prepared = post("SELECT 1", "X-Trino-Prepared-Statement", "=SELECT%201");
        assertThat(prepared.statusCode()).isEqualTo(400);
        assertThat(SluiceTestServer.json(prepared).path("error").path("message").asText())
                .contains("X-Trino-Prepared-Statement");
        HttpResponse<String> zone = post("SELECT 1", "X-Trino-Time-Zone", "Mars/Olympus");
        assertThat(zone.statusCode()).isEqualTo(400);
        HttpResponse<String> other = post("SELECT 1", "X-Trino-User", "bob");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(SluiceTestServer.json(other).path("error").path("errorName").asText()).isEqualTo("PERMISSION_DENIED");
        HttpResponse<String> anonymous = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/statement"))
                .header("X-Trino-User", "admin").POST(HttpRequest.BodyPublishers.ofString("SELECT 1")).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(SluiceTestServer.json(anonymous).path("error").path("message").asText()).contains("API key");
    }

    @Test
    void aNonAdminIsRefusedATableItHasNoGrantOnInTrinosShapeExactlyLikeAMissingOne() {
        run("CREATE TABLE secret AS SELECT 1 AS x");
        JsonNode hidden = bobsError("SELECT * FROM secret");
        JsonNode missing = bobsError("SELECT * FROM nosuchtable");
        // Sluice never tells a principal that an object it may not see exists (issue 19): both read alike.
        assertThat(hidden.path("errorName").asText()).isEqualTo("TABLE_NOT_FOUND");
        assertThat(missing.path("errorName").asText()).isEqualTo("TABLE_NOT_FOUND");
        assertThat(hidden.path("message").asText()).isEqualTo("Object 'secret' does not exist or not authorized.");
        assertThat(missing.path("message").asText()).isEqualTo("Object 'nosuchtable' does not exist or not authorized.");
        assertThat(hidden.path("errorType").asText()).isEqualTo("USER_ERROR");
        assertThat(hidden.path("failureInfo").path("stack")).isEmpty();
    }

    private JsonNode bobsError(String sql) {
        HttpResponse<String> response = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/statement"))
                .header("Authorization", "Bearer " + sluice.otherUserKey).header("X-Trino-User", "bob")
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build());
        JsonNode answer = SluiceTestServer.json(response);
        while (answer.hasNonNull("nextUri")) {
            answer = SluiceTestServer.json(sluice.send(HttpRequest.newBuilder(URI.create(answer.get("nextUri").asText()))
                    .header("Authorization", "Bearer " + sluice.otherUserKey).GET().build()));
        }
        return answer.path("error");
    }

    @Test
    void theSpooledEncodingIsAnsweredWithInlineData() {
        List<JsonNode> answers = run("SELECT 7 AS seven", "X-Trino-Query-Data-Encoding", "json+zstd,json");
        assertThat(rows(answers).getFirst().get(0).asInt()).isEqualTo(7);
        assertThat(answers.getLast().path("data").isArray()).isTrue();
    }
}
