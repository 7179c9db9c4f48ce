package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 2 (first bullet): DuckDB opens files while it binds a statement, and the access analysis binds before
 * the plan is checked. File references that the words of a statement do not show (a path as a table, SQL inside
 * {@code query('…')}) are refused from DuckDB's parse tree before anything is bound, for admins too; settings that
 * hold the server's paths are for admins only.
 */
@Tag("security")
class BindTimeFileAccessTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String dora;
    static Path database;
    static Path wal;
    static Path temporary;

    @BeforeAll
    static void start() throws Exception {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        database = data.resolve("engine").resolve("sluice.duckdb");
        wal = data.resolve("engine").resolve("sluice.duckdb.wal");
        temporary = data.resolve("engine").resolve("duckdb-tmp");
        Files.createDirectories(temporary);
        Files.writeString(temporary.resolve("spilled_secretname.csv"), "secretcolumn\nclassified\n");
        for (String sql : List.of("CREATE TABLE vault AS SELECT 'classified' AS secret FROM range(3)",
                "CREATE USER dora", "CREATE ROLE readers", "GRANT ROLE readers TO USER dora",
                "GRANT SELECT ON TABLE vault TO ROLE readers", "GRANT INSERT ON TABLE vault TO ROLE readers")) {
            HttpResponse<String> response = query(sql, SluiceTestServer.ADMIN_KEY);
            assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(200);
        }
        dora = json(query("CREATE API KEY FOR USER dora", SluiceTestServer.ADMIN_KEY)).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpResponse<String> query(String sql, String key) {
        return sluice.post("/sluice/v1/query", body("sql", sql), key);
    }

    static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    @Test
    void pathsAndSqlInStringsAreRefusedBeforeDuckDbOpensThem() {
        List<String> attacks = List.of(
                "FROM " + quoted(database),
                "SELECT * FROM " + quoted(wal),
                "SELECT * FROM " + quoted(temporary.resolve("*.csv")),
                "SELECT * FROM vault, " + quoted(temporary.resolve("spilled_secretname.csv")),
                "SELECT * FROM query('SELECT * FROM " + quoted(temporary.resolve("*")).replace("'", "''") + "')",
                "SELECT * FROM query('SELECT * FROM query(''SELECT * FROM "
                        + quoted(wal).replace("'", "''''") + "'')')",
                "SELECT * FROM query_table(" + quoted(temporary.resolve("spilled_secretname.csv")) + ")",
                "SELECT * FROM query('SELECT ' || '* FROM vault')",
                "INSERT INTO vault SELECT secretcolumn FROM " + quoted(temporary.resolve("spilled_secretname.csv")),
                "SELECT * FROM vault JOIN " + quoted(wal) + " ON true");
        for (String key : List.of(SluiceTestServer.ADMIN_KEY, dora)) {
            for (String sql : attacks) {
                HttpResponse<String> response = query(sql, key);
                assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(400);
                assertThat(json(response).get("code").asText()).as(sql + " → " + response.body()).isEqualTo("SQL_PERMISSION_DENIED");
                assertThat(response.body()).as(sql).doesNotContain("secretname").doesNotContain("secretcolumn")
                        .doesNotContain("classified").doesNotContain("handle");
            }
        }
        HttpResponse<String> intact = query("SELECT count(*) AS n FROM vault", SluiceTestServer.ADMIN_KEY);
        assertThat(json(intact).get(0).get("n").asInt()).isEqualTo(3);
    }

    @Test
    void settingsThatHoldServerPathsAreForAdminsOnly() {
        for (String sql : List.of("SELECT current_setting('temp_directory') AS t",
                "SELECT current_setting('allowed_paths') AS p",
                "SELECT current_setting('ALLOWED_DIRECTORIES') AS d",
                "SELECT current_setting(lower('TEMP_DIRECTORY')) AS t",
                "SELECT secret, current_setting('temp_directory') AS t FROM vault")) {
            HttpResponse<String> refused = query(sql, dora);
            assertThat(refused.statusCode()).as(sql + " → " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).as(sql).doesNotContain(data.toString()).doesNotContain("duckdb-tmp");
        }
        HttpResponse<String> harmless = query("SELECT current_setting('threads') AS threads", dora);
        assertThat(harmless.statusCode()).as(harmless.body()).isEqualTo(200);
        HttpResponse<String> admin = query("SELECT current_setting('temp_directory') AS t", SluiceTestServer.ADMIN_KEY);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(admin.body()).contains("duckdb-tmp");
    }
}
