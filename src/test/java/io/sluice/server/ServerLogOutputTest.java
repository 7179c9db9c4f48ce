package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code sluice serve} process with the shipped logback.xml: stdout is JSON and nothing else (the banner
 * goes to stderr), every request has an access line with its route template, start and stop are logged, and
 * Arrow's start-up INFO chatter is not.
 */
class ServerLogOutputTest {

    @TempDir
    Path data;

    @Test
    void stdoutIsOnlyJsonWithAccessStartAndStopLinesAndTheBannerIsOnStderr() throws Exception {
        int port = freePort();
        Path stdout = data.resolve("stdout.log");
        Path stderr = data.resolve("stderr.log");
        Path shippedLogConfig = Path.of(SluiceConfig.class.getResource("/logback.xml").toURI());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dlogback.configurationFile=" + shippedLogConfig, "-cp", System.getProperty("java.class.path"),
                "io.sluice.server.SluiceMain", "serve", "--port", Integer.toString(port), "--data-dir", data.resolve("d").toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("SLUICE_ADMIN_API_KEY", SluiceTestServer.ADMIN_KEY);
        Process server = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.readString(stderr).contains("serving on port")) {
                assertThat(server.isAlive()).as("server running; stderr: %s", Files.readString(stderr)).isTrue();
                assertThat(System.nanoTime()).as("banner within 90 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            HttpClient client = HttpClient.newHttpClient();
            String unknownId = "s0123456789abcdef0123456789abcdef";
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/sluice/v1/statements/" + unknownId))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/sluice/v1/query"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 1\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        } finally {
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
        }

        List<Map<String, String>> lines = new ArrayList<>();
        for (String text : Files.readAllLines(stdout)) {
            lines.add(fieldsOf(text));
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("logger", "sluice.lifecycle")
                .containsEntry("port", Integer.toString(port)).containsKey("pid"));
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("logger", "sluice.lifecycle")
                .hasEntrySatisfying("message", message -> assertThat(message).startsWith("Sluice stopped")));
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("logger", "sluice.access")
                .containsEntry("method", "GET").containsEntry("route", "/sluice/v1/statements/{id}")
                .containsEntry("status", "404").containsEntry("principal", "admin").containsKey("durationMs"));
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("logger", "sluice.access")
                .containsEntry("method", "POST").containsEntry("route", "/sluice/v1/query")
                .containsEntry("status", "401").doesNotContainKey("principal"));
        assertThat(lines).noneSatisfy(line -> assertThat(line.get("route")).contains("0123456789abcdef"));
        assertThat(lines).noneSatisfy(line -> assertThat(line.get("logger")).startsWith("org.apache.arrow"));
        assertThat(Files.readString(stderr)).contains("Sluice is serving on port " + port);
    }

    /** A stdout line as a flat map (logger, level, message and its key-value pairs); fails if it is not JSON. */
    private static Map<String, String> fieldsOf(String text) {
        JsonNode node;
        try {
            node = SluiceTestServer.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("stdout line is not JSON: " + text, e);
        }
        assertThat(node.isObject()).as("stdout line is a JSON object: %s", text).isTrue();
        Map<String, String> fields = new HashMap<>();
        fields.put("logger", node.path("loggerName").asText());
        fields.put("level", node.path("level").asText());
        fields.put("message", node.path("formattedMessage").asText());
        for (JsonNode pair : node.path("kvpList")) {
            pair.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue().asText()));
        }
        return fields;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
