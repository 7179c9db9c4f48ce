package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.testing.SluiceTestServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real trino-jdbc driver against a real Sluice on DuckDB: a million rows of every common type, prepared
 * statements, the driver's DatabaseMetaData, session statements, cancel, query timeout and SQL errors. trino-jdbc
 * sends credentials only over TLS, so Sluice serves HTTPS with a self-signed certificate made by keytool for the
 * test; the API key goes as the driver's access token (Authorization: Bearer) or as its password (HTTP Basic).
 */
class TrinoJdbcTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String catalog;

    static final String PASSWORD = TlsSluice.PASSWORD;
    static TlsSluice tls;
    static Path keystore;

    @BeforeAll
    static void start() throws Exception {
        tls = TlsSluice.start(data, Duration.ofSeconds(30));
        sluice = tls.server();
        keystore = tls.keystore();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE trino_meta (id BIGINT, label VARCHAR, amount DECIMAL(10,2), seen DATE)");
            statement.execute("INSERT INTO trino_meta VALUES (1, 'one', 1.50, DATE '2024-01-31'), (2, 'two', 2.25, NULL)");
            try (ResultSet rows = statement.executeQuery("SELECT current_database()")) {
                rows.next();
                catalog = rows.getString(1);
            }
        }
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    /** The admin's key as the driver's access token (Authorization: Bearer). */
    static Connection connect() throws SQLException {
        Properties properties = tls();
        properties.setProperty("user", "admin");
        properties.setProperty("accessToken", SluiceTestServer.ADMIN_KEY);
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.server.port(), properties);
    }

    /** The driver trusting only the test's certificate. */
    static Properties tls() {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", keystore.toString());
        properties.setProperty("SSLTrustStorePassword", PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        return properties;
    }

    @Test
    void theKeyAsBasicPasswordWorksAndAWrongOneIsRefused() throws SQLException {
        Properties properties = tls();
        properties.setProperty("user", "bob");
        properties.setProperty("password", sluice.otherUserKey);
        try (Connection connection = DriverManager.getConnection("jdbc:trino://localhost:" + sluice.server.port(), properties);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 6 * 7")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
        properties.setProperty("password", "bob.wrongwrongwrongwrongwrong");
        assertThatThrownBy(() -> {
            try (Connection connection = DriverManager.getConnection("jdbc:trino://localhost:" + sluice.server.port(), properties);
                 Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT 1");
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("401");
        properties.setProperty("password", sluice.otherUserKey);
        properties.setProperty("user", "admin"); // bob's key, but claiming to be the admin
        assertThatThrownBy(() -> {
            try (Connection connection = DriverManager.getConnection("jdbc:trino://localhost:" + sluice.server.port(), properties);
                 Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT 1");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getMessage()).contains("cannot impersonate");
            assertThat(e.getErrorCode()).isEqualTo(4); // PERMISSION_DENIED
        });
    }

    @Test
    void aMillionRowsOfEveryCommonTypeComeThroughThePages() throws SQLException {
        String sql = "SELECT i AS id, CAST(i % 1000 AS INTEGER) AS small, i / 4.0 AS ratio, "
                + "CAST(i AS DECIMAL(18,2)) AS amount, 'row-' || i AS label, i % 2 = 0 AS even, "
                + "DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day, "
                + "TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS ts, "
                + "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS tstz, [i, i + 1] AS pair "
                + "FROM range(1000000) AS t(i) ORDER BY i";
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> types = new ArrayList<>();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
                types.add(meta.getColumnTypeName(column));
            }
            assertThat(types).containsExactly("bigint", "integer", "double", "decimal(18,2)", "varchar", "boolean",
                    "date", "timestamp(6)", "timestamp(6) with time zone", "array(bigint)");
            assertThat(meta.getColumnType(1)).isEqualTo(Types.BIGINT);
            assertThat(meta.getColumnType(8)).isEqualTo(Types.TIMESTAMP);
            long count = 0;
            LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
            while (rows.next()) {
                long i = count;
                assertThat(rows.getLong("id")).isEqualTo(i);
                if (i % 9973 == 0 || i == 999_999) { // every column of a sample of rows; ids of all of them
                    assertThat(rows.getInt("small")).isEqualTo((int) (i % 1000));
                    assertThat(rows.getDouble("ratio")).isEqualTo(i / 4.0);
                    assertThat(rows.getBigDecimal("amount")).isEqualByComparingTo(BigDecimal.valueOf(i));
                    assertThat(rows.getString("label")).isEqualTo("row-" + i);
                    assertThat(rows.getBoolean("even")).isEqualTo(i % 2 == 0);
                    assertThat(rows.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(i % 365));
                    assertThat(rows.getObject("ts", LocalDateTime.class)).isEqualTo(start.plusSeconds(i));
                    assertThat(rows.getObject("tstz", java.time.ZonedDateTime.class).toInstant())
                            .isEqualTo(start.plusSeconds(i).toInstant(ZoneOffset.UTC));
                    Array pair = rows.getArray("pair");
                    assertThat((Object[]) pair.getArray()).containsExactly(i, i + 1);
                }
                count++;
            }
            assertThat(count).isEqualTo(1_000_000);
        }
    }

    @Test
    void preparedStatementParametersAreBoundNotSpliced() throws SQLException {
        String hostile = "x'); DROP TABLE trino_meta; --";
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT ? + 1 AS next, ? AS text, ? AS day, id FROM trino_meta WHERE label = ?")) {
            statement.setLong(1, 41);
            statement.setString(2, hostile);
            statement.setDate(3, java.sql.Date.valueOf("2024-02-29"));
            statement.setString(4, "two");
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong("next")).isEqualTo(42);
                assertThat(rows.getString("text")).isEqualTo(hostile);
                assertThat(rows.getDate("day").toLocalDate()).isEqualTo(LocalDate.of(2024, 2, 29));
                assertThat(rows.getLong("id")).isEqualTo(2);
                assertThat(rows.next()).isFalse();
            }
            statement.setLong(1, 1);
            statement.setString(2, "again");
            statement.setTimestamp(3, Timestamp.valueOf("2024-03-01 10:11:12.5"));
            statement.setString(4, "one");
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong("next")).isEqualTo(2);
                assertThat(rows.getLong("id")).isEqualTo(1);
            }
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM trino_meta")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(2); // the hostile text was a value, nothing ran
        }
    }

    @Test
    void databaseMetaDataListsCatalogsSchemasTablesAndColumns() throws SQLException {
        try (Connection connection = connect()) {
            DatabaseMetaData meta = connection.getMetaData();
            assertThat(column(meta.getCatalogs(), "TABLE_CAT")).contains(catalog);
            try (ResultSet schemas = meta.getSchemas(catalog, "ma%")) {
                List<String> names = new ArrayList<>();
                while (schemas.next()) {
                    names.add(schemas.getString("TABLE_SCHEM"));
                    assertThat(schemas.getString("TABLE_CATALOG")).isEqualTo(catalog);
                }
                assertThat(names).containsExactly("main");
            }
            try (ResultSet tables = meta.getTables(catalog, "main", "trino_m%", new String[] {"TABLE"})) {
                assertThat(tables.next()).isTrue();
                assertThat(tables.getString("TABLE_NAME")).isEqualTo("trino_meta");
                assertThat(tables.getString("TABLE_TYPE")).isEqualTo("TABLE");
                assertThat(tables.next()).isFalse();
            }
            try (ResultSet columns = meta.getColumns(catalog, "main", "trino_meta", null)) {
                List<String> described = new ArrayList<>();
                while (columns.next()) {
                    described.add(columns.getString("COLUMN_NAME") + " " + columns.getString("TYPE_NAME") + " "
                            + columns.getInt("DATA_TYPE") + " " + columns.getInt("ORDINAL_POSITION"));
                }
                assertThat(described).containsExactly("id bigint " + Types.BIGINT + " 1", "label varchar " + Types.VARCHAR
                        + " 2", "amount decimal(10,2) " + Types.DECIMAL + " 3", "seen date " + Types.DATE + " 4");
            }
            assertThat(column(meta.getTableTypes(), "TABLE_TYPE")).contains("TABLE", "VIEW");
        }
    }

    @Test
    void sessionStatementsChangeTheConnectionsCatalogAndSchema() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("USE " + catalog + ".main");
            assertThat(connection.getCatalog()).isEqualTo(catalog);
            assertThat(connection.getSchema()).isEqualTo("main");
            assertThat(column(statement.executeQuery("SHOW TABLES LIKE 'trino%'"), "Table")).containsExactly("trino_meta");
            assertThat(column(statement.executeQuery("DESCRIBE trino_meta"), "Column"))
                    .containsExactly("id", "label", "amount", "seen");
            assertThat(column(statement.executeQuery("SHOW CATALOGS"), "Catalog")).contains(catalog);
            statement.execute("SET SESSION query_max_run_time = '10m'");
            assertThat(column(statement.executeQuery("SHOW SESSION LIKE 'query_max%'"), "Value")).containsExactly("10m");
        }
    }

    @Test
    void cancelStopsARunningStatement() throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0")) {
                    rows.next();
                } catch (SQLException e) {
                    failure.set(e);
                }
            });
            Thread.sleep(1500);
            statement.cancel();
            running.get(30, TimeUnit.SECONDS);
            assertThat(failure.get()).isInstanceOf(SQLException.class);
        }
        assertThat(runningStatements()).isZero();
    }

    @Test
    void queryTimeoutEndsTheStatementWithTrinosTimeLimitError() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.executeQuery(
                    "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(0x2_0003);
                        assertThat(e.getMessage()).contains("Query failed");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void anSqlErrorIsAnSqlExceptionWithTrinosCode() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM no_such_table"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getMessage()).startsWith("Query failed").contains("no_such_table");
                        assertThat(e.getErrorCode()).isEqualTo(46); // TABLE_NOT_FOUND
                    });
            assertThatThrownBy(() -> statement.executeQuery("SELEC 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1));
        }
    }

    private static List<String> column(ResultSet rows, String name) throws SQLException {
        List<String> values = new ArrayList<>();
        try (rows) {
            while (rows.next()) {
                values.add(rows.getString(name));
            }
        }
        return values;
    }

    /** A GET as the admin over HTTPS, trusting the test's certificate. */
    static java.net.http.HttpResponse<String> https(String path) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        var factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        var context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (var client = java.net.http.HttpClient.newBuilder().sslContext(context).build()) {
            return client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://localhost:" + sluice.server.port() + path))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    private static long runningStatements() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long running;
        do {
            var list = SluiceTestServer.json(https("/sluice/v1/statements?limit=100"));
            running = 0;
            for (var statement : list.path("statements")) {
                String state = statement.path("state").asText();
                if (state.equals("RUNNING") || state.equals("QUEUED")) {
                    running++;
                }
            }
            if (running > 0) {
                Thread.sleep(200);
            }
        } while (running > 0 && System.nanoTime() < deadline);
        return running;
    }
}
