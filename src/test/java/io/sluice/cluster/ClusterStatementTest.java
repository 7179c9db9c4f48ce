package io.sluice.cluster;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.S3TestServer;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TwoNodeCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Sluice nodes sharing one PostgreSQL database and one S3 bucket: a statement submitted through one is
 * polled, paged, fetched in every format and cancelled through the other; request ids are idempotent
 * across nodes; keys and grants changed on one node hold on the other.
 */
class ClusterStatementTest {

    @TempDir
    static Path directory;
    static TwoNodeCluster cluster;
    static SluiceTestServer a;
    static SluiceTestServer b;

    @BeforeAll
    static void start() throws Exception {
        // The tests make DuckDB tables on each node, so its catalog is declared node-local (see ClusterNodeLocalDataTest).
        cluster = TwoNodeCluster.start("cluster_statements", directory, config -> config.withSpoolPageRows(1000)
                .withCluster(config.cluster().withNodeLocalCatalogs(java.util.Set.of("sluice"))));
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void submittedOnOneNodeIsPolledPagedAndFetchedOnTheOther() {
        String sql = "SELECT range AS id, 'row ' || range AS label, range * 0.5 AS half FROM range(2500)";
        HttpResponse<String> submitted = a.post("/sluice/v1/statements", body("sql", sql, "waitMs", 0));
        assertThat(submitted.statusCode()).as(submitted.body()).isIn(200, 202);
        String id = json(submitted).get("id").asText();

        JsonNode status = waitUntilEnded(b, id);
        assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(status.get("rows").asLong()).isEqualTo(2500);
        assertThat(status.get("pages").size()).as(status.toString()).isEqualTo(3);

        // Polling through B fetched the manifest alone; reading a page fetches that page, not the result.
        Path copyOnB = directory.resolve("b").resolve("spool").resolve(id);
        assertThat(files(copyOnB)).containsExactly("manifest.properties");
        // Pages read through B, which never ran the statement, are the rows A spooled.
        HttpResponse<String> page = b.get("/sluice/v1/statements/" + id + "/results?page=1&format=json-array");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(files(copyOnB)).containsExactly("manifest.properties", "page-000001.arrow");
        JsonNode rows = json(page);
        assertThat(rows.size()).isEqualTo(1000);
        assertThat(rows.get(0).get(0).asLong()).isEqualTo(1000);
        assertThat(rows.get(0).get(1).asText()).isEqualTo("row 1000");
        for (String format : List.of("csv", "ndjson", "json", "json-array", "ndjson-array")) {
            HttpResponse<String> onA = a.get("/sluice/v1/statements/" + id + "/results?format=" + format);
            HttpResponse<String> onB = b.get("/sluice/v1/statements/" + id + "/results?format=" + format);
            assertThat(onB.statusCode()).as(format + ": " + onB.body()).isEqualTo(200);
            assertThat(onB.body()).as(format).isEqualTo(onA.body());
        }
        HttpResponse<byte[]> parquet = getBytes(b, "/sluice/v1/statements/" + id + "/results?format=parquet");
        assertThat(parquet.statusCode()).isEqualTo(200);
        assertThat(new String(parquet.body(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAR1");
        // The result lives in S3: pages and, written last, the manifest.
        assertThat(cluster.s3.keys("sluice-spool/" + id + "/")).contains("sluice-spool/" + id + "/manifest.properties",
                "sluice-spool/" + id + "/page-000000.arrow", "sluice-spool/" + id + "/page-000002.arrow");
        // Another principal does not see it on either node.
        assertThat(b.get("/sluice/v1/statements/" + id, b.otherUserKey).statusCode()).isEqualTo(404);
        assertThat(b.get("/sluice/v1/statements/" + id + "/results?page=0", b.otherUserKey).statusCode()).isEqualTo(404);
    }

    @Test
    void aResultSpooledOnOneNodeIsExportedToS3ThroughTheOther() throws Exception {
        JsonNode done = json(a.post("/sluice/v1/statements", body("sql", "SELECT range AS n FROM range(3)", "waitMs", 5000)));
        assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
        HttpResponse<String> exported = b.post("/sluice/v1/statements/" + done.get("id").asText() + "/export",
                body("format", "csv"));
        assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);
        String url = json(exported).get("files").get(0).get("url").asText();
        assertThat(url).contains("/" + S3TestServer.BUCKET + "/exports/").contains("X-Amz-Signature");
        HttpResponse<String> file = b.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("n\n0\n1\n2\n");
    }

    @Test
    void bothNodesListTheStatementsOfBoth() {
        String onA = json(a.post("/sluice/v1/statements", body("sql", "SELECT 'listed on a' AS x", "waitMs", 5000))).get("id").asText();
        String onB = json(b.post("/sluice/v1/statements", body("sql", "SELECT 'listed on b' AS x", "waitMs", 5000))).get("id").asText();
        for (SluiceTestServer node : List.of(a, b)) {
            Set<String> ids = new HashSet<>();
            json(node.get("/sluice/v1/statements?limit=1000")).get("statements").forEach(s -> ids.add(s.get("id").asText()));
            assertThat(ids).contains(onA, onB);
        }
    }

    @Test
    void aStatementRunningOnOneNodeIsCancelledThroughTheOther() {
        HttpResponse<String> slow = a.post("/sluice/v1/statements",
                body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 300));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);
        String id = json(slow).get("id").asText();
        assertThat(json(b.get("/sluice/v1/statements/" + id)).get("state").asText()).isIn("QUEUED", "RUNNING");

        HttpResponse<String> cancelled = b.delete("/sluice/v1/statements/" + id);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isIn(200, 499);
        assertThat(json(b.get("/sluice/v1/statements/" + id)).get("state").asText()).isEqualTo("CANCELLED");
        // The node that ran it stopped its engine: A reports the same end.
        assertThat(json(a.get("/sluice/v1/statements/" + id)).get("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aNodeWhoseStatementWasFailedForItByOthersReportsThatEndToo() throws Exception {
        HttpResponse<String> slow = a.post("/sluice/v1/statements",
                body("sql", "SELECT count(*) FROM range(100000000000) a", "waitMs", 300));
        String id = json(slow).get("id").asText();
        // What a sweep does when A's lease expired (A was cut off from PostgreSQL, not dead).
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(cluster.database, "postgres", "")) {
            connection.createStatement().executeUpdate("UPDATE sluice_statements SET state = 'FAILED', ended_at = now(),"
                    + " error_code = 'SERVER_RESTARTED', error_message = 'node a stopped (lease expired)' WHERE id = '" + id + "'");
        }
        a.delete("/sluice/v1/statements/" + id);
        // A's own end (CANCELLED) lost to the one already stored; both nodes tell the same story (A as soon as
        // its runner has recorded the end, a moment after the cancel answered).
        for (SluiceTestServer node : List.of(a, b)) {
            JsonNode status = json(eventually(() -> node.get("/sluice/v1/statements/" + id),
                    response -> json(response).get("state").asText().equals("FAILED")));
            assertThat(status.get("state").asText()).isEqualTo("FAILED");
            assertThat(status.get("error").get("message").asText()).isEqualTo("node a stopped (lease expired)");
        }
    }

    @Test
    void aRequestIdNamesOneStatementWhicheverNodesTheRetriesReach() throws Exception {
        String requestId = "retry-" + System.nanoTime();
        String request = body("sql", "SELECT 42 AS answer", "requestId", requestId, "waitMs", 5000);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> submissions = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SluiceTestServer node = i % 2 == 0 ? a : b;
                submissions.add(() -> json(node.post("/sluice/v1/statements", request)).get("id").asText());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> id : pool.invokeAll(submissions)) {
                ids.add(id.get());
            }
            assertThat(ids).hasSize(1);
            long statementsWithIt = 0;
            for (JsonNode s : json(a.get("/sluice/v1/statements?limit=1000")).get("statements")) {
                if (s.get("id").asText().equals(ids.iterator().next())) {
                    statementsWithIt++;
                }
            }
            assertThat(statementsWithIt).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anApiKeyMadeOnOneNodeWorksOnTheOtherAndAGrantRevokedThereEndsAccessHere() {
        for (SluiceTestServer node : List.of(a, b)) {
            // Each node's DuckDB is its own: the table exists on both, the grants once for both.
            assertThat(node.post("/sluice/v1/query", body("sql", "CREATE OR REPLACE TABLE shared_pub AS SELECT 1 AS x")).statusCode())
                    .isEqualTo(200);
        }
        for (String sql : List.of("CREATE USER IF NOT EXISTS carol", "CREATE ROLE IF NOT EXISTS reader",
                "GRANT ROLE reader TO USER carol", "GRANT SELECT ON TABLE shared_pub TO ROLE reader")) {
            HttpResponse<String> done = a.post("/sluice/v1/query", body("sql", sql));
            assertThat(done.statusCode()).as(sql + ": " + done.body()).isEqualTo(200);
        }
        String carol = json(a.post("/sluice/v1/query", body("sql", "CREATE API KEY FOR USER carol"))).get(0).get("api_key").asText();

        HttpResponse<String> read = b.post("/sluice/v1/query", body("sql", "SELECT x FROM shared_pub"), carol);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);

        assertThat(a.post("/sluice/v1/query", body("sql", "REVOKE SELECT ON TABLE shared_pub FROM ROLE reader")).statusCode())
                .isEqualTo(200);
        // Not eventually: the next statement on B already sees the revoke.
        HttpResponse<String> denied = b.post("/sluice/v1/query", body("sql", "SELECT x FROM shared_pub"), carol);
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(400);
        // Carol holds nothing on the table any more: it is refused as if it did not exist.
        assertThat(json(denied).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(denied).get("message").asText()).isEqualTo("Object 'shared_pub' does not exist or not authorized.");
    }

    @Test
    void aDuckDbResultIsReusedOnItsOwnNodeOnlyAndAWriteThroughEitherNodeRetiresIt() {
        String request = "{\"sql\": \"SELECT 99 AS n, 'reusable' AS w\", \"waitMs\": 5000, \"reuse\": {\"maxAgeSeconds\": 600}}";
        JsonNode first = json(a.post("/sluice/v1/statements", request));
        assertThat(first.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(first.has("reused")).isFalse();

        JsonNode again = json(a.post("/sluice/v1/statements", request));
        assertThat(again.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.get("reused").asBoolean()).isTrue();
        // DuckDB is node-local: B computes its own answer (ClusterNodeLocalDataTest shows why it must).
        JsonNode onB = json(b.post("/sluice/v1/statements", request));
        assertThat(onB.has("reused")).isFalse();
        assertThat(json(b.get("/sluice/v1/statements/" + onB.get("id").asText() + "/results?format=json-array")).toString())
                .isEqualTo("[[99,\"reusable\"]]");

        // A write through B retires what A remembered.
        assertThat(b.post("/sluice/v1/query", body("sql", "CREATE OR REPLACE TABLE reuse_marker AS SELECT 1 AS x")).statusCode())
                .isEqualTo(200);
        JsonNode afterWrite = json(a.post("/sluice/v1/statements", request));
        assertThat(afterWrite.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(afterWrite.has("reused")).isFalse();
    }

    static JsonNode waitUntilEnded(SluiceTestServer node, String id) {
        HttpResponse<String> status = eventually(() -> node.get("/sluice/v1/statements/" + id),
                response -> response.statusCode() == 200 && !List.of("QUEUED", "RUNNING").contains(json(response).get("state").asText()));
        return json(status);
    }

    /** Asks again until the answer is the expected one, for changes that reach other nodes by polling. */
    static <T> T eventually(Supplier<T> ask, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T answer = ask.get();
        while (!done.test(answer) && System.nanoTime() < deadline) {
            sleep(100);
            answer = ask.get();
        }
        assertThat(done.test(answer)).as("last answer: %s", answer).isTrue();
        return answer;
    }

    static List<String> files(Path directory) {
        try (var entries = java.nio.file.Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<byte[]> getBytes(SluiceTestServer node, String path) {
        return node.getBytes(path);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
