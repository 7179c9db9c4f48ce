package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synchronous request answers 202 with a QueryStatus once the configured wait (45 s by default) passes. */
class SnowflakeSyncWaitTest {

    @TempDir
    Path data;

    @Test
    void synchronousRequestPastTheWaitAnswersWithAStatementHandle() {
        SluiceConfig config = SluiceConfig.defaults(data).withSnowflakeSyncWait(Duration.ofSeconds(1));
        try (SluiceTestServer sluice = new SluiceTestServer(config, false)) {
            long start = System.nanoTime();
            HttpResponse<String> response = SqlApiContract.check(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"statement\": \"" + SnowflakeApiTest.SLOW_SQL + "\"}")).build()));
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(response.statusCode()).isEqualTo(202);
            JsonNode status = SluiceTestServer.json(response);
            assertThat(status.get("code").asText()).isEqualTo("333334");
            assertThat(waited).isBetween(900L, 15_000L);
            String handle = status.get("statementHandle").asText();
            HttpResponse<String> cancelled = SqlApiContract.check(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements/" + handle + "/cancel"))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.noBody()).build()));
            assertThat(cancelled.statusCode()).isEqualTo(200);
        }
    }
}
