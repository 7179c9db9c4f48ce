package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} is for admins and principals granted the METRICS role, not for any key holder. */
class MetricsAccessTest {

    @TempDir
    Path data;

    @Test
    void onlyAdminsAndHoldersOfTheMetricsRoleReadMetrics() {
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            HttpResponse<String> refused = sluice.get("/metrics", sluice.otherUserKey);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(SluiceTestServer.json(refused).get("code").asText()).isEqualTo("FORBIDDEN");
            assertThat(refused.body()).doesNotContain("jvm_");
            assertThat(sluice.get("/metrics").statusCode()).isEqualTo(200);

            for (String statement : new String[] {"CREATE USER prometheus", "CREATE ROLE metrics", "CREATE ROLE readers",
                    "CREATE USER reader", "GRANT ROLE metrics TO USER prometheus", "GRANT ROLE readers TO USER reader"}) {
                HttpResponse<String> done = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", statement));
                assertThat(done.statusCode()).as(statement + ": " + done.body()).isEqualTo(200);
            }
            String monitor = keyFor(sluice, "prometheus");
            HttpResponse<String> scraped = sluice.get("/metrics", monitor);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("# TYPE jvm_");
            assertThat(sluice.get("/metrics", keyFor(sluice, "reader")).statusCode()).isEqualTo(403);

            sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "REVOKE ROLE metrics FROM USER prometheus"));
            assertThat(sluice.get("/metrics", monitor).statusCode()).isEqualTo(403);
        }
    }

    private static String keyFor(SluiceTestServer sluice, String user) {
        HttpResponse<String> created = sluice.post("/sluice/v1/query",
                SluiceTestServer.body("sql", "CREATE API KEY FOR USER " + user));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return SluiceTestServer.json(created).get(0).get("api_key").asText();
    }
}
