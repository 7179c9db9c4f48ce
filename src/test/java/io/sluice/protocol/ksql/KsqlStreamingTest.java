package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /query-stream on HTTP/2 and HTTP/1.1 in both layouts, /close-query, /inserts-stream, disconnects, Basic auth. */
class KsqlStreamingTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static KsqlClient ksql;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        ksql = new KsqlClient(sluice);
        ksql.ok("CREATE STREAM locations (profileId VARCHAR KEY, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='l', value_format='json');"
                + "INSERT INTO locations (profileId, latitude, longitude) VALUES ('c2309eec', 37.7877, -122.4205);");
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void queryStreamOverHttp2DelimitedClosedByCloseQuery() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection to h2c; the POSTs then run as HTTP/2 streams on it.
        HttpResponse<String> upgrade = http2.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upgrade.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpRequest request = HttpRequest.newBuilder(sluice.uri("/query-stream"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .header("Accept", "application/vnd.ksqlapi.delimited.v1")
                .POST(HttpRequest.BodyPublishers.ofString(body("sql", "SELECT * FROM locations EMIT CHANGES;",
                        "properties", Map.of("auto.offset.reset", "earliest")))).build();
        try (KsqlClient.Stream stream = new KsqlClient.Stream(http2.send(request, HttpResponse.BodyHandlers.ofInputStream()))) {
            assertThat(stream.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(stream.response.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.ksqlapi.delimited.v1");
            var header = SluiceTestServer.JSON.readTree(stream.next());
            assertThat(header.get("columnNames").toString()).isEqualTo("[\"PROFILEID\",\"LATITUDE\",\"LONGITUDE\"]");
            assertThat(header.get("columnTypes").toString()).isEqualTo("[\"STRING\",\"DOUBLE\",\"DOUBLE\"]");
            assertThat(stream.next()).isEqualTo("[\"c2309eec\",37.7877,-122.4205]");
            ksql.ok("INSERT INTO locations (profileId, latitude, longitude) VALUES ('18f4ea86', 37.3903, -122.0643);");
            assertThat(stream.next()).isEqualTo("[\"18f4ea86\",37.3903,-122.0643]");
            String queryId = header.get("queryId").asText();
            HttpResponse<String> closed = sluice.post("/close-query", body("queryId", queryId));
            assertThat(closed.statusCode()).isEqualTo(200);
            assertThat(stream.next()).isEqualTo("<EOF>");
            assertThat(json(ksql.ksql("SHOW QUERIES;")).toString()).doesNotContain(queryId);
        }
    }

    @Test
    void queryStreamOverHttp11AsJsonWithLimitAndBasicAuth() throws Exception {
        String basic = Base64.getEncoder().encodeToString(("anyone:" + SluiceTestServer.ADMIN_KEY).getBytes());
        HttpRequest request = HttpRequest.newBuilder(sluice.uri("/query-stream"))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("sql", "SELECT profileId FROM locations EMIT CHANGES LIMIT 1;",
                        "properties", Map.of("auto.offset.reset", "earliest")))).build();
        HttpResponse<String> response = sluice.send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        var array = json(response);
        assertThat(array.get(0).get("columnNames").toString()).isEqualTo("[\"PROFILEID\"]");
        assertThat(array.get(1).toString()).isEqualTo("[\"c2309eec\"]");
        assertThat(array).hasSize(2);
    }

    @Test
    void pushQueryEndedByTheClientFreesItsQuery() throws Exception {
        KsqlClient.Stream stream = ksql.query("SELECT * FROM locations EMIT CHANGES;", "latest");
        String header = stream.next();
        String queryId = SluiceTestServer.JSON.readTree(header.substring(1, header.length() - 1)).get("header").get("queryId").asText();
        assertThat(json(ksql.ksql("SHOW QUERIES;")).toString()).contains(queryId);
        stream.close();
        long deadline = System.currentTimeMillis() + 1_500;
        while (json(ksql.ksql("SHOW QUERIES;")).toString().contains(queryId) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(json(ksql.ksql("SHOW QUERIES;")).toString()).doesNotContain(queryId);
    }

    @Test
    void queryStreamOverHttp11EndedByTheClientFreesItsQuery() throws Exception {
        KsqlClient.Stream stream = ksql.open("/query-stream", body("sql", "SELECT * FROM locations EMIT CHANGES;"),
                "application/vnd.ksqlapi.delimited.v1", HttpClient.Version.HTTP_1_1);
        String queryId = SluiceTestServer.JSON.readTree(stream.next()).get("queryId").asText();
        assertThat(json(ksql.ksql("SHOW QUERIES;")).toString()).contains(queryId);
        stream.close();
        long deadline = System.currentTimeMillis() + 1_500;
        while (json(ksql.ksql("SHOW QUERIES;")).toString().contains(queryId) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(json(ksql.ksql("SHOW QUERIES;")).toString()).doesNotContain(queryId);
    }

    @Test
    void insertsStreamAcknowledgesEachRowAndRejectsWrongTypesRowByRow() throws Exception {
        ksql.ok("CREATE STREAM readings (sensor VARCHAR KEY, reading DOUBLE, ok BOOLEAN);");
        String rows = "{\"target\":\"readings\"}\n"
                + "{\"sensor\":\"s1\",\"reading\":1.5,\"ok\":true}\n"
                + "{\"sensor\":\"s2\",\"reading\":\"hot\",\"ok\":true}\n"
                + "{\"sensor\":\"s3\",\"reading\":3,\"ok\":false}\n";
        HttpResponse<String> response = sluice.send(HttpRequest.newBuilder(sluice.uri("/inserts-stream"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(rows)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        String[] acks = response.body().split("\n");
        assertThat(acks).hasSize(3);
        assertThat(acks[0]).isEqualTo("{\"status\":\"ok\",\"seq\":0}");
        var error = SluiceTestServer.JSON.readTree(acks[1]);
        assertThat(error.get("status").asText()).isEqualTo("error");
        assertThat(error.get("seq").asInt()).isEqualTo(1);
        assertThat(error.get("error_code").asInt()).isEqualTo(40000);
        assertThat(error.get("message").asText()).contains("READING");
        assertThat(acks[2]).isEqualTo("{\"status\":\"ok\",\"seq\":2}");
        var stored = json(sluice.post("/query", body("ksql", "SELECT sensor, reading FROM readings;")));
        assertThat(stored.toString()).contains("[\"s1\",1.5]", "[\"s3\",3.0]").doesNotContain("[\"s2\"");

        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.ksqlapi.delimited.v1");
        HttpResponse<String> unknown = sluice.send(HttpRequest.newBuilder(sluice.uri("/inserts-stream"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"nowhere\"}\n{\"a\":1}\n")).build());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("@type").asText()).isEqualTo("generic_error");
        assertThat(json(unknown).get("error_code").asInt()).isEqualTo(40001);
        assertThat(json(unknown).get("message").asText()).isEqualTo("Cannot insert values into an unknown stream/table: nowhere");
    }

    @Test
    void insertsStreamAnswersAcceptJsonWithOneJsonArrayOverHttp2AndHttp11() throws Exception {
        ksql.ok("CREATE STREAM gauges (gauge VARCHAR KEY, level INT);");
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        http2.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build(), HttpResponse.BodyHandlers.discarding());
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpRequest request = HttpRequest.newBuilder(sluice.uri("/inserts-stream")).version(version)
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"gauges\"}\n{\"gauge\":\"g1\",\"level\":1}\n"
                            + "{\"gauge\":\"g2\",\"level\":\"high\"}\n{\"gauge\":\"g3\",\"level\":3}")).build();
            HttpResponse<String> response = http2.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(version);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            var acks = json(response);
            assertThat(acks.isArray()).isTrue();
            assertThat(acks).hasSize(3);
            assertThat(acks.get(0).toString()).isEqualTo("{\"status\":\"ok\",\"seq\":0}");
            assertThat(acks.get(1).get("status").asText()).isEqualTo("error");
            assertThat(acks.get(1).get("seq").asInt()).isEqualTo(1);
            assertThat(acks.get(1).get("error_code").asInt()).isEqualTo(40000);
            assertThat(acks.get(1).get("message").asText()).contains("LEVEL");
            assertThat(acks.get(2).toString()).isEqualTo("{\"status\":\"ok\",\"seq\":2}");
        }
        HttpResponse<String> noRows = sluice.send(HttpRequest.newBuilder(sluice.uri("/inserts-stream"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"gauges\"}")).build());
        assertThat(noRows.body()).isEqualTo("[]");
        var stored = json(sluice.post("/query", body("ksql", "SELECT gauge, level FROM gauges;")));
        assertThat(stored.toString()).contains("[\"g1\",1]", "[\"g3\",3]").doesNotContain("[\"g2\"");
    }
}
