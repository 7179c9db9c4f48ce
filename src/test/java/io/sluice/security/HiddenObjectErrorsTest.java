package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, item 1: what a non-admin is told never names a table, column, type or view text that its grants hide.
 * User u1 holds SELECT on t1 only; every attempt below tries to learn something of payroll_secret_2025 through
 * an error: suggestions, candidate bindings, type errors, views and CTEs, information_schema, duckdb_* and pg_catalog.
 */
@Tag("security")
class HiddenObjectErrorsTest {

    /** What u1 must never read unless it wrote it itself. */
    private static final List<String> SECRETS = List.of("payroll_secret_2025", "salary_usd", "DECIMAL", "payroll_view",
            "payroll_granted_view", "hidden_ledger", "ledger_amount");

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String u1;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        for (String sql : new String[] {
                "CREATE TABLE payroll_secret_2025 (id INTEGER, salary_usd DECIMAL(12,2))",
                "INSERT INTO payroll_secret_2025 VALUES (1, 100000.00)",
                "CREATE TABLE t1 AS SELECT 1 AS id, 'a' AS name",
                "CREATE SCHEMA hidden_ledger",
                "CREATE TABLE hidden_ledger.entries (ledger_amount DOUBLE)",
                "CREATE VIEW payroll_view AS SELECT * FROM payroll_secret_2025",
                "CREATE VIEW payroll_granted_view AS SELECT * FROM payroll_secret_2025",
                "CREATE USER u1",
                "CREATE ROLE t1_reader",
                "GRANT ROLE t1_reader TO USER u1",
                "GRANT SELECT ON TABLE t1 TO ROLE t1_reader",
                "GRANT SELECT ON TABLE payroll_granted_view TO ROLE t1_reader"}) {
            HttpResponse<String> response = query(sql, SluiceTestServer.ADMIN_KEY);
            assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
        }
        u1 = json(query("CREATE API KEY FOR USER u1", SluiceTestServer.ADMIN_KEY)).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpResponse<String> query(String sql, String key) {
        return sluice.post("/sluice/v1/query", body("sql", sql), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // misspelled and hidden tables
        "SELECT * FROM payroll",
        "SELECT * FROM payroll_secret",
        "SELECT * FROM payroll_secret_2025",
        "SELECT * FROM main.payroll_secret_2025",
        "SELECT * FROM \"PAYROLL_SECRET_2025\"",
        "SELECT * FROM hidden_ledger.entrie",
        "SELECT * FROM hidden_ledger.entries",
        // misspelled columns and type errors on hidden columns
        "SELECT nosuchcol FROM payroll_secret_2025",
        "SELECT salary FROM payroll_secret_2025",
        "SELECT salary_usd + 'abc' FROM payroll_secret_2025",
        "SELECT salary_usd::INTEGER[] FROM payroll_secret_2025",
        "SELECT t1.id, p.salry FROM t1, payroll_secret_2025 p",
        "SELECT * FROM t1 JOIN payroll_secret_2025 USING (nosuch)",
        "SELECT (SELECT salary_usd FROM payroll_secret_2025 LIMIT 1)::INTEGER",
        "SELECT * FROM t1 WHERE id IN (SELECT salary_usd + 'x' FROM payroll_secret_2025)",
        // views and CTEs over hidden tables
        "SELECT * FROM payroll_view",
        "SELECT nosuchcol FROM payroll_view",
        "SELECT * FROM payroll_granted_view",
        "WITH x AS (SELECT * FROM payroll_secret_2025) SELECT * FROM x",
        "WITH x AS (SELECT * FROM payroll_secret_2025) SELECT nosuchcol FROM x",
        "WITH x AS (SELECT * FROM t1) SELECT * FROM payrol",
        // misspelled columns of the granted table: its own columns may be listed, the hidden ones never
        "SELECT nosuchcol FROM t1",
        "SELECT salary_usd FROM t1",
        // information_schema, duckdb_* and pg_catalog
        "SELECT table_name FROM information_schema.tables",
        "SELECT * FROM information_schema.tabels",
        "SELECT nosuch FROM information_schema.columns",
        "SELECT * FROM duckdb_tables()",
        "SELECT error(string_agg(table_name, ',')) FROM duckdb_tables()",
        "SELECT nosuch FROM duckdb_columns()",
        "SELECT * FROM duckdb_tabels()",
        "SELECT * FROM pg_tables",
        "SELECT * FROM pg_tabels",
        "SELECT * FROM pg_catalog.pg_class",
        "SELECT relname FROM pg_catalog.pg_clas",
        "SELECT * FROM sluice.audit",
        "SELECT * FROM sluice.audi"
    })
    void attemptsLearnNothingOfHiddenObjects(String sql) {
        HttpResponse<String> response = query(sql, u1);
        assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(400);
        String lowerSql = sql.toLowerCase(Locale.ROOT);
        for (String secret : SECRETS) {
            if (!lowerSql.contains(secret.toLowerCase(Locale.ROOT))) {
                assertThat(response.body().toLowerCase(Locale.ROOT)).as(sql + " → " + response.body())
                        .doesNotContain(secret.toLowerCase(Locale.ROOT));
            }
        }
        // Candidate columns of t1 and of the system catalogs' own columns may be listed; no suggestion of another name.
        assertThat(response.body()).as(sql + " → " + response.body()).doesNotContain("Did you mean")
                .doesNotContain("DECIMAL").doesNotContain("INT32");
    }

    @Test
    void aHiddenTableIsRefusedExactlyLikeAMissingOne() {
        JsonNode hidden = json(query("SELECT * FROM payroll_secret_2025", u1));
        JsonNode missing = json(query("SELECT * FROM payroll_secret_2099", u1));
        assertThat(hidden.get("message").asText()).isEqualTo("Object 'payroll_secret_2025' does not exist or not authorized.");
        assertThat(missing.get("message").asText()).isEqualTo("Object 'payroll_secret_2099' does not exist or not authorized.");
        for (String field : List.of("code", "sqlState")) {
            assertThat(hidden.get(field)).as(field).isEqualTo(missing.get(field));
        }
        assertThat(hidden.has("position")).isEqualTo(missing.has("position"));
        // Binding errors on the hidden table do not tell it apart either.
        assertThat(json(query("SELECT nosuchcol FROM payroll_secret_2025", u1))).isEqualTo(hidden);
        assertThat(json(query("SELECT salary_usd + 'abc' FROM payroll_secret_2025", u1))).isEqualTo(hidden);
        assertThat(json(query("SELECT nosuchcol FROM payroll_secret_2099", u1))).isEqualTo(missing);
        // A view over the hidden table is named as the statement named it; a granted one leads to nothing nameable.
        assertThat(json(query("SELECT * FROM payroll_view", u1)).get("message").asText())
                .isEqualTo("Object 'payroll_view' does not exist or not authorized.");
        assertThat(json(query("SELECT * FROM payroll_granted_view", u1)).get("message").asText())
                .isEqualTo(io.sluice.core.error.HiddenObjects.UNNAMED);
    }

    @Test
    void theGrantedTableKeepsDuckDbsHelpAndAdminsKeepEverything() {
        JsonNode own = json(query("SELECT nme FROM t1", u1));
        assertThat(own.get("message").asText()).contains("nme").contains("name");
        assertThat(json(query("SELECT 'abc'::INTEGER FROM t1", u1)).get("message").asText())
                .isEqualTo("Conversion Error: Could not convert string 'abc' to INT32");
        String admin = json(query("SELECT * FROM payroll_secret", SluiceTestServer.ADMIN_KEY)).get("message").asText();
        assertThat(admin).startsWith("Catalog Error: Table with name payroll_secret does not exist").contains("Did you mean");
        String adminColumn = json(query("SELECT salary FROM payroll_secret_2025", SluiceTestServer.ADMIN_KEY)).get("message").asText();
        assertThat(adminColumn).contains("salary_usd");
    }
}
