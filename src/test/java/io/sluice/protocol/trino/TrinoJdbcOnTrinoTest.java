package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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
 * trino-jdbc against Sluice whose tpch catalog is served by the real Trino the suite starts, each answer compared
 * with the same query sent by trino-jdbc to that Trino directly: the same rows, value for value.
 */
@Tag("trino")
class TrinoJdbcOnTrinoTest {

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
        sluice.close();
    }

    static Connection throughSluice() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", sluice.keystore().toString());
        properties.setProperty("SSLTrustStorePassword", TlsSluice.PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        properties.setProperty("user", "admin");
        properties.setProperty("accessToken", SluiceTestServer.ADMIN_KEY);
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.port() + "/tpch/tiny", properties);
    }

    static Connection direct() throws SQLException {
        return DriverManager.getConnection(TrinoCluster.shared().jdbcUrl() + "/tpch/tiny", "admin", null);
    }

    /** A line of column names and types, then every row as text. */
    static List<String> read(ResultSet rows) throws SQLException {
        List<String> all = new ArrayList<>();
        ResultSetMetaData meta = rows.getMetaData();
        StringBuilder types = new StringBuilder();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
            types.append(meta.getColumnName(column)).append(' ').append(meta.getColumnTypeName(column)).append(", ");
        }
        all.add(types.toString());
        while (rows.next()) {
            StringBuilder row = new StringBuilder();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
                row.append(rows.getString(column)).append('|');
            }
            all.add(row.toString());
        }
        return all;
    }

    @Test
    void aTpchQueryAnswersAsTrinoDirectlyDoes() throws SQLException {
        String sql = "SELECT orderkey, custkey, orderstatus, totalprice, orderdate, orderpriority, comment "
                + "FROM tpch.tiny.orders ORDER BY orderkey";
        List<String> viaSluice;
        List<String> viaTrino;
        try (Connection connection = throughSluice(); Statement statement = connection.createStatement()) {
            viaSluice = read(statement.executeQuery(sql));
        }
        try (Connection connection = direct(); Statement statement = connection.createStatement()) {
            viaTrino = read(statement.executeQuery(sql));
        }
        assertThat(viaSluice).hasSize(viaTrino.size()).hasSizeGreaterThan(10_000);
        assertThat(viaSluice.subList(1, viaSluice.size())).isEqualTo(viaTrino.subList(1, viaTrino.size()));
    }

    @Test
    void aPreparedStatementOnTrinoBindsItsParameters() throws SQLException {
        String sql = "SELECT name, regionkey FROM tpch.tiny.nation WHERE regionkey = ? AND name <> ? ORDER BY name";
        List<String> viaSluice;
        List<String> viaTrino;
        try (Connection connection = throughSluice(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, 2);
            statement.setString(2, "CHINA");
            viaSluice = read(statement.executeQuery());
        }
        try (Connection connection = direct(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, 2);
            statement.setString(2, "CHINA");
            viaTrino = read(statement.executeQuery());
        }
        assertThat(viaSluice.subList(1, viaSluice.size())).isEqualTo(viaTrino.subList(1, viaTrino.size()))
                .isNotEmpty();
    }
}
