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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under a running node: requests that need shared state fail fast with 503
 * STORAGE_UNAVAILABLE, nothing half-written is left behind, and once PostgreSQL is back the node works
 * again without a restart. Uses a PostgreSQL of its own, since it stops it.
 */
class ClusterPostgresOutageTest {

    @TempDir
    Path directory;

    @Test
    void statementsFailFastWith503WhilePostgresIsDownAndWorkAgainWhenItIsBack() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.startPrivate();
             S3TestServer s3 = new S3TestServer(directory.resolve("s3"))) {
            String database = postgres.createDatabase("outage");
            ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, Duration.ofSeconds(3));
            try (SluiceTestServer node = new SluiceTestServer(nodes.config("a"), false)) {
                String before = json(node.post("/sluice/v1/statements", body("sql", "SELECT 1 AS before_outage", "waitMs", 5000)))
                        .get("id").asText();
                HttpResponse<String> ready = node.get("/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(json(ready).get("status").asText()).isEqualTo("UP");
                assertThat(json(ready).get("dependencies").toString()).isEqualTo("[{\"healthy\":true,\"name\":\"postgresql\",\"status\":\"UP\"},"
                        + "{\"healthy\":true,\"name\":\"s3\",\"status\":\"UP\"}]");

                postgres.stop();
                long start = System.nanoTime();
                HttpResponse<String> refused = node.post("/sluice/v1/statements", body("sql", "SELECT 'during outage' AS x", "waitMs", 5000));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("cluster: submission refused with %d %d ms after PostgreSQL stopped%n",
                        refused.statusCode(), tookMillis);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(json(refused).get("code").asText()).isEqualTo("STORAGE_UNAVAILABLE");
                assertThat(json(refused).get("message").asText()).contains("PostgreSQL");
                // Fast: bounded by the pool's connection timeout (1.5 s), not a hang; slack for this machine.
                assertThat(tookMillis).isLessThan(5_000);
                // A statement this node does not hold cannot be looked up either: 503, not a wrong 404.
                assertThat(node.get("/sluice/v1/statements/s0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(503);
                // Once a heartbeat fails (a beat is a third of the 3 s lease) the node says it is DEGRADED and why, but stays
                // ready (200): the outage is every node's, and the paths without shared state still work on this one.
                HttpResponse<String> degraded = eventually(() -> node.get("/health/ready"),
                        response -> json(response).get("status").asText().equals("DEGRADED"));
                assertThat(degraded.statusCode()).as(degraded.body()).isEqualTo(200);
                JsonNode postgresHealth = json(degraded).get("dependencies").get(0);
                assertThat(postgresHealth.get("name").asText()).isEqualTo("postgresql");
                assertThat(postgresHealth.get("status").asText()).isEqualTo("DOWN");
                assertThat(postgresHealth.get("reason").asText()).contains("PostgreSQL");
                assertThat(json(degraded).get("dependencies").get(1).toString())
                        .isEqualTo("{\"healthy\":true,\"name\":\"s3\",\"status\":\"UP\"}");
                HttpResponse<String> streamed = node.post("/sluice/v1/query?format=json-array", body("sql", "SELECT 42 AS during_outage"));
                assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
                assertThat(json(streamed).toString()).isEqualTo("[[42]]");

                postgres.start();
                HttpResponse<String> after = eventually(
                        () -> node.post("/sluice/v1/statements", body("sql", "SELECT 'after outage' AS x", "waitMs", 5000)),
                        response -> response.statusCode() == 200);
                assertThat(json(after).get("state").asText()).isEqualTo("SUCCEEDED");
                eventually(() -> node.get("/health/ready"), response -> json(response).get("status").asText().equals("UP"));
                assertThat(json(node.get("/sluice/v1/statements/" + before + "/results?format=json-array")).toString())
                        .isEqualTo("[[1]]");

                // No trace of the refused statement, and nothing left QUEUED or RUNNING. The statement streamed during the
                // outage is shared with the other nodes once the database is back (a pass behind its end).
                long[] counts = eventually(() -> statementCounts(database), found -> found[3] == 1);
                assertThat(counts[0]).as("the refused statement").isZero();
                assertThat(counts[1]).as("left QUEUED or RUNNING").isZero();
                assertThat(counts[2]).as("before, after and the streamed one").isEqualTo(3);
            }
        }
    }

    /** Refused, unfinished, all, and SUCCEEDED streamed-during-the-outage statements in the shared repository. */
    private static long[] statementCounts(String database) {
        try (Connection connection = DriverManager.getConnection(database, "postgres", "");
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT count(*) FILTER (WHERE sql_text LIKE '%during outage%'),"
                             + " count(*) FILTER (WHERE state IN ('QUEUED', 'RUNNING')), count(*),"
                             + " count(*) FILTER (WHERE sql_text LIKE '%during_outage%' AND state = 'SUCCEEDED') FROM sluice_statements")) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)};
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
