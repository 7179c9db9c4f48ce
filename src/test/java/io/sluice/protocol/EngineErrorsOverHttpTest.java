package io.sluice.protocol;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.statement.StatementService;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * DuckDB's own message for runtime errors, and positions in the client's own text, over real HTTP in each protocol's
 * shape: native ({@code position}), Druid ({@code context.line/column}, statements API {@code errorDetails}),
 * Snowflake and Nekt (message).
 */
class EngineErrorsOverHttpTest {

    private static final String CAST = "Conversion Error: Could not convert string 'abc' to INT32";

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

    private static HttpResponse<String> nativeQuery(String sql) {
        return sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", sql));
    }

    private static HttpResponse<String> druid(String path, String sql, String extra) {
        String basic = Base64.getEncoder().encodeToString(("druid_user:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
        String body = "{\"query\": " + SluiceTestServer.JSON.valueToTree(sql) + extra + "}";
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT 'abc'::INTEGER | " + CAST + " | 22018",
        "SELECT error('boom') | Invalid Input Error: boom | 22023",
        "SELECT 2147483647::INTEGER + 1::INTEGER | Out of Range Error: Overflow in addition of INT32 (2147483647 + 1)! | 22003"
    })
    void runtimeErrorsCarryDuckDbsMessageInTheNativeApi(String sql, String message, String sqlState) {
        HttpResponse<String> streamed = nativeQuery(sql);
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(400);
        assertThat(json(streamed).get("message").asText()).isEqualTo(message);
        assertThat(json(streamed).get("sqlState").asText()).isEqualTo(sqlState);
        JsonNode submitted = json(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", sql, "waitMs", 10_000)));
        assertThat(submitted.toString()).contains(SluiceTestServer.JSON.valueToTree(message).toString());
        assertThat(submitted.toString()).doesNotContain("Invalid result set");
    }

    @Test
    void runtimeErrorsCarryDuckDbsMessageInTheVendorProtocols() {
        HttpResponse<String> druid = druid("/druid/v2/sql", "SELECT 'abc'::INTEGER", "");
        assertThat(druid.statusCode()).as(druid.body()).isEqualTo(400);
        assertThat(json(druid).get("errorMessage").asText()).isEqualTo(CAST);
        HttpResponse<String> snowflake = sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"statement\": \"SELECT 'abc'::INTEGER\"}")).build());
        // Snowflake's own wording for this runtime error (its adapter maps DuckDB's conversion error to it), never the lost one.
        assertThat(snowflake.body()).contains("Numeric value 'abc' is not recognized").doesNotContain("Invalid result set");
        HttpResponse<String> nekt = sluice.post("/api/v1/sql-query/", SluiceTestServer.body("sql", "SELECT error('boom')"));
        assertThat(nekt.body()).contains("boom").doesNotContain("Invalid result set");
    }

    @Test
    void anErrorInTheMiddleOfAStreamCutsTheResponseAfterTheRowsBeforeIt() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query?format=ndjson", SluiceTestServer.body("sql",
                "SELECT CASE WHEN i = 500000 THEN error('row ' || i) ELSE i END AS v FROM range(600000) t(i)"));
        // Either the error comes before any row (400 with the message) or the stream is cut with no terminator.
        if (response.statusCode() == 400) {
            assertThat(json(response).get("message").asText()).isEqualTo("Invalid Input Error: row 500000");
        } else {
            assertThat(response.body()).doesNotEndWith("\n");
        }
        JsonNode status = awaitSpooled("SELECT CASE WHEN i = 500000 THEN error('row ' || i) ELSE i END AS v FROM range(600000) t(i)");
        assertThat(status.get("state").asText()).isEqualTo("FAILED");
        assertThat(status.get("error").get("message").asText()).isEqualTo("Invalid Input Error: row 500000");
        assertThat(status.get("error").get("sqlState").asText()).isEqualTo("22023");
    }

    private static JsonNode awaitSpooled(String sql) {
        String id = json(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", sql, "waitMs", 0))).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id));
            String state = status.get("state").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING") || System.nanoTime() > deadline) {
                return status;
            }
            sleep();
        }
    }

    @Test
    void everyFailedStatementIsLoggedWithItsIdAndMessage() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger statements = context.getLogger(StatementService.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        statements.addAppender(captured);
        try {
            JsonNode failed = json(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", "SELECT error('logged')",
                    "waitMs", 10_000)));
            String id = failed.has("id") ? failed.get("id").asText() : failed.get("statementId").asText();
            nativeQuery("SELECT error('streamed and logged')");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && captured.list.stream().noneMatch(e -> e.getFormattedMessage().contains("streamed and logged"))) {
                sleep();
            }
            List<ILoggingEvent> lines = List.copyOf(captured.list);
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.getMDCPropertyMap()).containsEntry(StatementService.STATEMENT_ID, id);
                assertThat(line.getFormattedMessage()).contains("FAILED").contains("Invalid Input Error: logged").contains("22023");
            });
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.getMDCPropertyMap()).containsKey(StatementService.STATEMENT_ID);
                assertThat(line.getFormattedMessage()).contains("Invalid Input Error: streamed and logged");
            });
        } finally {
            statements.detachAppender(captured);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT nope FROM wikipedia | 1 | 8",
        "SELECT channel,\\n       nope\\nFROM wikipedia | 2 | 8",
        "SELECT channel FROM wikipedia\\nWHERE nope = 1 | 2 | 7",
        "SELECT channel FROM\\n  missing_table | 2 | 3",
        "SELECT 1 FORM wikipedia | 1 | 15",
        "SELECT 1,\\n  'abc'::INTEGER | 2 | 8",
        "SELECT channel FROM wikipedia WHERE user = :who AND nope | 1 | 53"
    })
    void positionsPointIntoTheClientsOwnText(String sql, int line, int column) {
        String text = sql.replace("\\n", "\n");
        String request = text.contains(":who")
                ? "{\"sql\": " + SluiceTestServer.JSON.valueToTree(text) + ", \"parameters\": {\"who\": \"x\"}}"
                : SluiceTestServer.body("sql", text);
        JsonNode error = json(sluice.post("/sluice/v1/query", request));
        assertThat(error.get("position").get("line").asInt()).as(error.toString()).isEqualTo(line);
        assertThat(error.get("position").get("column").asInt()).as(error.toString()).isEqualTo(column);
        if (text.contains(":who")) {
            return; // Druid's parameters are positional; the named case is the native API's
        }
        JsonNode druid = json(druid("/druid/v2/sql", text, ""));
        assertThat(druid.get("context").get("line").asText()).as(druid.toString()).isEqualTo(Integer.toString(line));
        assertThat(druid.get("context").get("column").asText()).as(druid.toString()).isEqualTo(Integer.toString(column));
        String queryId = json(druid("/druid/v2/sql/statements", text, ", \"context\": {\"executionMode\": \"ASYNC\"}"))
                .path("queryId").asText(null);
        JsonNode details = queryId == null ? null : awaitDruidStatement(queryId).get("errorDetails");
        if (details == null) {
            return; // refused synchronously; the /druid/v2/sql answer above already has the position
        }
        assertThat(details.get("context").get("line").asText()).as(details.toString()).isEqualTo(Integer.toString(line));
        assertThat(details.get("context").get("column").asText()).as(details.toString()).isEqualTo(Integer.toString(column));
    }

    @Test
    void positionsInALaterStatementOfSeveralPointIntoTheWholeText() {
        JsonNode error = json(nativeQuery("SELECT 1;\n  SELECT nope FROM wikipedia"));
        assertThat(error.get("position").get("line").asInt()).as(error.toString()).isEqualTo(2);
        assertThat(error.get("position").get("column").asInt()).as(error.toString()).isEqualTo(10);
        JsonNode earlier = json(nativeQuery("CREATE TEMP TABLE positions_a AS SELECT 1 AS x; SELECT 2 FORM x; SELECT 3"));
        assertThat(earlier.get("position").get("line").asInt()).as(earlier.toString()).isEqualTo(1);
        assertThat(earlier.get("position").get("column").asInt()).as(earlier.toString()).isEqualTo(63);
    }

    private static JsonNode awaitDruidStatement(String queryId) {
        String basic = Base64.getEncoder().encodeToString(("druid_user:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode status = json(sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql/statements/" + queryId))
                    .header("Authorization", "Basic " + basic).GET().build()));
            String state = status.path("state").asText();
            if (state.equals("SUCCESS") || state.equals("FAILED") || System.nanoTime() > deadline) {
                return status;
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
