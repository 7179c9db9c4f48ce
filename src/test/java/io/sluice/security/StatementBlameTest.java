package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
import io.sluice.core.access.CrashCoolDown;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knowing who ran what when an engine goes down: every statement is audited before the engine runs it, the
 * statements running on an engine that died are audited as suspects, and a principal whose statements took engines
 * down too often is refused for a cool-down — a 429 with the seconds left as Retry-After, in every protocol's shape.
 */
@Tag("security")
class StatementBlameTest {

    private static final long COOL_DOWN_SECONDS = 900;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String carol;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        sluice.server.access().limits(AccessControl.Limits.DEFAULT.withEngineCrashes(
                new CrashCoolDown(2, Duration.ofMinutes(10), Duration.ofSeconds(COOL_DOWN_SECONDS))));
        carol = sluice.server.keys().issue(new Principal("carol", "carol", false)).text();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aStatementIsAuditedAsStartedWhileItStillRuns() throws Exception {
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements",
                body("sql", "SELECT count(*) FROM range(1000000000000::BIGINT) /* started-audit */", "waitMs", 0), carol);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted).get("id").asText();
        try {
            JsonNode started = awaitAudit(record -> "STARTED".equals(record.path("event").asText())
                    && id.equals(record.path("statementId").asText()));
            assertThat(started.get("principal").asText()).isEqualTo("carol");
            assertThat(started.get("protocol").asText()).isEqualTo("native");
            assertThat(started.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(started.get("sqlSha256").asText()).hasSize(64);
            assertThat(started.get("sql").asText()).contains("started-audit");
            assertThat(started.get("outcome").asText()).isEqualTo("RUNNING");
            assertThat(json(sluice.get("/sluice/v1/statements/" + id, carol)).get("state").asText()).isEqualTo("RUNNING");

            // Admins find it in sluice.audit too (its writer inserts once a second), still while it runs.
            JsonNode rows = null;
            for (int attempt = 0; attempt < 50 && (rows == null || rows.isEmpty()); attempt++) {
                Thread.sleep(100);
                rows = json(sluice.post("/sluice/v1/query", body("sql",
                        "SELECT principal, outcome FROM sluice.audit WHERE event = 'STARTED' AND statement_id = ?",
                        "parameters", List.of(id))));
            }
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("principal").asText()).isEqualTo("carol");
            assertThat(json(sluice.get("/sluice/v1/statements/" + id, carol)).get("state").asText()).isEqualTo("RUNNING");
        } finally {
            sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements/" + id)).header("Authorization", "Bearer " + carol)
                    .DELETE().build());
        }
        JsonNode ended = awaitAudit(record -> "STATEMENT".equals(record.path("event").asText())
                && id.equals(record.path("statementId").asText()));
        assertThat(ended.get("outcome").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aPrincipalWhoseStatementsKeepTakingTheEngineDownIsCooledDown() throws Exception {
        // One engine death takes two of bob's statements with it: one crash.
        engineDied("sCrashOneA");
        engineDied("sCrashOneB");
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 1 AS n"), sluice.otherUserKey).statusCode()).isEqualTo(200);
        Thread.sleep(1_100);
        // A second death, later, with another of bob's statements on it: the second crash starts the cool-down.
        engineDied("sCrashTwo");

        for (String id : List.of("sCrashOneA", "sCrashOneB", "sCrashTwo")) {
            JsonNode suspect = awaitAudit(record -> "ENGINE_CRASH_SUSPECT".equals(record.path("event").asText())
                    && id.equals(record.path("statementId").asText()));
            assertThat(suspect.get("principal").asText()).isEqualTo("bob");
            assertThat(suspect.get("errorCode").asText()).isEqualTo("ENGINE_RESTARTED");
        }

        String bob = sluice.otherUserKey;
        HttpResponse<String> query = assertCooledDown(() -> sluice.post("/sluice/v1/query", body("sql", "SELECT 1"), bob),
                "\"code\":\"ENGINE_COOL_DOWN\"");
        String message = json(query).get("message").asText();
        assertThat(message).contains("2 times within 600 s");
        java.util.regex.Matcher until = java.util.regex.Pattern.compile("refused until (\\S+) \\((\\d+) s from now\\)").matcher(message);
        assertThat(until.find()).as(message).isTrue();
        assertThat(Duration.between(Instant.now(), Instant.parse(until.group(1))).toSeconds())
                .isBetween(COOL_DOWN_SECONDS - 60, COOL_DOWN_SECONDS);
        assertCooledDown(() -> sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 0), bob),
                "\"code\":\"ENGINE_COOL_DOWN\"");
        assertCooledDown(() -> sluice.post("/druid/v2/sql", body("query", "SELECT 1"), bob), "\"errorClass\"");
        assertCooledDown(() -> sluice.post("/api/v2/statements", body("statement", "SELECT 1"), bob), "\"code\":\"390505\"");
        assertCooledDown(() -> sluice.post("/api/v2/queries", body("query", "SELECT 1"), bob), "\"errorCode\":429");
        assertCooledDown(() -> sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v1/sql-query/")).header("x-api-key", bob)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body("sql", "SELECT 1")))
                .build()), "\"state\":\"FAILED\"");

        // Others are not held up by bob's cool-down.
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 1 AS n"), carol).statusCode()).isEqualTo(200);
        JsonNode refusal = awaitAudit(record -> "REFUSED".equals(record.path("outcome").asText())
                && "ENGINE_COOL_DOWN".equals(record.path("errorCode").asText()));
        assertThat(refusal.get("principal").asText()).isEqualTo("bob");
    }

    /** What the statement service reports when one of bob's statements was running on an engine that died. */
    private static void engineDied(String statementId) {
        Instant now = Instant.now();
        sluice.server.access().finished(new StatementStatus(statementId, "bob", "native", "SELECT crash()",
                StatementState.FAILED, now.minusSeconds(2), now.minusSeconds(2), now, 0, -1, 0, false, false, null, null,
                SluiceError.of(ErrorCode.ENGINE_RESTARTED, "ENGINE_RESTARTED: the engine process died while running statements")));
    }

    private static HttpResponse<String> assertCooledDown(Supplier<HttpResponse<String>> request, String shape) {
        HttpResponse<String> response = request.get();
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(429);
        assertThat(response.body()).contains(shape);
        assertThat(response.headers().firstValue("Retry-After")).as("Retry-After on " + response.uri()).hasValueSatisfying(
                value -> assertThat(Long.parseLong(value)).isBetween(COOL_DOWN_SECONDS - 60, COOL_DOWN_SECONDS));
        return response;
    }

    /** The first audit record matching {@code wanted}, once the writer wrote it. */
    private static JsonNode awaitAudit(Predicate<JsonNode> wanted) throws IOException, InterruptedException {
        Path file = data.resolve("audit").resolve("audit.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode record = SluiceTestServer.JSON.readTree(line);
                    if (wanted.test(record)) {
                        return record;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such audit record in " + file);
    }
}
