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

    @Test
    void aConfiguredManagementPortServesMetricsWithoutAKeyAndNothingElse() throws Exception {
        int management;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            management = free.getLocalPort();
        }
        SluiceConfig defaults = SluiceConfig.defaults(data);
        try (SluiceTestServer sluice = new SluiceTestServer(defaults.withHttp(defaults.http().withManagementPort(management)), false)) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> scraped = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + management + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("# TYPE jvm_");
            HttpResponse<String> api = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + management + "/sluice/v1/statements"))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as("no API on the management port, even with a key").isEqualTo(404);
            assertThat(sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/metrics")).build()).statusCode())
                    .as("the main port still wants a key").isEqualTo(401);
            assertThat(sluice.get("/metrics", sluice.otherUserKey).statusCode()).isEqualTo(403);
            assertThat(sluice.server.port()).isNotEqualTo(management);
        }
    }

    private static String keyFor(SluiceTestServer sluice, String user) {
        HttpResponse<String> created = sluice.post("/sluice/v1/query",
                SluiceTestServer.body("sql", "CREATE API KEY FOR USER " + user));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return SluiceTestServer.json(created).get(0).get("api_key").asText();
    }
}
