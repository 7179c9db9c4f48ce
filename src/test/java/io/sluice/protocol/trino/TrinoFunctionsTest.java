package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trino SQL that clients commonly send, through trino-jdbc to Sluice on DuckDB, answers as the real Trino the suite
 * starts answers the same statement sent to it directly: value for value, and of the same type. The same Sluice
 * routes its {@code tpch} catalog to that Trino, where the statements pass through untouched.
 */
@Tag("trino")
class TrinoFunctionsTest {

    /** 0..99, in SQL both engines read. */
    private static final String HUNDRED = "(SELECT d.x * 10 + u.x AS x FROM "
            + "(VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS d(x) CROSS JOIN "
            + "(VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS u(x)) AS hundred";

    /** Each statement, as a client would send it. */
    private static final List<String> STATEMENTS = List.of(
            "SELECT date_trunc('month', DATE '2020-03-15'), date_trunc('week', DATE '2020-03-15'), "
                    + "date_trunc('year', DATE '2020-03-15')",
            "SELECT date_trunc('hour', TIMESTAMP '2020-03-15 13:45:12.345'), "
                    + "date_trunc('quarter', TIMESTAMP '2020-05-15 01:02:03'), date_trunc('day', from_unixtime(1584280000))",
            "SELECT date_add('day', 1, DATE '2020-02-28'), date_add('month', 1, DATE '2020-01-31'), "
                    + "date_add('week', 2, DATE '2020-12-25'), date_add('year', -1, DATE '2020-02-29')",
            "SELECT date_add('hour', -30, TIMESTAMP '2020-03-01 01:00:00'), "
                    + "date_add('quarter', 1, TIMESTAMP '2020-11-30 10:00:00'), "
                    + "date_add('millisecond', 1500, TIMESTAMP '2020-01-01 00:00:00.000'), "
                    + "date_add('minute', 90, from_unixtime(0))",
            "SELECT date_diff('day', TIMESTAMP '2020-01-01 23:00:00', TIMESTAMP '2020-01-02 01:00:00'), "
                    + "date_diff('month', DATE '2020-01-31', DATE '2020-02-29'), "
                    + "date_diff('month', DATE '2020-01-15', DATE '2020-03-14'), "
                    + "date_diff('year', DATE '2019-06-01', DATE '2021-05-31'), "
                    + "date_diff('hour', TIMESTAMP '2020-01-01 00:30:00', TIMESTAMP '2020-01-01 02:10:00'), "
                    + "date_diff('week', DATE '2020-01-01', DATE '2020-01-20'), "
                    + "date_diff('day', DATE '2020-03-01', DATE '2020-02-01'), "
                    + "date_diff('second', TIMESTAMP '2020-01-01 00:00:00.900', TIMESTAMP '2020-01-01 00:00:02.100')",
            "SELECT from_unixtime(1600000000), from_unixtime(1600000000.25), to_unixtime(from_unixtime(1600000000.5)), "
                    + "to_unixtime(TIMESTAMP '2020-01-01 00:00:01.500')",
            "SELECT approx_distinct(x % 7), approx_distinct(x), approx_distinct(CAST(x % 3 AS varchar)) FROM " + HUNDRED,
            "SELECT json_extract_scalar('{\"a\": {\"b\": \"x\"}}', '$.a.b'), "
                    + "json_extract_scalar('{\"a\": {\"b\": 1}}', '$.a'), "
                    + "json_extract_scalar('{\"a\": [10, 20, 30]}', '$.a[2]'), "
                    + "json_extract_scalar('{\"a b\": true}', '$[\"a b\"]'), "
                    + "json_extract_scalar('{\"a\": null}', '$.a'), "
                    + "json_extract_scalar('{\"a\": 1}', '$.missing')",
            "SELECT regexp_like('Sluice-42', '\\d+'), regexp_like('abc', '^b'), regexp_like('abc', 'B')",
            "SELECT element_at(ARRAY[10, 20, 30], 2), element_at(ARRAY[10, 20, 30], -1), element_at(ARRAY[10, 20, 30], 5), "
                    + "element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'b'), element_at(MAP(ARRAY['a'], ARRAY[1]), 'z')",
            "SELECT cardinality(ARRAY[1, 2, 3]), cardinality(MAP(ARRAY['a'], ARRAY[1]))",
            "SELECT format_datetime(TIMESTAMP '2020-03-05 14:07:09.123', 'yyyy-MM-dd HH:mm:ss.SSS'), "
                    + "format_datetime(TIMESTAMP '2020-03-05 04:07:09', 'EEE, d MMM yy h:mm a'), "
                    + "format_datetime(TIMESTAMP '2020-12-31 00:00:00', 'EEEE MMMM D ''o''''clock'' k K'), "
                    + "format_datetime(from_unixtime(0), 'yyyy-MM-dd''T''HH:mm:ss')",
            "SELECT CAST(42 AS varchar), CAST(DATE '2020-03-05' AS varchar), CAST(true AS varchar), "
                    + "CAST('17' AS bigint)",
            "SELECT TRY_CAST('x' AS integer), TRY_CAST('12' AS integer), TRY_CAST('2020-13-01' AS date)",
            "SELECT x FROM " + HUNDRED + " WHERE x % 9 = 0 ORDER BY x DESC LIMIT 3");

    @TempDir
    static Path data;
    static TlsSluice sluice;

    @BeforeAll
    static void start() throws Exception {
        String trino = TrinoCluster.shared().url();
        sluice = TlsSluice.start(data, Duration.ofSeconds(30),
                config -> config.withEngines(EngineSettings.trino(TrinoConfig.of(trino, TrinoSluice.CATALOGS))));
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    /** trino-jdbc to Sluice; {@code path} is the catalog/schema part of the URL ("" for none: DuckDB's default). */
    private static Connection throughSluice(String path) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", sluice.keystore().toString());
        properties.setProperty("SSLTrustStorePassword", TlsSluice.PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        properties.setProperty("user", "admin");
        properties.setProperty("accessToken", SluiceTestServer.ADMIN_KEY);
        properties.setProperty("timezone", "UTC");
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.port() + path, properties);
    }

    private static Connection direct() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "admin");
        properties.setProperty("timezone", "UTC");
        return DriverManager.getConnection(TrinoCluster.shared().jdbcUrl() + "/tpch/tiny", properties);
    }

    @Test
    void trinoFunctionsOnDuckDbAnswerAsTrinoDoes() throws SQLException {
        try (Connection duckdb = throughSluice(""); Connection trino = direct()) {
            for (String sql : STATEMENTS) {
                assertThat(answer(duckdb, sql)).as(sql).isEqualTo(answer(trino, sql));
            }
        }
    }

    /** Both engines estimate percentiles (t-digests): of the same type, and within 2% of the range of each other. */
    @Test
    void approxPercentileEstimatesAsTrinoDoes() throws SQLException {
        String sql = "SELECT approx_percentile(x, 0.5), approx_percentile(x, 0.9), approx_percentile(CAST(x AS double), 0.25), "
                + "approx_percentile(x, ARRAY[0.1, 0.99]) FROM " + HUNDRED;
        try (Connection duckdb = throughSluice(""); Connection trino = direct()) {
            List<Object> ours = answer(duckdb, sql);
            List<Object> trinos = answer(trino, sql);
            assertThat(ours.getFirst()).isEqualTo(trinos.getFirst());
            List<?> ourRow = (List<?>) ours.get(1);
            List<?> trinoRow = (List<?>) trinos.get(1);
            for (int column = 0; column < 3; column++) {
                assertThat((BigDecimal) ourRow.get(column)).as("column " + column)
                        .isCloseTo((BigDecimal) trinoRow.get(column), org.assertj.core.data.Offset.offset(BigDecimal.TWO));
            }
            List<?> ourArray = (List<?>) ourRow.get(3);
            List<?> trinoArray = (List<?>) trinoRow.get(3);
            assertThat(ourArray).hasSameSizeAs(trinoArray);
            for (int index = 0; index < ourArray.size(); index++) {
                assertThat((BigDecimal) ourArray.get(index))
                        .isCloseTo((BigDecimal) trinoArray.get(index), org.assertj.core.data.Offset.offset(BigDecimal.TWO));
            }
        }
    }

    /** With a session catalog and schema (USE before the functions' search path) the functions still resolve. */
    @Test
    void theFunctionsResolveInASessionSchemaAndTablesStillDo() throws SQLException {
        String catalog;
        try (Connection connection = throughSluice(""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS fn_events");
            try (ResultSet rows = statement.executeQuery("SELECT current_database()")) {
                rows.next();
                catalog = rows.getString(1);
            }
        }
        try (Connection connection = throughSluice("/" + catalog + "/fn_events");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE visits (seen_at TIMESTAMP, page VARCHAR)");
            statement.execute("INSERT INTO visits VALUES (TIMESTAMP '2024-05-01 10:15:00', 'home'), "
                    + "(TIMESTAMP '2024-05-01 23:59:00', 'docs'), (TIMESTAMP '2024-05-03 08:00:00', 'home')");
            try (ResultSet rows = statement.executeQuery("SELECT date_trunc('day', seen_at) AS day, approx_distinct(page) "
                    + "FROM visits GROUP BY 1 ORDER BY 1")) {
                List<String> days = new ArrayList<>();
                while (rows.next()) {
                    days.add(rows.getTimestamp(1).toLocalDateTime().toLocalDate() + "=" + rows.getLong(2));
                }
                assertThat(days).containsExactly("2024-05-01=2", "2024-05-03=1");
            }
        }
        // The table went to the session's schema, not to the functions' catalog.
        try (Connection connection = throughSluice(""); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM fn_events.visits")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(3);
        }
    }

    /** trino-jdbc's PreparedStatement sends typed literals in EXECUTE … USING; the typed macros pick by them. */
    @Test
    void preparedStatementsBindTheFunctionsArguments() throws SQLException {
        String sql = "SELECT date_trunc('month', ?), date_add('day', ?, ?), date_diff('day', ?, ?)";
        List<List<List<Object>>> answers = new ArrayList<>();
        for (Connection connection : new Connection[] {throughSluice(""), direct()}) {
            try (connection; PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setObject(1, LocalDateTime.parse("2021-07-19T08:30:00"));
                statement.setInt(2, 3);
                statement.setObject(3, LocalDate.parse("2021-12-30"));
                statement.setObject(4, LocalDate.parse("2021-01-01"));
                statement.setObject(5, LocalDate.parse("2021-03-01"));
                try (ResultSet rows = statement.executeQuery()) {
                    answers.add(rows(rows));
                }
            }
        }
        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    /** On Sluice's Trino engine the same statements pass through untouched: Trino itself answers them. */
    @Test
    void onTheTrinoEngineStatementsPassThrough() throws SQLException {
        try (Connection viaSluice = throughSluice("/tpch/tiny"); Connection trino = direct()) {
            for (String sql : List.of(STATEMENTS.get(4), STATEMENTS.get(11),
                    "SELECT date_trunc('month', orderdate) AS m, approx_distinct(custkey) FROM orders "
                            + "GROUP BY 1 ORDER BY 1 LIMIT 5")) {
                assertThat(answer(viaSluice, sql)).as(sql).isEqualTo(answer(trino, sql));
            }
        }
    }

    /** Other protocols keep DuckDB's own meanings: date_diff counts day boundaries there, Trino's counts whole days. */
    @Test
    void otherProtocolsKeepDuckDbsMeanings() throws Exception {
        String sql = "SELECT date_diff('day', TIMESTAMP '2020-01-01 23:00:00', TIMESTAMP '2020-01-02 01:00:00') AS d";
        long duckDbs = SluiceTestServer.JSON.readTree(nativeQuery(sql)).get(0).get("d").asLong();
        long trinos;
        try (Connection connection = throughSluice(""); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            trinos = rows.getLong(1);
        }
        assertThat(duckDbs).isEqualTo(1);
        assertThat(trinos).isZero();
        assertThat(nativeQuery("SELECT regexp_like('a', 'a') AS r")).contains("regexp_like");
    }

    /** The native API's answer to {@code sql}, over the test's TLS. */
    private static String nativeQuery(String sql) throws Exception {
        return sluice.adminRequest("POST", "/sluice/v1/query", SluiceTestServer.body("sql", sql));
    }

    /** current_timestamp is the time now, as an instant. */
    @Test
    void currentTimestampIsNow() throws SQLException {
        try (Connection connection = throughSluice(""); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_timestamp")) {
            rows.next();
            assertThat(rows.getMetaData().getColumnTypeName(1)).startsWith("timestamp").endsWith("with time zone");
            Instant now = Instant.now();
            assertThat(rows.getTimestamp(1).toInstant()).isBetween(now.minusSeconds(60), now.plusSeconds(1));
        }
    }

    /** The statement's columns as (base type, value) pairs, row by row. */
    private static List<Object> answer(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<Object> answer = new ArrayList<>();
            ResultSetMetaData meta = rows.getMetaData();
            List<String> types = new ArrayList<>();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
                types.add(baseType(meta.getColumnTypeName(column)));
            }
            answer.add(types);
            answer.addAll(rows(rows));
            return answer;
        }
    }

    private static List<List<Object>> rows(ResultSet rows) throws SQLException {
        List<List<Object>> all = new ArrayList<>();
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
            List<Object> row = new ArrayList<>();
            for (int column = 1; column <= columns; column++) {
                row.add(comparable(rows.getObject(column)));
            }
            all.add(row);
        }
        return all;
    }

    /** A type name without its precision or length: timestamp(3) and timestamp(6) are both timestamps. */
    private static String baseType(String name) {
        return name.replaceAll("\\(\\d+(,\\s*\\d+)?\\)", "").replaceAll("^(var)?char$", "varchar")
                .replaceAll("^decimal$", "decimal");
    }

    /** Values as what they mean: instants, dates, numbers by value, arrays and maps by their elements. */
    private static Object comparable(Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            case java.time.ZonedDateTime zoned -> zoned.toInstant();
            case java.time.OffsetDateTime offset -> offset.toInstant();
            case java.sql.Date date -> date.toLocalDate();
            case java.sql.Time time -> time.toLocalTime();
            case Double number -> new BigDecimal(number.toString()).stripTrailingZeros();
            case Float number -> new BigDecimal(number.toString()).stripTrailingZeros();
            case Number number -> new BigDecimal(number.toString()).stripTrailingZeros();
            case java.sql.Array array -> {
                List<Object> elements = new ArrayList<>();
                for (Object element : (Object[]) array.getArray()) {
                    elements.add(comparable(element));
                }
                yield elements;
            }
            case Object[] array -> {
                List<Object> elements = new ArrayList<>();
                for (Object element : array) {
                    elements.add(comparable(element));
                }
                yield elements;
            }
            case Map<?, ?> map -> {
                Map<Object, Object> entries = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    entries.put(comparable(entry.getKey()), comparable(entry.getValue()));
                }
                yield entries;
            }
            default -> value instanceof List<?> list ? Arrays.asList(list.toArray()) : value;
        };
    }
}
