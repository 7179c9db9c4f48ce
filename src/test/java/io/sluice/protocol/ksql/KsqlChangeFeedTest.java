package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push queries see writes made with plain SQL through the other APIs (nothing polls: the statement path
 * wakes the feed), and a node holds many more push queries than it has request threads.
 */
class KsqlChangeFeedTest {

    /** Few request threads: a push query that held one while it waits would starve the rest. */
    private static final int REQUEST_THREADS = 16;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static KsqlClient ksql;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(http.withMaxThreads(REQUEST_THREADS)), false);
        ksql = new KsqlClient(sluice);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void pushQuerySeesRowsInsertedThroughTheNativeAndDruidApis() throws Exception {
        ksql.ok("CREATE STREAM visits (id VARCHAR KEY, page STRING);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM visits EMIT CHANGES LIMIT 2;", "latest")) {
            assertThat(stream.next()).contains("\"schema\":\"`ID` STRING, `PAGE` STRING\"");
            HttpResponse<String> nativeInsert = sluice.post("/sluice/v1/query",
                    body("sql", "INSERT INTO visits (id, page) VALUES ('n1', 'native')"));
            assertThat(nativeInsert.statusCode()).isEqualTo(200);
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"n1\",\"native\"]}},");
            HttpResponse<String> druidInsert = druid("INSERT INTO visits (id, page) VALUES ('d1', 'druid')");
            assertThat(druidInsert.statusCode()).isEqualTo(200);
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"d1\",\"druid\"]}},");
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
        }
    }

    @Test
    void sqlUpdateOfATableRowIsAnUpsertAndSqlDeleteATombstone() throws Exception {
        ksql.ok("CREATE TABLE accounts (id VARCHAR PRIMARY KEY, owner STRING, balance INT);"
                + "INSERT INTO accounts (id, owner, balance) VALUES ('a1', 'Ann', 10);"
                + "INSERT INTO accounts (id, owner, balance) VALUES ('a2', 'Ben', 20);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM accounts EMIT CHANGES LIMIT 4;", "earliest")) {
            stream.next();
            assertThat(List.of(stream.next(), stream.next())).containsExactly(
                    "{\"row\":{\"columns\":[\"a1\",\"Ann\",10]}},", "{\"row\":{\"columns\":[\"a2\",\"Ben\",20]}},");
            sluice.post("/sluice/v1/query", body("sql", "UPDATE accounts SET balance = balance + 5 WHERE id = 'a1'"));
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"a1\",\"Ann\",15]}},");
            druid("DELETE FROM accounts WHERE id = 'a2'");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"a2\",null,null],\"tombstone\":true}},");
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
        }
    }

    @Test
    void holdsMorePushQueriesThanRequestThreadsAndDeliversToEach() throws Exception {
        ksql.ok("CREATE STREAM ticks (id VARCHAR KEY, n INT);");
        int subscribers = REQUEST_THREADS * 3;
        List<KsqlClient.Stream> streams = new ArrayList<>();
        try {
            for (int index = 0; index < subscribers; index++) {
                // Each over its own HTTP/1.1 connection, alternating the two push endpoints.
                streams.add(index % 2 == 0
                        ? ksql.query("SELECT * FROM ticks EMIT CHANGES LIMIT 1;", "latest")
                        : ksql.open("/query-stream", body("sql", "SELECT * FROM ticks EMIT CHANGES LIMIT 1;"),
                                "application/vnd.ksqlapi.delimited.v1", HttpClient.Version.HTTP_1_1));
            }
            for (KsqlClient.Stream stream : streams) {
                assertThat(stream.next()).contains("TICKS");
            }
            ksql.ok("INSERT INTO ticks (id, n) VALUES ('t', 7);");
            for (int index = 0; index < subscribers; index++) {
                assertThat(streams.get(index).next()).contains("[\"t\",7]");
            }
        } finally {
            for (KsqlClient.Stream stream : streams) {
                stream.close();
            }
        }
    }

    /** A script the engine cannot analyse statement by statement still reaches the push queries of the sources it names. */
    @Test
    void aScriptOfSeveralStatementsReachesThePushQuery() throws Exception {
        ksql.ok("CREATE STREAM scripted (id VARCHAR KEY, n INT);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM scripted EMIT CHANGES LIMIT 2;", "latest")) {
            assertThat(stream.next()).contains("\"header\"");
            HttpResponse<String> script = sluice.post("/sluice/v1/query", body("sql",
                    "BEGIN; INSERT INTO scripted (id, n) VALUES ('s1', 1); INSERT INTO scripted (id, n) VALUES ('s2', 2); COMMIT"));
            assertThat(script.statusCode()).as(script.body()).isEqualTo(200);
            assertThat(List.of(stream.next(), stream.next())).containsExactly(
                    "{\"row\":{\"columns\":[\"s1\",1]}},", "{\"row\":{\"columns\":[\"s2\",2]}},");
        }
    }

    /**
     * Writers racing through /ksql and through plain SQL on the native API: the push query gets every row
     * once, in the order of the stream's sequence — a row whose insert committed after a later-numbered one
     * is neither skipped nor delivered twice.
     */
    @Test
    void concurrentInsertsThroughKsqlAndPlainSqlReachAPushQueryOnceEachInSequenceOrder() throws Exception {
        ksql.ok("CREATE STREAM orders (id VARCHAR KEY, writer INT);");
        int writers = 8;
        int rowsEach = 30;
        int total = writers * rowsEach;
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM orders EMIT CHANGES LIMIT " + total + ";", "latest")) {
            assertThat(stream.next()).contains("\"header\"");
            inParallel(writers, writer -> {
                for (int row = 0; row < rowsEach; row++) {
                    String values = "('w" + writer + "-" + row + "', " + writer + ")";
                    if ((writer + row) % 2 == 0) {
                        ksql.ok("INSERT INTO orders (id, writer) VALUES " + values + ";");
                    } else {
                        assertThat(sluice.post("/sluice/v1/query", body("sql", "INSERT INTO orders (id, writer) VALUES " + values))
                                .statusCode()).isEqualTo(200);
                    }
                }
            });
            List<String> delivered = new ArrayList<>();
            for (int row = 0; row < total; row++) {
                delivered.add(SluiceTestServer.JSON.readTree(stream.next().replaceAll(",$", "")).get("row").get("columns").get(0).asText());
            }
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
            List<String> stored = new ArrayList<>();
            json(sluice.post("/sluice/v1/query", body("sql", "SELECT id FROM orders ORDER BY __sluice_seq")))
                    .forEach(row -> stored.add(row.get("ID").asText()));
            assertThat(stored).hasSize(total);
            assertThat(delivered).containsExactlyElementsOf(stored);
        }
    }

    /**
     * Upserts through /ksql racing with plain-SQL updates of the same keys: applying the feed's rows in order
     * gives exactly the table as stored, so the values each write hands to the feed are the ones it stored.
     */
    @Test
    void concurrentUpsertsAndSqlUpdatesOfATableFoldIntoTheStoredTable() throws Exception {
        ksql.ok("CREATE TABLE stock (id VARCHAR PRIMARY KEY, qty INT);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM stock EMIT CHANGES;", "latest")) {
            assertThat(stream.next()).contains("\"header\"");
            inParallel(6, writer -> {
                for (int round = 0; round < 20; round++) {
                    String key = "k" + (round % 4);
                    if (writer < 4) {
                        ksql.ok("INSERT INTO stock (id, qty) VALUES ('" + key + "', " + (writer * 100 + round) + ");");
                    } else {
                        assertThat(sluice.post("/sluice/v1/query", body("sql",
                                "UPDATE stock SET qty = qty + 1000 WHERE id = '" + key + "'")).statusCode()).isEqualTo(200);
                    }
                }
            });
            ksql.ok("INSERT INTO stock (id, qty) VALUES ('end', 0);");
            Map<String, Integer> folded = new TreeMap<>();
            while (true) {
                JsonNode columns = SluiceTestServer.JSON.readTree(stream.next().replaceAll(",$", "")).get("row").get("columns");
                if (columns.get(0).asText().equals("end")) {
                    break;
                }
                folded.put(columns.get(0).asText(), columns.get(1).asInt());
            }
            Map<String, Integer> stored = new TreeMap<>();
            json(sluice.post("/sluice/v1/query", body("sql", "SELECT id, qty FROM stock WHERE id <> 'end'")))
                    .forEach(row -> stored.put(row.get("ID").asText(), row.get("QTY").asInt()));
            assertThat(stored).hasSize(4);
            assertThat(folded).isEqualTo(stored);
        }
    }

    private interface Writer {
        void write(int writer) throws Exception;
    }

    /** Runs {@code writers} writers at once, each on its own thread, and fails with the first failure. */
    private static void inParallel(int writers, Writer body) throws Exception {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int writer = 0; writer < writers; writer++) {
                int index = writer;
                running.add(pool.submit(() -> {
                    start.await();
                    body.write(index);
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> writer : running) {
                writer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<String> druid(String sql) {
        String basic = Base64.getEncoder().encodeToString(("druid_user:" + SluiceTestServer.ADMIN_KEY)
                .getBytes(StandardCharsets.UTF_8));
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("query", sql))).build());
    }
}
