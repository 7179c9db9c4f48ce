package io.sluice.engine.trino;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trino going away: a statement running when the coordinator dies fails with the reason (nothing hangs);
 * a Sluice that starts while Trino is down starts anyway, reports the Trino engine not ready and answers
 * statements for Trino's catalogs with ENGINE_UNAVAILABLE (503); when Trino is back, everything works again.
 */
@Tag("trino")
class TrinoOutageTest {

    @TempDir
    Path data;
    @TempDir
    Path secondData;

    @Test
    void sluiceSurvivesTrinoGoingAwayAndRecoversWhenItIsBack() throws Exception {
        TrinoCluster trino = TrinoCluster.shared();
        assumeTrue(trino.managed(), "needs a Trino this test JVM started, to restart it");
        EngineSettings quickTimeouts = EngineSettings.trino(TrinoConfig.of(trino.url(), TrinoSluice.CATALOGS)
                .withRequestTimeout(Duration.ofSeconds(5)));
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data).withEngines(quickTimeouts), true)) {
            String marker = "outage-" + UUID.randomUUID();
            JsonNode submitted = json(sluice.post("/sluice/v1/statements", body("sql",
                    TrinoStatementLifeTest.ENDLESS.formatted(marker), "waitMs", 0)));
            String id = submitted.get("id").asText();
            awaitRunning(sluice, id);
            Thread.sleep(1000);

            trino.killCoordinator();
            JsonNode failed = awaitEnd(sluice, id);
            assertThat(failed.get("state").asText()).isEqualTo("FAILED");
            assertThat(failed.at("/error/code").asText()).isEqualTo("ENGINE_UNAVAILABLE");
            assertThat(failed.at("/error/message").asText()).startsWith("The Trino engine is not available: ");

            try (SluiceTestServer second = new SluiceTestServer(SluiceConfig.defaults(secondData).withEngines(quickTimeouts), true)) {
                HttpResponse<String> ready = second.get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode engines = json(ready).get("engines");
                assertThat(engines.get(0).get("name").asText()).isEqualTo("duckdb");
                assertThat(engines.get(0).get("healthy").asBoolean()).isTrue();
                assertThat(engines.get(1).get("name").asText()).isEqualTo("trino");
                assertThat(engines.get(1).get("healthy").asBoolean()).isFalse();

                HttpResponse<String> routed = second.post("/sluice/v1/query", body("sql", "SELECT count(*) FROM tpch.tiny.nation"));
                assertThat(routed.statusCode()).as(routed.body()).isEqualTo(503);
                assertThat(json(routed).get("code").asText()).isEqualTo("ENGINE_UNAVAILABLE");
                assertThat(json(routed).get("message").asText()).startsWith("The Trino engine is not available");
                // DuckDB's tables are still served.
                assertThat(second.post("/sluice/v1/query", body("sql", "SELECT count(*) FROM wikipedia")).statusCode()).isEqualTo(200);

                trino.restartCoordinator();
                assertThat(second.get("/health/ready").statusCode()).isEqualTo(200);
                HttpResponse<String> recovered = second.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM tpch.tiny.nation"));
                assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(200);
                assertThat(json(recovered).get(0).get("n").asLong()).isEqualTo(25);
            }
            HttpResponse<String> first = sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM tpch.tiny.region"));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        } finally {
            if (!trinoAnswers(trino)) {
                trino.restartCoordinator();
            }
        }
    }

    private static boolean trinoAnswers(TrinoCluster trino) {
        try {
            trino.query("sluice-test", "SELECT 1");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void awaitRunning(SluiceTestServer sluice, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (json(sluice.get("/sluice/v1/statements/" + id)).get("state").asText().equals("RUNNING")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never RUNNING");
    }

    private static JsonNode awaitEnd(SluiceTestServer sluice, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id));
            if (!List.of("QUEUED", "RUNNING").contains(status.get("state").asText())) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("statement " + id + " never ended after the coordinator died");
    }
}
