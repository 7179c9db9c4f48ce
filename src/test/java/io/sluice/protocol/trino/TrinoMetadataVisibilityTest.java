package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trino-jdbc's DatabaseMetaData and Trino's SHOW statements for a principal that is not an admin: they list only
 * what its grants let it see (one table here, beside a hidden table and a hidden schema), where the engine's own
 * catalog would list everything.
 */
class TrinoMetadataVisibilityTest {

    @TempDir
    static Path data;
    static TlsSluice sluice;
    static String catalog;
    static String readerKey;

    @BeforeAll
    static void start() throws Exception {
        sluice = TlsSluice.start(data, Duration.ofSeconds(30));
        try (Connection connection = connect("admin", SluiceTestServer.ADMIN_KEY);
             Statement statement = connection.createStatement()) {
            for (String sql : new String[] {
                    "CREATE TABLE shown_orders (id BIGINT, customer VARCHAR, total DECIMAL(10,2))",
                    "CREATE TABLE hidden_salaries (id BIGINT, salary DOUBLE)",
                    "CREATE SCHEMA hidden_ledger",
                    "CREATE TABLE hidden_ledger.entries (amount DOUBLE)",
                    "CREATE USER meta_reader",
                    "CREATE ROLE orders_reader",
                    "GRANT ROLE orders_reader TO USER meta_reader",
                    "GRANT SELECT ON TABLE shown_orders TO ROLE orders_reader"}) {
                statement.execute(sql);
            }
            try (ResultSet rows = statement.executeQuery("SELECT current_database()")) {
                rows.next();
                catalog = rows.getString(1);
            }
        }
        readerKey = SluiceTestServer.JSON.readTree(sluice.adminRequest("POST", "/sluice/v1/query",
                SluiceTestServer.body("sql", "CREATE API KEY FOR USER meta_reader"))).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    static Connection connect(String user, String key) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", sluice.keystore().toString());
        properties.setProperty("SSLTrustStorePassword", TlsSluice.PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        properties.setProperty("user", user);
        properties.setProperty("accessToken", key);
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.port(), properties);
    }

    @Test
    void databaseMetaDataListsOnlyTheGrantedTable() throws SQLException {
        try (Connection connection = connect("meta_reader", readerKey)) {
            DatabaseMetaData meta = connection.getMetaData();
            assertThat(column(meta.getCatalogs(), "TABLE_CAT")).containsExactly(catalog);
            assertThat(column(meta.getSchemas(), "TABLE_SCHEM")).containsExactly("main");
            assertThat(column(meta.getTables(null, null, "%", null), "TABLE_NAME")).containsExactly("shown_orders");
            assertThat(column(meta.getTables(catalog, "hidden_ledger", "%", null), "TABLE_NAME")).isEmpty();
            List<String> columns = new ArrayList<>();
            try (ResultSet rows = meta.getColumns(null, null, "%", null)) {
                while (rows.next()) {
                    columns.add(rows.getString("TABLE_NAME") + "." + rows.getString("COLUMN_NAME") + " "
                            + rows.getString("TYPE_NAME") + " " + rows.getInt("ORDINAL_POSITION"));
                }
            }
            assertThat(columns).containsExactly("shown_orders.id bigint 1", "shown_orders.customer varchar 2",
                    "shown_orders.total decimal(10,2) 3");
        }
    }

    @Test
    void showStatementsListOnlyTheGrantedTable() throws SQLException {
        try (Connection connection = connect("meta_reader", readerKey); Statement statement = connection.createStatement()) {
            assertThat(column(statement.executeQuery("SHOW CATALOGS"), "Catalog")).containsExactly(catalog);
            assertThat(column(statement.executeQuery("SHOW SCHEMAS FROM " + catalog), "Schema")).containsExactly("main");
            assertThat(column(statement.executeQuery("SHOW TABLES FROM " + catalog + ".main"), "Table"))
                    .containsExactly("shown_orders");
            assertThat(column(statement.executeQuery("DESCRIBE " + catalog + ".main.shown_orders"), "Column"))
                    .containsExactly("id", "customer", "total");
            assertThat(column(statement.executeQuery("DESCRIBE " + catalog + ".main.hidden_salaries"), "Column")).isEmpty();
        }
    }

    /** The admin still lists the engine's whole catalog. */
    @Test
    void anAdminListsEverything() throws SQLException {
        try (Connection connection = connect("admin", SluiceTestServer.ADMIN_KEY)) {
            DatabaseMetaData meta = connection.getMetaData();
            assertThat(column(meta.getTables(catalog, null, "%", null), "TABLE_NAME"))
                    .contains("shown_orders", "hidden_salaries", "entries");
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
}
