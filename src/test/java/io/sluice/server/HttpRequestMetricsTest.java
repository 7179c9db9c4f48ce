package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.statement.StatementConfig;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} counts HTTP requests by route template and status (ids in paths never become labels), and the
 * statement duration histogram has buckets up to the configured timeouts.
 */
class HttpRequestMetricsTest {

    @TempDir
    Path data;

    @Test
    void requestsAreCountedByRouteTemplateAndStatusAndDurationsReachTheTimeouts() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        StatementConfig statements = defaults.statements();
        StatementConfig timeouts = new StatementConfig(statements.maxRunning(), statements.maxQueued(), Duration.ofSeconds(2_700),
                Duration.ofSeconds(7_200), statements.retention(), statements.shutdownGrace());
        try (SluiceTestServer sluice = new SluiceTestServer(defaults.withStatements(timeouts), false)) {
            String unknownId = "s00112233445566778899aabbccddeeff";
            for (int time = 0; time < 3; time++) {
                assertThat(sluice.get("/sluice/v1/statements/" + unknownId + time).statusCode()).isEqualTo(404);
            }
            assertThat(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", "SELECT 1", "waitMs", 5_000))
                    .statusCode()).isEqualTo(200);
            assertThat(sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "SELECT 1"), "nobody.0123456789abcdef0123")
                    .statusCode()).isEqualTo(401);
            assertThat(sluice.get("/no/such/path/" + unknownId).statusCode()).isEqualTo(404);

            List<String> metrics = sluice.get("/metrics").body().lines().toList();
            assertThat(metrics).contains(
                    "http_server_requests_seconds_count{method=\"GET\",route=\"/sluice/v1/statements/{id}\",status=\"404\"} 3",
                    "http_server_requests_seconds_count{method=\"POST\",route=\"/sluice/v1/statements\",status=\"200\"} 1",
                    "http_server_requests_seconds_count{method=\"POST\",route=\"/sluice/v1/query\",status=\"401\"} 1",
                    "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1");
            assertThat(metrics).noneMatch(line -> line.contains("00112233445566778899"));
            assertThat(metrics).anyMatch(line -> line.startsWith("http_server_requests_seconds_bucket{")
                    && line.contains("le=\"1800.0\""));
            assertThat(metrics).anyMatch(line -> line.startsWith("sluice_statement_duration_seconds_bucket{")
                    && line.contains("le=\"2700.0\""));
            assertThat(metrics).anyMatch(line -> line.startsWith("sluice_statement_duration_seconds_bucket{")
                    && line.contains("le=\"7200.0\""));
        }
    }
}
