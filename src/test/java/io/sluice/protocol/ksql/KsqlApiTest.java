package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ksqlDB's /ksql and /query over real HTTP: streams, tables, push and pull queries, aggregates, errors. */
class KsqlApiTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static KsqlClient ksql;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        ksql = new KsqlClient(sluice);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void createShowDescribeAndDropAStream() {
        JsonNode created = ksql.ok("CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR KEY, pageid STRING)"
                + " WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);");
        assertThat(created).hasSize(1);
        assertThat(created.get(0).get("@type").asText()).isEqualTo("currentStatus");
        assertThat(created.get(0).get("commandId").asText()).isEqualTo("stream/PAGEVIEWS/create");
        assertThat(created.get(0).get("commandStatus").get("status").asText()).isEqualTo("SUCCESS");
        assertThat(created.get(0).get("commandStatus").get("message").asText()).isEqualTo("Stream created");
        assertThat(created.get(0).get("statementText").asText()).startsWith("CREATE STREAM pageviews");
        assertThat(created.get(0).get("warnings").isArray()).isTrue();

        JsonNode shown = ksql.ok("SHOW STREAMS;");
        assertThat(shown.get(0).get("@type").asText()).isEqualTo("streams");
        JsonNode stream = findByName(shown.get(0).get("streams"), "PAGEVIEWS");
        assertThat(stream.get("type").asText()).isEqualTo("STREAM");
        assertThat(stream.get("topic").asText()).isEqualTo("pageviews");

        JsonNode described = ksql.ok("DESCRIBE pageviews;").get(0);
        assertThat(described.get("@type").asText()).isEqualTo("sourceDescription");
        JsonNode fields = described.get("sourceDescription").get("fields");
        assertThat(fields.get(1).get("name").asText()).isEqualTo("USERID");
        assertThat(fields.get(1).get("type").asText()).isEqualTo("KEY");
        assertThat(fields.get(2).get("schema").get("type").asText()).isEqualTo("STRING");

        // A stream is also a plain table for the other APIs.
        ksql.ok("INSERT INTO pageviews (viewtime, userid, pageid) VALUES (1, 'u1', 'home');");
        HttpResponse<String> plain = sluice.post("/sluice/v1/query", body("sql", "SELECT userid, pageid FROM pageviews"));
        assertThat(json(plain).get(0).get("USERID").asText()).isEqualTo("u1");

        JsonNode dropped = ksql.ok("DROP STREAM pageviews;").get(0);
        assertThat(dropped.get("commandId").asText()).isEqualTo("stream/PAGEVIEWS/drop");
        assertThat(findByName(ksql.ok("SHOW STREAMS;").get(0).get("streams"), "PAGEVIEWS")).isNull();
    }

    @Test
    void pushQueryWithLimitReplaysEarliestRowsAndEnds() throws Exception {
        ksql.ok("CREATE STREAM riders (profileId VARCHAR KEY, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='r', value_format='json');"
                + "INSERT INTO riders (profileId, latitude, longitude) VALUES ('c2309eec', 37.7877, -122.4205);"
                + "INSERT INTO riders (profileId, latitude, longitude) VALUES ('18f4ea86', 37.3903, -122.0643);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM riders EMIT CHANGES LIMIT 3;", "earliest")) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            String header = stream.next();
            assertThat(header).startsWith("[{\"header\":{\"queryId\":\"transient_RIDERS_");
            assertThat(header).endsWith("\"schema\":\"`PROFILEID` STRING, `LATITUDE` DOUBLE, `LONGITUDE` DOUBLE\"}},");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"c2309eec\",37.7877,-122.4205]}},");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"18f4ea86\",37.3903,-122.0643]}},");
            ksql.ok("INSERT INTO riders (profileId, latitude, longitude) VALUES ('4ab5cbad', 37.3952, -122.0813);");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"4ab5cbad\",37.3952,-122.0813]}},");
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
            assertThat(stream.next()).isEqualTo("<EOF>");
        }
    }

    @Test
    void latestStartsFromNowAndSeesRowsInsertedThroughOtherApis() throws Exception {
        ksql.ok("CREATE STREAM clicks (id VARCHAR KEY, n INT) WITH (kafka_topic='clicks', value_format='json');"
                + "INSERT INTO clicks (id, n) VALUES ('old', 1);");
        try (KsqlClient.Stream stream = ksql.query("SELECT n, id FROM clicks WHERE n > 1 EMIT CHANGES LIMIT 2;", "latest")) {
            assertThat(stream.next()).contains("\"schema\":\"`N` INTEGER, `ID` STRING\"");
            ksql.ok("INSERT INTO clicks (id, n) VALUES ('a', 2);");
            ksql.ok("INSERT INTO clicks (id, n) VALUES ('filtered', 1);");
            sluice.post("/sluice/v1/query", body("sql", "INSERT INTO clicks (id, n) VALUES ('native', 3)"));
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[2,\"a\"]}},");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[3,\"native\"]}},");
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
        }
    }

    @Test
    void tableUpsertsAndDeletesStreamAsRowsAndTombstonesAndPullQueryReturnsCurrentRows() throws Exception {
        ksql.ok("CREATE TABLE users (id VARCHAR PRIMARY KEY, name STRING, age INT) WITH (kafka_topic='users', value_format='json');"
                + "INSERT INTO users (id, name, age) VALUES ('1', 'Alice', 30);");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM users EMIT CHANGES LIMIT 4;", "earliest")) {
            assertThat(stream.next()).contains("\"schema\":\"`ID` STRING, `NAME` STRING, `AGE` INTEGER\"");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"1\",\"Alice\",30]}},");
            ksql.ok("INSERT INTO users (id, name, age) VALUES ('2', 'Bob', 40);");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"2\",\"Bob\",40]}},");
            ksql.ok("INSERT INTO users (id, name, age) VALUES ('1', 'Alice', 31);");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"1\",\"Alice\",31]}},");
            sluice.post("/sluice/v1/query", body("sql", "DELETE FROM users WHERE id = '2'"));
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"2\",null,null],\"tombstone\":true}},");
            assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
        }
        HttpResponse<String> pull = sluice.post("/query", body("ksql", "SELECT * FROM users WHERE id = '1';"));
        assertThat(pull.statusCode()).isEqualTo(200);
        JsonNode rows = json(pull);
        assertThat(rows.get(0).get("header").get("schema").asText()).isEqualTo("`ID` STRING KEY, `NAME` STRING, `AGE` INTEGER");
        assertThat(rows.get(1).get("row").get("columns").toString()).isEqualTo("[\"1\",\"Alice\",31]");
        assertThat(rows.get(2).get("finalMessage").asText()).isNotEmpty();
        assertThat(rows).hasSize(3);
    }

    @Test
    void persistentAggregateIsMaintainedAsRowsArriveAndPushQueriesSeeUpserts() throws Exception {
        ksql.ok("CREATE STREAM orders (id VARCHAR KEY, region STRING, amount INT) WITH (kafka_topic='orders', value_format='json');"
                + "INSERT INTO orders (id, region, amount) VALUES ('o1', 'EU', 10);"
                + "INSERT INTO orders (id, region, amount) VALUES ('o2', 'US', 5);");
        JsonNode created = ksql.ok("CREATE TABLE region_totals AS SELECT region, COUNT(*) AS orders, SUM(amount) AS total"
                + " FROM orders GROUP BY region EMIT CHANGES;").get(0);
        assertThat(created.get("commandStatus").get("queryId").asText()).startsWith("CTAS_REGION_TOTALS_");
        assertThat(json(ksql.ksql("SHOW QUERIES;")).get(0).get("queries").toString()).contains("CTAS_REGION_TOTALS_", "PERSISTENT");
        try (KsqlClient.Stream stream = ksql.query("SELECT * FROM region_totals EMIT CHANGES LIMIT 3;", "earliest")) {
            stream.next();
            List<String> rows = new ArrayList<>(List.of(stream.next(), stream.next()));
            assertThat(rows).containsExactlyInAnyOrder("{\"row\":{\"columns\":[\"EU\",1,10]}},", "{\"row\":{\"columns\":[\"US\",1,5]}},");
            ksql.ok("INSERT INTO orders (id, region, amount) VALUES ('o3', 'EU', 7);");
            assertThat(stream.next()).isEqualTo("{\"row\":{\"columns\":[\"EU\",2,17]}},");
        }
        HttpResponse<String> pull = sluice.post("/query", body("ksql", "SELECT total FROM region_totals WHERE region = 'EU';"));
        assertThat(json(pull).get(1).get("row").get("columns").get(0).asInt()).isEqualTo(17);
    }

    @Test
    void everyStatementAnswersWithTheEntityKsqlDbAnswersItWith() throws Exception {
        ksql.ok("CREATE STREAM readings (sensor VARCHAR KEY, v DOUBLE) WITH (kafka_topic='sensor-readings', value_format='json', partitions=3);");
        JsonNode listed = findByName(ksql.ok("LIST STREAMS;").get(0).get("streams"), "READINGS");
        assertThat(listed.get("valueFormat").asText()).isEqualTo("JSON");
        assertThat(listed.get("keyFormat").asText()).isEqualTo("KAFKA");

        JsonNode topics = ksql.ok("SHOW TOPICS;").get(0);
        assertThat(topics.get("@type").asText()).isEqualTo("kafka_topics");
        assertThat(findByName(topics.get("topics"), "sensor-readings").get("replicaInfo").toString()).isEqualTo("[1,1,1]");

        JsonNode extended = ksql.ok("SHOW STREAMS EXTENDED;").get(0);
        assertThat(extended.get("@type").asText()).isEqualTo("source_descriptions");
        JsonNode description = findByName(extended.get("sourceDescriptions"), "READINGS");
        assertThat(description.get("topic").asText()).isEqualTo("sensor-readings");
        assertThat(description.get("partitions").asInt()).isEqualTo(3);
        assertThat(description.get("extended").asBoolean()).isTrue();

        // ksqlDB's /ksql answers INSERT INTO ... VALUES with no entity at all: its executor for the statement returns
        // none (CustomExecutors' InsertValues handler), so the body is an empty array and clients expect that.
        assertThat(ksql.ok("INSERT INTO readings (sensor, v) VALUES ('s1', 1.5);").toString()).isEqualTo("[]");
        JsonNode mixed = ksql.ok("INSERT INTO readings (sensor, v) VALUES ('s2', 2.5); SHOW TABLES;");
        assertThat(mixed).hasSize(1);
        assertThat(mixed.get(0).get("@type").asText()).isEqualTo("tables");

        try (KsqlClient.Stream push = ksql.query("SELECT * FROM readings EMIT CHANGES;", "latest")) {
            String header = push.next();
            String queryId = SluiceTestServer.JSON.readTree(header.substring(1, header.length() - 1)).get("header").get("queryId").asText();
            JsonNode terminated = ksql.ok("TERMINATE " + queryId + ";").get(0);
            assertThat(terminated.get("@type").asText()).isEqualTo("terminate_query");
            assertThat(terminated.get("queryId").asText()).isEqualTo(queryId);
            assertThat(terminated.get("wasTerminated").asBoolean()).isTrue();
            assertThat(push.next()).isEqualTo("{\"finalMessage\":\"Query terminated\"}]");
        }
    }

    @Test
    void badStatementsGetKsqlErrors() {
        HttpResponse<String> syntax = ksql.ksql("CREATE STREM x (a INT);");
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(json(syntax).get("@type").asText()).isEqualTo("statement_error");
        assertThat(json(syntax).get("error_code").asInt()).isEqualTo(40001);

        HttpResponse<String> unknown = sluice.post("/query", body("ksql", "SELECT * FROM nowhere EMIT CHANGES;"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error_code").asInt()).isEqualTo(40001);
        assertThat(json(unknown).get("message").asText()).contains("NOWHERE does not exist");

        ksql.ok("CREATE STREAM things (id VARCHAR KEY, v INT);");
        HttpResponse<String> column = sluice.post("/query", body("ksql", "SELECT nope FROM things EMIT CHANGES;"));
        assertThat(json(column).get("error_code").asInt()).isEqualTo(40001);
        assertThat(json(column).get("message").asText()).contains("NOPE");

        HttpResponse<String> select = ksql.ksql("SELECT * FROM things;");
        assertThat(json(select).get("error_code").asInt()).isEqualTo(40002);

        HttpResponse<String> type = ksql.ksql("INSERT INTO things (id, v) VALUES ('a', 'not a number');");
        assertThat(json(type).get("error_code").asInt()).isEqualTo(40001);

        HttpResponse<String> close = sluice.post("/close-query", body("queryId", "transient_NOPE_1"));
        assertThat(close.statusCode()).isEqualTo(400);
        assertThat(json(close).get("@type").asText()).isEqualTo("generic_error");

        HttpResponse<String> anonymous = sluice.post("/ksql", body("ksql", "SHOW STREAMS;"), "nobody.wrongwrongwrongwrongwrong");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("error_code").asInt()).isEqualTo(40100);
    }

    static JsonNode findByName(JsonNode array, String name) {
        for (JsonNode node : array) {
            if (node.get("name").asText().equals(name)) {
                return node;
            }
        }
        return null;
    }
}
