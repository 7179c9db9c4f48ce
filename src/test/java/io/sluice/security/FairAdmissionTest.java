package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.auth.Principal;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One principal floods the server with long statements on the real DuckDB engine; another principal's small
 * statements still answer at once, and the flood beyond the principal's slots is refused with 429 and Retry-After.
 */
@Tag("security")
class FairAdmissionTest {

    /** Counts for hours: it only ends when cancelled or timed out. */
    private static final String ENDLESS = "SELECT count(*) FROM range(1000000000000::BIGINT)";
    private static final int SLOTS = 8;

    @TempDir
    Path data;

    @Test
    void anotherPrincipalIsServedWithinASecondWhileOneFloodsTheServer() throws Exception {
        // Only the engine's slots are configured: the per-principal limit follows them by default.
        Path config = data.resolve("sluice.properties");
        Files.writeString(config, "statements.maxRunning=" + SLOTS + "\n");
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.load(config, data), false)) {
            String flooder = sluice.otherUserKey;
            String other = sluice.server.keys().issue(new Principal("carol", "carol", false)).text();
            // Warmed up before the flood: what is measured below is waiting for the engine, not a cold first request.
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 1 AS n"), other).statusCode()).isEqualTo(200);
                assertThat(sluice.post("/druid/v2/sql", body("query", "SELECT 1 AS n"), other).statusCode()).isEqualTo(200);
            }

            List<String> accepted = new ArrayList<>();
            List<HttpResponse<String>> refused = new ArrayList<>();
            for (int index = 0; index < 50; index++) {
                HttpResponse<String> response = sluice.post("/sluice/v1/statements",
                        body("sql", ENDLESS, "timeoutMs", 120_000, "waitMs", 0), flooder);
                if (response.statusCode() == 202) {
                    accepted.add(json(response).get("id").asText());
                } else {
                    refused.add(response);
                }
            }
            try {
                // As many at once as the engine has slots; the rest refused at once, each saying when to come back.
                assertThat(accepted).hasSize(SLOTS);
                assertThat(refused).hasSize(50 - SLOTS);
                for (HttpResponse<String> response : refused) {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
                    assertThat(json(response).get("code").asText()).isEqualTo("RATE_LIMITED");
                    assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                            value -> assertThat(Integer.parseInt(value)).isPositive());
                }
                awaitRunning(sluice, flooder, SLOTS - 1);

                // Streamed through the native API and through Druid's: both wait for a slot in the same fair queue.
                List<Long> millis = new ArrayList<>();
                List<String> inOrder = new ArrayList<>();
                for (int attempt = 0; attempt < 20; attempt++) {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = attempt % 2 == 0
                            ? sluice.post("/sluice/v1/query", body("sql", "SELECT " + attempt + " AS n"), other)
                            : sluice.post("/druid/v2/sql", body("query", "SELECT " + attempt + " AS n"), other);
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    inOrder.add((attempt % 2 == 0 ? "native " : "druid ") + millis.getLast());
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.body()).contains("\"n\":" + attempt);
                }
                millis.sort(null);
                long p99 = millis.get((int) Math.ceil(0.99 * millis.size()) - 1);
                assertThat(p99).as("p99 of the other principal's SELECT 1 in ms, in order: " + inOrder).isLessThan(1_000);

                // The flood is still refused while the other principal is still admitted, asynchronously too.
                HttpResponse<String> stillRefused = sluice.post("/sluice/v1/statements", body("sql", ENDLESS, "waitMs", 0), flooder);
                assertThat(stillRefused.statusCode()).isEqualTo(429);
                assertThat(stillRefused.headers().firstValue("Retry-After")).isPresent();
                HttpResponse<String> admitted = sluice.post("/sluice/v1/statements", body("sql", "SELECT 42 AS n", "waitMs", 5_000), other);
                assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(200);
                assertThat(json(admitted).get("state").asText()).isEqualTo("SUCCEEDED");
            } finally {
                for (String id : accepted) {
                    sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements/" + id))
                            .header("Authorization", "Bearer " + flooder).DELETE().build());
                }
            }
        }
    }

    /** Waits until {@code expected} of the principal's statements run (the last accepted one waits for a slot). */
    private static void awaitRunning(SluiceTestServer sluice, String key, int expected) throws InterruptedException {
        int running = 0;
        for (int attempt = 0; attempt < 100; attempt++) {
            running = 0;
            for (var statement : json(sluice.get("/sluice/v1/statements", key)).get("statements")) {
                if (statement.get("state").asText().equals("RUNNING")) {
                    running++;
                }
            }
            if (running == expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + expected + " running statements, saw " + running);
    }
}
