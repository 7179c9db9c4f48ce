package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams, tables and persistent aggregates survive a restart; shutdown ends feeds with a final message; slow readers are cut off. */
class KsqlDurabilityTest {

    @TempDir
    Path data;

    @Test
    void streamsTablesAndAggregatesSurviveARestartAndShutdownEndsFeedsWithAFinalMessage() throws Exception {
        try (SluiceTestServer first = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            KsqlClient ksql = new KsqlClient(first);
            ksql.ok("CREATE STREAM events (id VARCHAR KEY, kind STRING) WITH (kafka_topic='events', value_format='json');"
                    + "CREATE TABLE kinds AS SELECT kind, COUNT(*) AS n FROM events GROUP BY kind EMIT CHANGES;"
                    + "CREATE TABLE settings (name VARCHAR PRIMARY KEY, value STRING);"
                    + "INSERT INTO events (id, kind) VALUES ('1', 'click');"
                    + "INSERT INTO events (id, kind) VALUES ('2', 'click');"
                    + "INSERT INTO settings (name, value) VALUES ('mode', 'fast');");
            awaitCount(first, 2);
            try (KsqlClient.Stream stream = ksql.query("SELECT * FROM events EMIT CHANGES;", "latest")) {
                stream.next();
                Thread closer = Thread.ofVirtual().start(first::close);
                assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Server shutting down\"}]");
                closer.join(10_000);
            }
        }
        try (SluiceTestServer second = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            KsqlClient ksql = new KsqlClient(second);
            assertThat(ksql.ok("SHOW STREAMS;").toString()).contains("EVENTS");
            assertThat(ksql.ok("SHOW TABLES;").toString()).contains("KINDS", "SETTINGS");
            JsonNode settings = json(second.post("/query", body("ksql", "SELECT value FROM settings WHERE name = 'mode';")));
            assertThat(settings.get(1).get("row").get("columns").get(0).asText()).isEqualTo("fast");
            ksql.ok("INSERT INTO events (id, kind) VALUES ('3', 'click');");
            awaitCount(second, 3);
            Thread.sleep(300);
            assertThat(count(second)).isEqualTo(3);
        }
    }

    @Test
    void aReaderThatFallsTooFarBehindIsCutOffWithAnErrorMessage() throws Exception {
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            KsqlClient ksql = new KsqlClient(sluice);
            ksql.ok("CREATE STREAM firehose (id BIGINT KEY, payload STRING);");
            KsqlClient.Stream stream = ksql.query("SELECT * FROM firehose EMIT CHANGES;", "latest");
            stream.next();
            // Nobody reads the response while 400,000 rows arrive: socket buffers fill, then the row buffer.
            stream.gate.acquire();
            sluice.post("/sluice/v1/query", body("sql", "INSERT INTO firehose (id, payload) SELECT i, repeat('x', 100) FROM range(400000) t(i)"));
            Thread.sleep(2_000);
            stream.gate.release();
            String last = null;
            for (String line = stream.next(); !line.equals("<EOF>"); line = stream.next()) {
                last = line;
            }
            assertThat(last).startsWith("{\"errorMessage\":{\"@type\":\"generic_error\",\"error_code\":");
            assertThat(last).contains("fell more than 10000 rows behind");
        }
    }

    private static void awaitCount(SluiceTestServer sluice, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (count(sluice) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count(sluice)).isEqualTo(expected);
    }

    private static long count(SluiceTestServer sluice) {
        JsonNode rows = json(sluice.post("/query", body("ksql", "SELECT n FROM kinds WHERE kind = 'click';")));
        return rows.size() > 2 ? rows.get(1).get("row").get("columns").get(0).asLong() : -1;
    }
}
