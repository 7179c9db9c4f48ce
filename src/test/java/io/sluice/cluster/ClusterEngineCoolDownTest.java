package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AccessControl;
import io.sluice.core.access.CrashCoolDown;
import io.sluice.core.auth.Principal;
import io.sluice.server.EngineIsolation;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine-crash cool-down counts crashes on every node: with a cool-down after two crashes, a principal who took
 * node A's engine down once and node B's once is refused on both nodes, though neither saw two.
 */
@Tag("security")
class ClusterEngineCoolDownTest {

    /** Ignores its timeout, so the watchdog kills the engine process (as in EngineCoolDownTest). */
    private static final String CRASHER = body("sql", "SELECT length(repeat('x', 1500000000))", "timeoutMs", 1000);

    @TempDir
    Path directory;

    @Test
    void crashesOnTwoNodesAddUpToOneCoolDown() throws Exception {
        try (TwoNodeCluster cluster = TwoNodeCluster.start("cluster_cool_down", directory, config -> {
            AccessControl.Limits limits = config.principalLimits();
            return config.withEngineMemoryLimit("1GB")
                    .withEngines(config.engines().withIsolation(EngineIsolation.defaults().withCancelGrace(Duration.ofSeconds(1))))
                    .withPrincipalLimits(limits.withEngineCrashes(new CrashCoolDown(2, Duration.ofMinutes(10), Duration.ofMinutes(15))));
        })) {
            String mallory = cluster.a.server.keys().issue(new Principal("mallory", "mallory", false)).text();
            crashEngine(cluster.a, mallory);
            // One crash: not cooling down anywhere yet.
            HttpResponse<String> stillServed = eventually(() -> cluster.b.post("/sluice/v1/query", body("sql", "SELECT 1"), mallory),
                    response -> response.statusCode() != 401); // mallory's key reaches B within a refresh
            assertThat(stillServed.statusCode()).as(stillServed.body()).isEqualTo(200);

            crashEngine(cluster.b, mallory);
            for (SluiceTestServer node : new SluiceTestServer[] {cluster.a, cluster.b}) {
                HttpResponse<String> refused = node.post("/sluice/v1/query", body("sql", "SELECT 1"), mallory);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
                assertThat(json(refused).path("code").asText()).isEqualTo("ENGINE_COOL_DOWN");
                assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(800L, 900L);
            }
            // Others are served.
            HttpResponse<String> other = cluster.a.post("/sluice/v1/query", body("sql", "SELECT 1"), cluster.a.otherUserKey);
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        }
    }

    private static void crashEngine(SluiceTestServer node, String key) {
        HttpResponse<String> answer = node.post("/sluice/v1/query", CRASHER, key);
        assertThat(json(answer).path("code").asText()).as(answer.body()).isEqualTo("ENGINE_RESTARTED");
        // Wait for the node's new engine before going on.
        eventually(() -> node.post("/sluice/v1/query", body("sql", "SELECT 1")), response -> response.statusCode() == 200);
    }
}
