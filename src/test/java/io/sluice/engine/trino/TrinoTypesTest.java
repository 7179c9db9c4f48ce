package io.sluice.engine.trino;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoSluice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Trino type Sluice maps, from a real Trino, into the canonical model and out through each protocol's
 * type vocabulary and value encoding.
 */
@Tag("trino")
class TrinoTypesTest {

    static final String ALL_TYPES = """
            SELECT true AS b, tinyint '1' AS ti, smallint '2' AS si, 3 AS i, bigint '4' AS bi, real '1.5' AS r,
                   double '2.5' AS d, decimal '12.345' AS dec, varchar 'x' AS v, char 'ab' AS ch, X'0102' AS vb,
                   date '2020-01-02' AS dt, time '01:02:03.456789' AS t, timestamp '2020-01-02 03:04:05.123456789' AS ts9,
                   timestamp '2020-01-02 03:04:05' AS ts0, timestamp '2020-01-02 03:04:05.123 Europe/Berlin' AS tstz,
                   interval '3' day AS ids, interval '2' month AS iym, uuid '12151fd2-7586-11e9-8f9e-2a86e4085a59' AS u,
                   json '{"a":1}' AS j, ARRAY[1, 2] AS arr, CAST(ROW(1, 'b') AS ROW(x integer, y varchar)) AS rw,
                   MAP(ARRAY['k'], ARRAY[decimal '1.5']) AS m, CAST(NULL AS bigint) AS nothing
            """;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = TrinoSluice.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static final List<String> NAMES = List.of("b", "ti", "si", "i", "bi", "r", "d", "dec", "v", "ch", "vb", "dt", "t", "ts9",
            "ts0", "tstz", "ids", "iym", "u", "j", "arr", "rw", "m", "nothing");

    @Test
    void trinoTypesMapIntoTheCanonicalModelWithTheirValues() {
        HttpResponse<String> response = sluice.post("/sluice/v1/statements", body("sql", ALL_TYPES, "catalog", "tpch", "waitMs", 60000));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode status = json(response);
        List<String> types = new ArrayList<>();
        status.get("schema").forEach(column -> types.add(column.get("type").asText()));
        assertThat(types).containsExactly("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE",
                "DECIMAL(5,3)", "VARCHAR", "VARCHAR", "BLOB", "DATE", "TIME", "TIMESTAMP(9)", "TIMESTAMP(0)",
                "TIMESTAMP WITH TIME ZONE", "INTERVAL", "INTERVAL", "UUID", "JSON", "INTEGER[]",
                "STRUCT(x INTEGER, y VARCHAR)", "MAP(VARCHAR, DECIMAL(2,1))", "BIGINT");
        JsonNode row = status.get("data").get(0);
        assertThat(row.toString()).isEqualTo("[true,1,2,3,4,1.5,2.5,12.345,\"x\",\"ab\",\"AQI=\",\"2020-01-02\","
                + "\"01:02:03.456789\",\"2020-01-02T03:04:05.123456789\",\"2020-01-02T03:04:05\",\"2020-01-02T02:04:05.123000Z\","
                + "\"P3D\",\"P2M\",\"12151fd2-7586-11e9-8f9e-2a86e4085a59\",{\"a\":1},[1,2],{\"x\":1,\"y\":\"b\"},{\"k\":1.5},null]");
    }

    @Test
    void everyProtocolNamesTheTypesInItsOwnVocabulary() {
        JsonNode snowflake = json(sluice.post("/api/v2/statements", body("statement", ALL_TYPES, "database", "tpch")));
        List<String> snowflakeTypes = new ArrayList<>();
        snowflake.at("/resultSetMetaData/rowType").forEach(column -> snowflakeTypes.add(column.get("type").asText()));
        assertThat(snowflakeTypes).containsExactly("boolean", "fixed", "fixed", "fixed", "fixed", "real", "real", "fixed",
                "text", "text", "binary", "date", "time", "timestamp_ntz", "timestamp_ntz", "timestamp_tz", "text", "text",
                "text", "variant", "array", "object", "object", "fixed");
        assertThat(snowflake.at("/data/0/13").asText()).isEqualTo("1577934245.123456789");

        JsonNode ncp = json(sluice.post("/api/v2/queries", body("query", ALL_TYPES, "dataSource", "tpch")));
        List<String> ncpTypes = new ArrayList<>();
        ncp.get("columns").forEach(column -> ncpTypes.add(column.get("type").asText()));
        // Trino's own type names come back out (CHAR and INTERVAL through their canonical VARCHAR and INTERVAL).
        assertThat(ncpTypes).containsExactly("boolean", "tinyint", "smallint", "integer", "bigint", "real", "double",
                "decimal(5,3)", "varchar", "varchar", "varbinary", "date", "time(6)", "timestamp(9)", "timestamp(0)",
                "timestamp(6) with time zone", "varchar", "varchar", "uuid", "json", "array(integer)",
                "row(x integer, y varchar)", "map(varchar, decimal(2,1))", "bigint");
        assertThat(ncp.at("/data/0/13").asText()).isEqualTo("2020-01-02 03:04:05.123456789");

        HttpResponse<String> druid = sluice.post("/druid/v2/sql", body("query", ALL_TYPES, "context", Map.of("catalog", "tpch"),
                "resultFormat", "array", "header", true, "typesHeader", true, "sqlTypesHeader", true));
        assertThat(druid.statusCode()).as(druid.body()).isEqualTo(200);
        JsonNode druidRows = json(druid);
        assertThat(druidRows.get(0)).hasSize(NAMES.size());
        assertThat(druidRows.get(1).toString()).isEqualTo("[\"LONG\",\"LONG\",\"LONG\",\"LONG\",\"LONG\",\"FLOAT\",\"DOUBLE\","
                + "\"DOUBLE\",\"STRING\",\"STRING\",\"COMPLEX\",\"LONG\",\"STRING\",\"LONG\",\"LONG\",\"LONG\",\"STRING\","
                + "\"STRING\",\"STRING\",\"COMPLEX<json>\",\"ARRAY<LONG>\",\"COMPLEX<json>\",\"COMPLEX<json>\",\"LONG\"]");
        assertThat(druidRows.get(2).get(3).asText()).isEqualTo("INTEGER");
    }

    @Test
    void typedParametersAreBoundByTrino() {
        String parameters = """
                [{"type": "BOOLEAN", "value": true}, {"type": "BIGINT", "value": 9007199254740993},
                 {"type": "DECIMAL(10,2)", "value": "12.50"}, {"type": "DATE", "value": "2020-01-02"},
                 {"type": "TIMESTAMP", "value": "2020-01-02T03:04:05.123456"}, {"type": "UUID", "value": "12151fd2-7586-11e9-8f9e-2a86e4085a59"},
                 {"type": "TIME", "value": "01:02:03.5"}, "it's", {"type": "BLOB", "value": "AQI="}]
                """;
        HttpResponse<String> response = sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT ? AS b, ? AS big, ? AS dec, ? AS d, ? AS ts, ? AS u, ? AS t, ? AS s, ? AS bin\", \"catalog\": \"tpch\", \"parameters\": " + parameters + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body().strip()).isEqualTo("[" + "{\"b\":true,\"big\":9007199254740993,\"dec\":12.50,"
                + "\"d\":\"2020-01-02\",\"ts\":\"2020-01-02T03:04:05.123456\",\"u\":\"12151fd2-7586-11e9-8f9e-2a86e4085a59\","
                + "\"t\":\"01:02:03.500000\",\"s\":\"it's\",\"bin\":\"AQI=\"}]");

        HttpResponse<String> named = sluice.post("/sluice/v1/query", body("sql",
                "SELECT name FROM tpch.tiny.nation WHERE regionkey = :region AND name LIKE :prefix ORDER BY name",
                "parameters", Map.of("region", 1, "prefix", "B%")));
        assertThat(named.statusCode()).as(named.body()).isEqualTo(200);
        assertThat(json(named).get(0).get("name").asText()).isEqualTo("BRAZIL");

        HttpResponse<String> wrongCount = sluice.post("/sluice/v1/query", body("sql", "SELECT ? FROM tpch.tiny.region", "parameters", List.of()));
        assertThat(wrongCount.statusCode()).isEqualTo(400);
        assertThat(json(wrongCount).get("code").asText()).isEqualTo("INVALID_PARAMETER");
    }
}
