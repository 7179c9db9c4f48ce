package io.sluice.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AccessControl;
import io.sluice.core.access.CrashCoolDown;
import io.sluice.core.auth.Principal;
import io.sluice.server.EngineIsolation;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A principal whose statements really take the engine process down (here: a statement that ignores its timeout, so
 * the watchdog kills the engine) is refused after the configured number of crashes, with 429 and Retry-After, so a
 * statement that crashes the engine as soon as it is retried cannot loop; other principals are still served.
 */
@Tag("security")
class EngineCoolDownTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String malloryKey;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        AccessControl.Limits limits = defaults.principalLimits();
        SluiceConfig config = defaults.withEngineMemoryLimit("1GB")
                .withEngines(defaults.engines().withIsolation(EngineIsolation.defaults().withCancelGrace(Duration.ofSeconds(1))))
                .withPrincipalLimits(new AccessControl.Limits(limits.maxConcurrent(), limits.statementsPerMinute(),
                        limits.maxTimeout(), limits.spoolBytes(),
                        new CrashCoolDown(2, Duration.ofMinutes(10), Duration.ofMinutes(15))));
        sluice = new SluiceTestServer(config, false);
        malloryKey = sluice.server.keys().issue(new Principal("mallory", "mallory", false)).text();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void repeatedEngineKillsCoolThePrincipalDown() throws Exception {
        String crasher = SluiceTestServer.body("sql", "SELECT length(repeat('x', 1500000000))", "timeoutMs", 1000);
        for (int attempt = 0; attempt < 2; attempt++) {
            long engine = EngineIsolationTest.enginePid();
            HttpResponse<String> answer = sluice.post("/sluice/v1/query", crasher, malloryKey);
            assertThat(SluiceTestServer.json(answer).path("code").asText()).as(answer.body()).isEqualTo("ENGINE_RESTARTED");
            assertThat(SluiceTestServer.json(answer).path("message").asText()).contains("timeout");
            awaitNewEngine(engine);
        }
        HttpResponse<String> refused = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "SELECT 1"), malloryKey);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(SluiceTestServer.json(refused).path("code").asText()).isEqualTo("ENGINE_COOL_DOWN");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(800L, 900L);
        HttpResponse<String> druid = sluice.post("/druid/v2/sql", SluiceTestServer.body("query", "SELECT 1"), malloryKey);
        assertThat(druid.statusCode()).isEqualTo(429);
        assertThat(druid.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> other = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "SELECT 1"), sluice.otherUserKey);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    }

    private static void awaitNewEngine(long old) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (EngineIsolationTest.enginePid() != old
                        && sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "SELECT 1")).statusCode() == 200) {
                    return;
                }
            } catch (AssertionError noEngineYet) {
                // restarting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no new engine within 10 s");
    }
}
