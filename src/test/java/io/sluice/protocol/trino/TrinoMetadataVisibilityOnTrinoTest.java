package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listings of {@link TrinoMetadataVisibilityTest} for catalogs served by the real Trino the suite starts: a
 * principal that is not an admin, holding a grant on one table of the {@code tpch} catalog, sees exactly that table
 * through trino-jdbc's DatabaseMetaData and Trino's SHOW statements, with the columns Trino itself reports for it, and
 * none of the catalog's other tables, schemas or catalogs.
 */
@Tag("trino")
class TrinoMetadataVisibilityOnTrinoTest {

    @TempDir
    static Path data;
    static TlsSluice sluice;
    static String readerKey;

    @BeforeAll
    static void start() throws Exception {
        String trino = TrinoCluster.shared().url();
        sluice = TlsSluice.start(data, Duration.ofSeconds(30),
                config -> config.withEngines(EngineSettings.trino(TrinoConfig.of(trino, TrinoSluice.CATALOGS))));
        for (String sql : new String[] {
                "CREATE USER trino_meta_reader",
                "CREATE ROLE nation_reader",
                "GRANT ROLE nation_reader TO USER trino_meta_reader",
                "GRANT SELECT ON TABLE tpch.tiny.nation TO ROLE nation_reader"}) {
            String answer = sluice.adminRequest("POST", "/sluice/v1/query", SluiceTestServer.body("sql", sql));
            assertThat(answer).as(sql).doesNotContain("\"code\"");
        }
        readerKey = SluiceTestServer.JSON.readTree(sluice.adminRequest("POST", "/sluice/v1/query",
                SluiceTestServer.body("sql", "CREATE API KEY FOR USER trino_meta_reader"))).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    /** The reader through Sluice, its session in tpch.tiny (so statements go to Trino). */
    static Connection asReader() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", sluice.keystore().toString());
        properties.setProperty("SSLTrustStorePassword", TlsSluice.PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        properties.setProperty("user", "trino_meta_reader");
        properties.setProperty("accessToken", readerKey);
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.port() + "/tpch/tiny", properties);
    }

    static Connection direct() throws SQLException {
        return DriverManager.getConnection(TrinoCluster.shared().jdbcUrl() + "/tpch/tiny", "admin", null);
    }

    @Test
    void databaseMetaDataListsOnlyTheGrantedTrinoTable() throws SQLException {
        List<String> expectedColumns;
        try (Connection connection = direct()) {
            expectedColumns = columns(connection.getMetaData());
        }
        try (Connection connection = asReader()) {
            DatabaseMetaData meta = connection.getMetaData();
            assertThat(column(meta.getCatalogs(), "TABLE_CAT")).containsExactly("tpch");
            assertThat(column(meta.getSchemas(), "TABLE_SCHEM")).containsExactly("tiny");
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = meta.getTables(null, null, "%", null)) {
                while (rows.next()) {
                    tables.add(rows.getString("TABLE_CAT") + "." + rows.getString("TABLE_SCHEM") + "."
                            + rows.getString("TABLE_NAME") + " " + rows.getString("TABLE_TYPE"));
                }
            }
            assertThat(tables).containsExactly("tpch.tiny.nation TABLE");
            assertThat(column(meta.getTables("tpch", "sf1", "%", null), "TABLE_NAME")).isEmpty();
            assertThat(columns(meta)).isEqualTo(expectedColumns).hasSize(4);
        }
    }

    @Test
    void showStatementsListOnlyTheGrantedTrinoTable() throws SQLException {
        List<String> expectedDescription;
        try (Connection connection = direct(); Statement statement = connection.createStatement()) {
            expectedDescription = column(statement.executeQuery("DESCRIBE tpch.tiny.nation"), "Column");
        }
        try (Connection connection = asReader(); Statement statement = connection.createStatement()) {
            assertThat(column(statement.executeQuery("SHOW CATALOGS"), "Catalog")).containsExactly("tpch");
            assertThat(column(statement.executeQuery("SHOW SCHEMAS FROM tpch"), "Schema")).containsExactly("tiny");
            assertThat(column(statement.executeQuery("SHOW TABLES"), "Table")).containsExactly("nation");
            assertThat(column(statement.executeQuery("SHOW TABLES FROM tpch.sf1"), "Table")).isEmpty();
            assertThat(column(statement.executeQuery("DESCRIBE tpch.tiny.nation"), "Column"))
                    .isEqualTo(expectedDescription).isNotEmpty();
            assertThat(column(statement.executeQuery("DESCRIBE tpch.tiny.region"), "Column")).isEmpty();
        }
    }

    /** getColumns of tpch.tiny.nation: name, JDBC type, type name and position of each. */
    private static List<String> columns(DatabaseMetaData meta) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rows = meta.getColumns("tpch", "tiny", "nation", null)) {
            while (rows.next()) {
                columns.add(rows.getString("COLUMN_NAME") + " " + rows.getInt("DATA_TYPE") + " "
                        + rows.getString("TYPE_NAME") + " " + rows.getInt("ORDINAL_POSITION"));
            }
        }
        return columns;
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
