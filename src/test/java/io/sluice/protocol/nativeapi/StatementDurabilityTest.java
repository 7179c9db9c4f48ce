package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;

import io.sluice.testing.SluiceTestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.statement.StatementConfig;
import io.sluice.server.SluiceConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statements survive restarts and crashes; admission control refuses work past its queue. */
class StatementDurabilityTest {

    @TempDir
    Path data;

    @Test
    void finishedStatementSurvivesARestart() {
        String id;
        try (SluiceTestServer first = SluiceTestServer.start(data)) {
            JsonNode statement = json(first.post("/sluice/v1/statements", body("sql", "SELECT i FROM range(12345) t(i)", "waitMs", 10_000)));
            assertThat(statement.get("state").asText()).isEqualTo("SUCCEEDED");
            id = statement.get("id").asText();
        }
        try (SluiceTestServer second = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            JsonNode status = json(second.get("/sluice/v1/statements/" + id));
            assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(status.get("rows").asLong()).isEqualTo(12345);
            HttpResponse<String> rows = second.get("/sluice/v1/statements/" + id + "/results?format=ndjson-array");
            assertThat(rows.body().lines().count()).isEqualTo(12345);
        }
    }

    @Test
    void killMinusNineLeavesFinishedResultsAndFailsWhatWasRunning() throws Exception {
        int port = freePort();
        Process process = startServerProcess(port);
        HttpClient client = HttpClient.newHttpClient();
        String finishedId;
        String runningId;
        try {
            waitUntilReady(client, port);
            finishedId = json(post(client, port, body("sql", "SELECT 7 AS seven", "waitMs", 10_000))).get("id").asText();
            HttpResponse<String> slow = post(client, port, body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 200));
            assertThat(slow.statusCode()).isEqualTo(202);
            runningId = json(slow).get("id").asText();
        } finally {
            process.destroyForcibly().waitFor();
        }
        try (SluiceTestServer restarted = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            assertThat(json(restarted.get("/sluice/v1/statements/" + finishedId)).get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(json(restarted.get("/sluice/v1/statements/" + finishedId + "/results?format=json-array")).get(0).get(0).asInt()).isEqualTo(7);
            JsonNode running = json(restarted.get("/sluice/v1/statements/" + runningId));
            assertThat(running.get("state").asText()).isEqualTo("FAILED");
            assertThat(running.get("error").get("code").asText()).isEqualTo("SERVER_RESTARTED");
        }
    }

    @Test
    void sigtermGivesRunningStatementsTheGracePeriodThenCancelsThem() throws Exception {
        int port = freePort();
        Process process = startServerProcess(port);
        HttpClient client = HttpClient.newHttpClient();
        String runningId;
        try {
            waitUntilReady(client, port);
            HttpResponse<String> slow = post(client, port, body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 200));
            runningId = json(slow).get("id").asText();
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly().waitFor();
        }
        try (SluiceTestServer restarted = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            JsonNode stopped = json(restarted.get("/sluice/v1/statements/" + runningId));
            assertThat(stopped.get("state").asText()).isEqualTo("CANCELLED");
            assertThat(stopped.get("error").get("message").asText()).contains("shut down");
        }
    }

    private Process startServerProcess(int port) throws IOException {
        java.nio.file.Files.writeString(data.resolve("grace.properties"), "statements.shutdownGraceSeconds=1\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.sluice.server.SluiceMain", "serve",
                "--port", Integer.toString(port), "--data-dir", data.toString(),
                "--config", data.resolve("grace.properties").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("server.log").toFile());
        builder.environment().put("SLUICE_ADMIN_API_KEY", SluiceTestServer.ADMIN_KEY);
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void admissionControlRefusesPastTheQueueWithRetryAfter() {
        StatementConfig tight = new StatementConfig(1, 0, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data).withStatements(tight), false)) {
            HttpResponse<String> first = sluice.post("/sluice/v1/statements", body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 0));
            assertThat(first.statusCode()).isEqualTo(202);
            HttpResponse<String> second = sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 0));
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(json(second).get("code").asText()).isEqualTo("BUSY");
            assertThat(second.headers().firstValue("Retry-After")).isPresent();
            sluice.delete("/sluice/v1/statements/" + json(first).get("id").asText());
            assertThat(sluice.post("/sluice/v1/statements", body("sql", "SELECT 1", "waitMs", 5_000)).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> post(HttpClient client, int port, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sluice/v1/statements"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitUntilReady(HttpClient client, int port) throws InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not become ready");
    }
}
