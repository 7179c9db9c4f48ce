package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoDataTest {

    private Connection connection;

    @BeforeEach
    void installIntoFreshDatabase() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        for (String catalog : DemoData.CATALOGS) {
            execute("ATTACH ':memory:' AS " + catalog);
        }
        DemoData.install(this::execute);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void druidReferenceQueryReturnsTheBlueMoonEditExactlyOnce() throws SQLException {
        // The query text of the Druid SQL API reference, verbatim.
        List<Map<String, Object>> rows = query("SELECT * FROM wikipedia WHERE user='BlueMoon2662'");

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("__time", LocalDateTime.parse("2015-09-12T00:47:53.259"));
        expected.put("channel", "#ja.wikipedia");
        expected.put("cityName", "");
        expected.put("comment", "/* 対戦通算成績と得失点 */");
        expected.put("countryIsoCode", "");
        expected.put("countryName", "");
        expected.put("isAnonymous", 0L);
        expected.put("isMinor", 1L);
        expected.put("isNew", 0L);
        expected.put("isRobot", 0L);
        expected.put("isUnpatrolled", 0L);
        expected.put("metroCode", 0L);
        expected.put("namespace", "Main");
        expected.put("page", "アルビレックス新潟の年度別成績一覧");
        expected.put("regionIsoCode", "");
        expected.put("regionName", "");
        expected.put("user", "BlueMoon2662");
        expected.put("delta", 14L);
        expected.put("added", 14L);
        expected.put("deleted", 0L);
        // Same columns in the same order as the Druid schema, and the single row of numTotalRows: 1.
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst()).containsExactlyEntriesOf(expected);
    }

    @Test
    void druidStatementsSampleRecordsAreTheTenEarliestEdits() throws SQLException {
        List<Map<String, Object>> rows = query(
                "SELECT epoch_ms(\"__time\") AS millis, \"user\", page, delta FROM wikipedia ORDER BY \"__time\" LIMIT 10");

        assertThat(rows).extracting(row -> row.get("millis")).containsExactly(
                1442018818771L, 1442018820496L, 1442018825474L, 1442018828770L, 1442018831862L,
                1442018833987L, 1442018837009L, 1442018839591L, 1442018841578L, 1442018845821L);
        assertThat(rows.get(2)).containsEntry("user", "60.225.66.142").containsEntry("page", "Peremptory norm");
        assertThat(rows.get(6)).containsEntry("user", "Jaumellecha").containsEntry("delta", -20L);
    }

    @Test
    void wikipediaHoldsAboutTwentyFourThousandEditsOfOneDay() throws SQLException {
        Map<String, Object> summary = query("""
                SELECT count(*) AS edits, min("__time") AS first_edit, max("__time") AS last_edit
                FROM wikipedia""").getFirst();

        assertThat(summary.get("edits")).isEqualTo(24_433L);
        assertThat((LocalDateTime) summary.get("first_edit")).isAfterOrEqualTo(LocalDateTime.parse("2015-09-12T00:00"));
        assertThat((LocalDateTime) summary.get("last_edit")).isBefore(LocalDateTime.parse("2015-09-13T00:00"));
    }

    @Test
    void ncpReferenceQueryReturnsThePrintedRows() throws SQLException {
        // The NCP example binds its executionParameters ["CNY", "2023.01.01"] to the two markers.
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM public_data.korea_trade_insurance.exchange_rate where currency_code = ? and date > ?")) {
            statement.setString(1, "CNY");
            statement.setString(2, "2023.01.01");
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.getMetaData().getColumnCount()).isEqualTo(4);
                assertThat(List.of(result.getMetaData().getColumnName(1), result.getMetaData().getColumnName(2),
                        result.getMetaData().getColumnName(3), result.getMetaData().getColumnName(4)))
                        .containsExactly("currency_code", "date", "trade_rate", "us_conversion_rate");
                while (result.next()) {
                    rows.add(List.of(result.getString(1), result.getString(2), result.getString(3), result.getString(4)));
                }
            }
        }

        assertThat(rows).containsExactly(
                List.of("CNY", "2023.1.9", "184.56", "0.1456"),
                List.of("CNY", "2023.1.17", "183.87", "0.149"),
                List.of("CNY", "2023.1.30", "182.33", "0.1482"),
                List.of("CNY", "2023.2.8", "184.89", "0.1472"));
    }

    @Test
    void nektReferenceTableHasCustomers() throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM \"nekt_raw\".\"customers\"");

        assertThat(rows).hasSize(300);
        assertThat(rows.getFirst()).containsKeys("id", "name", "email", "country", "created_at", "lifetime_value");
    }

    @Test
    void installingTwiceLeavesTheSameData() throws SQLException {
        String fingerprint = """
                SELECT
                    (SELECT count(*) FROM wikipedia) AS wikipedia_rows,
                    (SELECT sum(delta) FROM wikipedia) AS wikipedia_delta,
                    (SELECT count(*) FROM public_data.korea_trade_insurance.exchange_rate) AS rate_rows,
                    (SELECT count(*) FROM nekt_raw.customers) AS customer_rows,
                    (SELECT sum(lifetime_value) FROM nekt_raw.customers) AS customer_value""";
        Map<String, Object> before = query(fingerprint).getFirst();

        DemoData.install(this::execute);

        assertThat(query(fingerprint).getFirst()).isEqualTo(before);
    }

    @Test
    void installIsFast() {
        long started = System.nanoTime();
        DemoData.install(this::execute);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(elapsedMillis).isLessThan(2_000);
    }

    @Test
    void scriptsSplitIntoStatementsWithoutComments() {
        List<String> statements = DemoData.statements("""
                -- a comment; with a semicolon
                CREATE SCHEMA s;

                SELECT ';' AS text
                FROM t;
                """);

        assertThat(statements).containsExactly("CREATE SCHEMA s", "SELECT ';' AS text\nFROM t");
    }

    private void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("demo statement failed: " + sql, e);
        }
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int column = 1; column <= columns; column++) {
                    Object value = result.getObject(column);
                    // DuckDB hands out java.sql.Timestamp; compare as LocalDateTime to stay zone-free.
                    if (value instanceof java.sql.Timestamp timestamp) {
                        value = timestamp.toLocalDateTime();
                    }
                    row.put(result.getMetaData().getColumnName(column), value);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
