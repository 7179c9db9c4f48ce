package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
import io.sluice.core.auth.Principal;
import io.sluice.core.statement.StatementConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-principal quotas on bytes held in the spool and in the export store, over real HTTP with real DuckDB:
 * configured for everyone (limits.principalSpoolBytes, export.quotaBytesPerUser) and per role (ALTER ROLE r SET
 * SPOOL_QUOTA_BYTES | EXPORT_QUOTA_BYTES); a principal past its quota fails in its protocol's shape, its pages
 * are given back, and other principals go on as before.
 */
@Tag("security")
class PrincipalQuotaTest {

    /** About 2.5 MB of Arrow pages: far past the small quotas below. */
    private static final String LARGE = "SELECT n, repeat('x', 100) AS pad FROM range(20000) t(n)";
    /**
     * About 400 KB of pages: well above the 64 KB a page reserves beyond its buffers while it is written, so one
     * result fits in one and a half times its size and two do not.
     */
    private static final String SMALL = "SELECT n FROM range(50000) t(n)";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String carolKey;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        carolKey = sluice.server.keys().issue(new Principal("carol", "carol", false)).text();
        admin("CREATE ROLE IF NOT EXISTS frugal");
        admin("ALTER ROLE frugal SET SPOOL_QUOTA_BYTES = 600000");
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private static void admin(String sql) {
        admin(sluice, sql);
    }

    private static void admin(SluiceTestServer server, String sql) {
        HttpResponse<String> response = server.post("/sluice/v1/query", "{\"sql\": \"" + sql + "\"}");
        assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
    }

    private static HttpResponse<String> nativeStatement(SluiceTestServer server, String sql, String key) {
        return server.post("/sluice/v1/statements", SluiceTestServer.body("sql", sql, "waitMs", 30_000), key);
    }

    @Test
    void aStatementPastItsOwnersSpoolQuotaFailsInEachProtocolWhileOthersSucceed() throws Exception {
        // Erin holds nothing else in the spool, whatever other tests ran before.
        String erinKey = sluice.server.keys().issue(new Principal("erin", "erin", false)).text();
        admin("GRANT ROLE frugal TO USER erin");
        try {
            long before = sluice.server.spool().bytesHeldBy("erin");

            // Native: the statement fails with the quota's code (429) and no result; its pages are given back.
            HttpResponse<String> refused = nativeStatement(sluice, LARGE, erinKey);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            JsonNode error = json(refused);
            assertThat(error.get("code").asText()).isEqualTo("SPOOL_QUOTA_EXCEEDED");
            assertThat(error.get("message").asText()).contains("spool quota of 600000 bytes of principal erin");
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + error.get("statementId").asText(), erinKey));
            assertThat(status.get("state").asText()).isEqualTo("FAILED");
            assertThat(sluice.server.spool().bytesHeldBy("erin")).isEqualTo(before);

            // Carol has no quota of her own: the same statement succeeds for her, and erin's small ones still do.
            JsonNode carols = json(nativeStatement(sluice, LARGE, carolKey));
            assertThat(carols.get("state").asText()).as(carols.toString()).isEqualTo("SUCCEEDED");
            assertThat(carols.get("rows").asLong()).isEqualTo(20_000);
            JsonNode small = json(nativeStatement(sluice, SMALL, erinKey));
            assertThat(small.get("state").asText()).as(small.toString()).isEqualTo("SUCCEEDED");

            // Druid's asynchronous statements: FAILED, with Druid's resource-limit error.
            HttpResponse<String> submitted = sluice.post("/druid/v2/sql/statements", SluiceTestServer.body("query", LARGE,
                    "context", java.util.Map.of("executionMode", "ASYNC", "selectDestination", "durableStorage")), erinKey);
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            JsonNode druid = awaitDruid(json(submitted).get("queryId").asText(), erinKey);
            assertThat(druid.get("state").asText()).as(druid.toString()).isEqualTo("FAILED");
            assertThat(druid.get("errorDetails").get("category").asText()).isEqualTo("CAPACITY_EXCEEDED");
            assertThat(druid.get("errorDetails").get("errorMessage").asText()).contains("spool quota");

            // Snowflake: the statement failed, 422 with SQL state 53400 (a configured limit was exceeded).
            HttpResponse<String> snowflake = sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                    .header("Authorization", "Bearer " + erinKey).header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SluiceTestServer.body("statement", LARGE))).build());
            assertThat(snowflake.statusCode()).as(snowflake.body()).isEqualTo(422);
            assertThat(json(snowflake).get("sqlState").asText()).isEqualTo("53400");
            assertThat(json(snowflake).get("message").asText()).contains("spool quota");

            // Nothing of the failed statements stayed charged to erin: only his small result.
            assertThat(sluice.server.spool().bytesHeldBy("erin") - before).isPositive().isLessThan(600_000);
        } finally {
            admin("REVOKE ROLE frugal FROM USER erin");
        }
        // Without the role erin has no quota beyond the spool's.
        JsonNode unlimited = json(nativeStatement(sluice, LARGE, erinKey));
        assertThat(unlimited.get("state").asText()).as(unlimited.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void theConfiguredQuotaAppliesToEveryoneAndARoleMaySetLessNotMore() {
        sluice.server.access().limits(AccessControl.Limits.DEFAULT.withSpoolBytes(1000));
        try {
            Principal dave = new Principal("dave", "dave", false);
            assertThat(sluice.server.access().spoolQuotaBytes(dave)).isEqualTo(1000);
            String daveKey = sluice.server.keys().issue(dave).text();
            HttpResponse<String> refused = nativeStatement(sluice, SMALL, daveKey);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(json(refused).get("message").asText()).contains("spool quota of 1000 bytes of principal dave");
            // frugal's 600,000 is more than the configured 1,000: the tightest wins, as for the timeout ceiling.
            admin("GRANT ROLE frugal TO USER dave");
            assertThat(sluice.server.access().spoolQuotaBytes(dave)).isEqualTo(1000);
        } finally {
            sluice.server.access().limits(AccessControl.Limits.DEFAULT);
        }
    }

    @Test
    void anExportPastTheQuotaIsRefusedAndARoleQuotaOverridesTheConfiguredOne() {
        admin("CREATE ROLE IF NOT EXISTS fewexports");
        admin("ALTER ROLE fewexports SET EXPORT_QUOTA_BYTES = 1000");
        admin("GRANT ROLE fewexports TO USER bob");
        try {
            String bobs = json(nativeStatement(sluice, SMALL, sluice.otherUserKey)).get("id").asText();
            HttpResponse<String> refused = sluice.post("/sluice/v1/statements/" + bobs + "/export", "{\"format\": \"csv\"}",
                    sluice.otherUserKey);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(json(refused).get("code").asText()).isEqualTo("EXPORT_QUOTA_EXCEEDED");
            assertThat(json(refused).get("message").asText()).contains("quota of 1000 bytes");

            String carols = json(nativeStatement(sluice, SMALL, carolKey)).get("id").asText();
            HttpResponse<String> allowed = sluice.post("/sluice/v1/statements/" + carols + "/export", "{\"format\": \"csv\"}", carolKey);
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);

            admin("ALTER ROLE fewexports UNSET EXPORT_QUOTA_BYTES");
            String another = json(nativeStatement(sluice, SMALL, sluice.otherUserKey)).get("id").asText();
            HttpResponse<String> again = sluice.post("/sluice/v1/statements/" + another + "/export", "{\"format\": \"csv\"}",
                    sluice.otherUserKey);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        } finally {
            admin("REVOKE ROLE fewexports FROM USER bob");
        }
    }

    @Test
    void onlyAdminsSetQuotasAndBadValuesAreRefused() {
        HttpResponse<String> byBob = sluice.post("/sluice/v1/query",
                "{\"sql\": \"ALTER ROLE frugal SET SPOOL_QUOTA_BYTES = 100000000000\"}", sluice.otherUserKey);
        assertThat(byBob.statusCode()).isEqualTo(403);
        HttpResponse<String> negative = sluice.post("/sluice/v1/query", "{\"sql\": \"ALTER ROLE frugal SET SPOOL_QUOTA_BYTES = 0\"}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(json(negative).get("message").asText()).contains("SPOOL_QUOTA_BYTES must be between 1 and");
        HttpResponse<String> unknown = sluice.post("/sluice/v1/query", "{\"sql\": \"ALTER ROLE frugal SET RESULT_QUOTA = 5\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("message").asText()).contains("SPOOL_QUOTA_BYTES").contains("EXPORT_QUOTA_BYTES");
    }

    @Test
    void theAdminApiSetsAndRemovesRoleQuotas() {
        admin("CREATE ROLE IF NOT EXISTS automated");
        Principal frank = new Principal("frank", "frank", false);
        sluice.server.keys().issue(frank);
        admin("GRANT ROLE automated TO USER frank");
        HttpResponse<String> set = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/admin/roles/automated/limits/spool_quota_bytes"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": 123456}")).build());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(sluice.server.access().spoolQuotaBytes(frank)).isEqualTo(123456);
        HttpResponse<String> bad = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/admin/roles/automated/limits/spool_quota_bytes"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": -5}")).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> byBob = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/admin/roles/automated/limits/spool_quota_bytes"))
                .header("Authorization", "Bearer " + sluice.otherUserKey).DELETE().build());
        assertThat(byBob.statusCode()).isEqualTo(403);
        HttpResponse<String> removed = sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/admin/roles/automated/limits/spool_quota_bytes"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).DELETE().build());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(sluice.server.access().spoolQuotaBytes(frank)).isEqualTo(Long.MAX_VALUE);
    }

    /**
     * Results found at start count against their owner again (the manifest records it), and results that
     * expired stop counting, without waiting for the purge.
     */
    @Test
    void theAccountingSurvivesARestartAndExpiredResultsNoLongerCount(@TempDir Path own) throws Exception {
        StatementConfig defaults = StatementConfig.defaults();
        // The engine inside the server: this test is about the spool's accounting across a restart, and the restart
        // must fit well inside the retention (an engine process and its spare take seconds to start on a busy machine).
        SluiceConfig base = SluiceConfig.defaults(own);
        SluiceConfig config = base.withEngines(base.engines().withIsolation(io.sluice.server.EngineIsolation.inProcess()))
                .withStatements(new StatementConfig(defaults.maxRunning(),
                defaults.maxQueued(), defaults.defaultTimeout(), defaults.maxTimeout(), Duration.ofSeconds(12),
                defaults.shutdownGrace()));
        long held;
        String first;
        try (SluiceTestServer before = new SluiceTestServer(config, true)) {
            JsonNode answer = json(nativeStatement(before, SMALL, before.otherUserKey));
            assertThat(answer.get("state").asText()).isEqualTo("SUCCEEDED");
            first = answer.get("id").asText();
            held = before.server.spool().bytesHeldBy("bob");
            assertThat(held).isPositive();
        }
        // The quota leaves room for one such result, not two.
        SluiceConfig limited = config.withPrincipalLimits(AccessControl.Limits.DEFAULT.withSpoolBytes(held * 3 / 2));
        try (SluiceTestServer after = new SluiceTestServer(limited, true)) {
            assertThat(after.server.spool().bytesHeldBy("bob")).isEqualTo(held);
            assertThat(after.get("/sluice/v1/statements/" + first + "/results?page=0", after.otherUserKey).statusCode())
                    .isIn(200, 410); // readable until it expires
            HttpResponse<String> refused = nativeStatement(after, SMALL, after.otherUserKey);
            if (refused.statusCode() == 429) {
                assertThat(json(refused).get("code").asText()).isEqualTo("SPOOL_QUOTA_EXCEEDED");
            } else {
                // The twelve seconds of retention were over by the time it ran: then it had to succeed.
                assertThat(json(refused).get("state").asText()).isEqualTo("SUCCEEDED");
            }
            // Once the first result expired, its bytes no longer stand in the way.
            Thread.sleep(12_500);
            JsonNode later = json(nativeStatement(after, SMALL, after.otherUserKey));
            assertThat(later.get("state").asText()).as(later.toString()).isEqualTo("SUCCEEDED");
            // Only the new result counts now (the same rows, so the same size).
            assertThat(after.server.spool().bytesHeldBy("bob")).isEqualTo(held);
        }
    }

    private static JsonNode awaitDruid(String queryId, String key) throws InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            JsonNode status = json(sluice.get("/druid/v2/sql/statements/" + queryId, key));
            if (!status.get("state").asText().equals("ACCEPTED") && !status.get("state").asText().equals("RUNNING")) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Druid statement " + queryId + " did not finish");
    }
}
