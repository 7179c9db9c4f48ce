package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long statements — more of them than the machine has cores — must not starve other requests: the engine's
 * native calls would pin virtual threads, so requests and statements run on platform threads.
 */
class LongStatementsTest {

    private static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";

    @TempDir
    Path data;

    @Test
    void shortRequestsAndCancelsStillAnswerWhileLongStatementsRun() throws Exception {
        try (SluiceTestServer sluice = new SluiceTestServer(io.sluice.server.SluiceConfig.defaults(data), false)) {
            // More long statements than cores (the carriers virtual threads would pin), fewer than the admission
            // slots (so the quick one is not merely queued behind them).
            int longOnes = Runtime.getRuntime().availableProcessors() + 1;
            assertThat(2 * longOnes).isLessThan(io.sluice.core.statement.StatementConfig.defaults().maxRunning());
            List<String> asynchronous = new ArrayList<>();
            for (int index = 0; index < longOnes; index++) {
                asynchronous.add(json(sluice.post("/sluice/v1/statements", body("sql", SLOW_SQL, "waitMs", 0))).get("id").asText());
            }
            List<CompletableFuture<HttpResponse<String>>> streaming = new ArrayList<>();
            for (int index = 0; index < longOnes; index++) {
                streaming.add(CompletableFuture.supplyAsync(() -> sluice.post("/sluice/v1/query", body("sql", SLOW_SQL, "timeoutMs", 60_000))));
            }
            Thread.sleep(500);

            long start = System.nanoTime();
            HttpResponse<String> quick = sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/sluice/v1/query"))
                    .timeout(java.time.Duration.ofSeconds(30)).header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body("sql", "SELECT 1 AS one"))).build());
            assertThat(quick.statusCode()).isEqualTo(200);
            // Pinned carriers would hold it until the long statements end (a minute at least); CPU shared by
            // many busy threads only slows it down.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(20_000);

            for (String id : asynchronous) {
                assertThat(json(sluice.delete("/sluice/v1/statements/" + id)).get("state").asText()).isEqualTo("CANCELLED");
            }
            for (var statement : json(sluice.get("/sluice/v1/statements")).get("statements")) {
                if (statement.get("state").asText().equals("RUNNING")) {
                    sluice.delete("/sluice/v1/statements/" + statement.get("id").asText());
                }
            }
            for (CompletableFuture<HttpResponse<String>> response : streaming) {
                assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(499);
            }
        }
    }
}
