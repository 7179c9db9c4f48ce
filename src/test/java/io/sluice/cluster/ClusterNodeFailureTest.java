package io.sluice.cluster;

import static io.sluice.cluster.ClusterStatementTest.eventually;
import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.ClusterTestNodes;
import io.sluice.testing.PostgresTestServer;
import io.sluice.testing.S3TestServer;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL mid-statement (a child JVM): another node fails its running statement with a
 * clear message once the dead node's lease expires, and keeps serving the results the dead node finished
 * (they are in S3, their status in PostgreSQL).
 */
class ClusterNodeFailureTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @TempDir
    Path directory;

    @Test
    void aKilledNodesRunningStatementFailsWithinTheLeaseAndItsFinishedResultsStayReadable() throws Exception {
        String database = PostgresTestServer.shared().createDatabase("cluster_failure");
        try (S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, LEASE);
            int port = freePort();
            Process doomed = startNode(nodes, "doomed", port);
            HttpClient client = HttpClient.newHttpClient();
            // The child is ready before the survivor starts, so the survivor's own sockets cannot take the
            // port the child was given while it is still booting.
            try {
                waitUntilReady(client, port, doomed, nodes.dataDirectory("doomed").resolve("server.log"));
            } catch (AssertionError | InterruptedException | IOException notReady) {
                doomed.destroyForcibly().waitFor();
                throw notReady;
            }
            try (SluiceTestServer survivor = new SluiceTestServer(nodes.config("survivor"), false)) {
                JsonNode finished = json(post(client, port, body("sql", "SELECT 7 AS seven, 'kept' AS word", "waitMs", 10_000)));
                assertThat(finished.get("state").asText()).isEqualTo("SUCCEEDED");
                HttpResponse<String> slow = post(client, port, body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 300));
                assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);
                String runningId = json(slow).get("id").asText();
                assertThat(json(survivor.get("/sluice/v1/statements/" + runningId)).get("state").asText()).isIn("QUEUED", "RUNNING");

                doomed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no last words to PostgreSQL
                long killedAt = System.nanoTime();

                HttpResponse<String> failed = eventually(() -> survivor.get("/sluice/v1/statements/" + runningId),
                        response -> json(response).get("state").asText().equals("FAILED"));
                long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("cluster: statement of the killed node FAILED %d ms after SIGKILL (lease %d ms)%n",
                        tookMillis, LEASE.toMillis());
                JsonNode error = json(failed).get("error");
                assertThat(error.get("code").asText()).isEqualTo("SERVER_RESTARTED");
                assertThat(error.get("message").asText()).contains("node doomed stopped (lease expired)");
                // Bound: the lease, plus one heartbeat period for the sweep to come round, plus slack for this machine.
                assertThat(tookMillis).isLessThan(LEASE.toMillis() + LEASE.toMillis() / 3 + 5_000);

                String finishedId = finished.get("id").asText();
                assertThat(json(survivor.get("/sluice/v1/statements/" + finishedId)).get("state").asText()).isEqualTo("SUCCEEDED");
                JsonNode rows = json(survivor.get("/sluice/v1/statements/" + finishedId + "/results?format=json-array"));
                assertThat(rows.toString()).isEqualTo("[[7,\"kept\"]]");
                // The killed statement never becomes anything else.
                HttpResponse<String> cancel = survivor.delete("/sluice/v1/statements/" + runningId);
                assertThat(json(cancel).get("state").asText()).isEqualTo("FAILED");
            } finally {
                doomed.destroyForcibly().waitFor();
            }
        }
    }

    static Process startNode(ClusterTestNodes nodes, String nodeId, int port) throws IOException {
        return startNode(nodes, nodeId, port, "");
    }

    /** @param extraProperties lines added to the node's configuration file */
    static Process startNode(ClusterTestNodes nodes, String nodeId, int port, String extraProperties) throws IOException {
        Path config = nodes.propertiesFile(nodeId);
        Files.writeString(config, extraProperties, java.nio.file.StandardOpenOption.APPEND);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.sluice.server.SluiceMain", "serve",
                "--port", Integer.toString(port), "--data-dir", nodes.dataDirectory(nodeId).toString(),
                "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(nodes.dataDirectory(nodeId).resolve("server.log").toFile());
        builder.environment().put("SLUICE_ADMIN_API_KEY", SluiceTestServer.ADMIN_KEY);
        return builder.start();
    }

    static HttpResponse<String> post(HttpClient client, int port, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sluice/v1/statements"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void waitUntilReady(HttpClient client, int port, Process process, Path log)
            throws InterruptedException, IOException {
        for (int attempt = 0; attempt < 600 && process.isAlive(); attempt++) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        throw new AssertionError("the child node did not become ready (" + (process.isAlive() ? "still running"
                : "exited with " + process.exitValue()) + "); the end of its log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
