package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.error.HiddenObjects;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Users, roles, grants and keys managed in SQL, and grants enforced on what DuckDB says a statement touches. */
@Tag("security")
class AccessControlTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String carol;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        for (String sql : new String[] {
                "CREATE TABLE secret AS SELECT 42 AS x, 'classified' AS y",
                "CREATE TABLE pub AS SELECT 1 AS x",
                "CREATE TABLE sink (x INTEGER)",
                "CREATE SCHEMA s2",
                "CREATE TABLE s2.\"MiXed\" AS SELECT 7 AS x",
                "CREATE TABLE s2.hidden AS SELECT 8 AS x",
                "CREATE VIEW v_secret AS SELECT * FROM secret",
                "CREATE USER carol",
                "CREATE ROLE reader",
                "GRANT ROLE reader TO USER carol",
                "GRANT SELECT ON TABLE pub TO ROLE reader",
                "GRANT SELECT ON TABLE s2.mixed TO ROLE reader",
                "GRANT INSERT ON TABLE sink TO ROLE reader"}) {
            assertThat(admin(sql).statusCode()).as(sql).isEqualTo(200);
        }
        JsonNode key = json(admin("CREATE API KEY FOR USER carol"));
        carol = key.get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpResponse<String> admin(String sql) {
        return query(sql, SluiceTestServer.ADMIN_KEY);
    }

    static HttpResponse<String> query(String sql, String key) {
        return sluice.post("/sluice/v1/query", body("sql", sql), key);
    }

    /** Refused: as not permitted, or (a table the principal holds nothing on) exactly as a missing object. */
    static void assertDenied(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response);
        if (error.get("code").asText().equals("SQL_CATALOG_ERROR")) {
            assertThat(error.get("message").asText()).as(response.body()).matches(
                    "Object '[^']+' does not exist or not authorized\\.|" + java.util.regex.Pattern.quote(HiddenObjects.UNNAMED));
        } else {
            assertThat(error.get("code").asText()).as(response.body()).isEqualTo("SQL_PERMISSION_DENIED");
        }
        assertThat(response.body()).doesNotContain("classified").doesNotContain("Exception");
    }

    @Test
    void grantedTablesAndTableFreeQueriesRun() {
        HttpResponse<String> granted = query("SELECT x FROM pub", carol);
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        assertThat(json(granted).get(0).get("x").asInt()).isEqualTo(1);
        assertThat(query("SELECT 1 AS one", carol).statusCode()).isEqualTo(200);
        assertThat(query("SELECT * FROM range(3)", carol).statusCode()).isEqualTo(200);
        assertThat(query("SELECT 1 AS one", sluice.otherUserKey).statusCode()).isEqualTo(200);
        // Mixed case and quoting resolve to the same granted table.
        assertThat(query("SELECT * FROM S2.\"mixed\"", carol).statusCode()).isEqualTo(200);
        assertThat(query("SELECT * FROM \"S2\".MIXED", carol).statusCode()).isEqualTo(200);
        HttpResponse<String> insert = query("INSERT INTO sink SELECT x FROM pub", carol);
        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM secret",
            "SELECT * FROM SECRET",
            "SELECT * FROM \"secret\"",
            "SELECT * FROM main.secret",
            "SELECT * FROM sluice.main.secret",
            "SELECT * FROM v_secret",
            "WITH pub AS (SELECT * FROM secret) SELECT * FROM pub",
            "SELECT * FROM pub WHERE x IN (SELECT x FROM secret)",
            "SELECT * FROM pub p JOIN secret s ON p.x = s.x",
            "SELECT x FROM pub UNION ALL SELECT x FROM secret",
            "SELECT * FROM secret WHERE false",
            "INSERT INTO sink SELECT x FROM secret",
            "INSERT INTO pub VALUES (5)",
            "DELETE FROM pub",
            "UPDATE pub SET x = 2",
            "SELECT 1; SELECT * FROM secret",
            "SELECT 1 /* ; */ ; SELECT * FROM secret",
            "SELECT * FROM s2.hidden",
            "SELECT * FROM duckdb_tables()",
            "SELECT * FROM duckdb_columns()",
            "SELECT * FROM information_schema.tables",
            "SELECT * FROM pragma_table_info('secret')",
            "SELECT * FROM query_table('secret')",
            "SELECT * FROM query('SELECT * FROM secret')",
            "SELECT * FROM sluice.audit",
            "SELECT * FROM audit",
            "CREATE TABLE stolen AS SELECT * FROM secret",
            "CREATE VIEW v2 AS SELECT * FROM secret",
            "DROP TABLE pub",
            "COPY secret TO 'x.csv'",
            "DESCRIBE secret",
            "SHOW TABLES",
            "PRAGMA table_info('secret')",
    })
    void evasionsAreRefused(String sql) {
        assertDenied(query(sql, carol));
    }

    @Test
    void withoutGrantsOnlyTableFreeStatementsRun() {
        assertDenied(query("SELECT * FROM pub", sluice.otherUserKey));
        assertDenied(query("SELECT count(*) FROM wikipedia", sluice.otherUserKey));
    }

    @Test
    void adminStatementsFromNonAdminsAreForbiddenAndAudited() {
        HttpResponse<String> refused = query("GRANT ROLE reader TO USER bob", carol);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(json(refused).get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(query("CREATE API KEY FOR USER carol", sluice.otherUserKey).statusCode()).isEqualTo(403);
        assertThat(sluice.post("/sluice/v1/admin/users", body("name", "mallory"), carol).statusCode()).isEqualTo(403);
    }

    @Test
    void badAdminInputIsAnSqlError() {
        assertThat(json(admin("GRANT SELECT ON TABLE no_such_table TO ROLE reader")).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(admin("GRANT SELECT ON TABLE pub TO ROLE no_such_role")).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(admin("GRANT ROLE reader TO USER nobody")).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(admin("GRANT SELECT ON SCHEMA nowhere TO ROLE reader")).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(admin("CREATE USER carol")).get("code").asText()).isEqualTo("SQL_ERROR");
        assertThat(admin("CREATE USER IF NOT EXISTS carol").statusCode()).isEqualTo(200);
        assertThat(json(admin("REVOKE DELETE ON TABLE pub FROM ROLE reader")).get("code").asText()).isEqualTo("SQL_ERROR");
        assertThat(json(admin("GRANT SELECT ON TABLE pub")).get("code").asText()).isEqualTo("SQL_SYNTAX_ERROR");
        assertThat(json(admin("GRANT FLY ON TABLE pub TO ROLE reader")).get("code").asText()).isEqualTo("SQL_SYNTAX_ERROR");
        assertThat(json(admin("GRANT SELECT ON TABLE sluice.audit TO ROLE reader")).get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(json(admin("DROP API KEY knotakey")).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        HttpResponse<String> badKey = admin("ALTER USER carol SET RSA_PUBLIC_KEY = 'MIIBnotakey'");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(json(badKey).get("code").asText()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void schemaGrantsAndRevocationTakeEffectOnTheNextRequest() {
        assertThat(admin("CREATE ROLE schema_reader").statusCode()).isEqualTo(200);
        assertThat(admin("CREATE USER dave").statusCode()).isEqualTo(200);
        String dave = json(admin("CREATE API KEY FOR USER dave")).get(0).get("api_key").asText();
        assertDenied(query("SELECT * FROM s2.hidden", dave));
        assertThat(admin("GRANT ROLE schema_reader TO USER dave").statusCode()).isEqualTo(200);
        assertThat(admin("GRANT SELECT ON ALL TABLES IN SCHEMA s2 TO ROLE schema_reader").statusCode()).isEqualTo(200);
        assertThat(query("SELECT * FROM s2.hidden", dave).statusCode()).isEqualTo(200);
        JsonNode grants = json(admin("SHOW GRANTS TO ROLE schema_reader"));
        assertThat(grants.get(0).get("privilege").asText()).isEqualTo("SELECT");
        assertThat(grants.get(0).get("granted_on").asText()).isEqualTo("SCHEMA");
        assertThat(admin("REVOKE SELECT ON ALL TABLES IN SCHEMA s2 FROM ROLE schema_reader").statusCode()).isEqualTo(200);
        assertDenied(query("SELECT * FROM s2.hidden", dave));
        String keyId = dave.substring(0, dave.indexOf('.'));
        assertThat(admin("DROP API KEY " + keyId).statusCode()).isEqualTo(200);
        assertThat(query("SELECT 1", dave).statusCode()).isEqualTo(401);
    }

    @Test
    void adminApiDoesTheSame() {
        assertThat(sluice.post("/sluice/v1/admin/users", body("name", "erin")).statusCode()).isEqualTo(201);
        assertThat(sluice.post("/sluice/v1/admin/roles", body("name", "erin_role")).statusCode()).isEqualTo(201);
        assertThat(sluice.post("/sluice/v1/admin/roles/erin_role/users", body("user", "erin")).statusCode()).isEqualTo(201);
        HttpResponse<String> grant = sluice.post("/sluice/v1/admin/grants",
                "{\"role\":\"erin_role\",\"privileges\":[\"SELECT\"],\"table\":\"pub\"}");
        assertThat(grant.statusCode()).as(grant.body()).isEqualTo(201);
        HttpResponse<String> key = sluice.post("/sluice/v1/admin/users/erin/keys", "");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        String erin = json(key).get("rows").get(0).get("api_key").asText();
        assertThat(query("SELECT * FROM pub", erin).statusCode()).isEqualTo(200);
        assertDenied(query("SELECT * FROM secret", erin));
        assertThat(sluice.get("/sluice/v1/admin/grants?role=erin_role").body()).contains("sluice.main.pub");
        HttpResponse<String> unknown = sluice.post("/sluice/v1/admin/grants",
                "{\"role\":\"erin_role\",\"privileges\":[\"SELECT\"],\"table\":\"nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(sluice.post("/sluice/v1/admin/grants", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void adminsReadTheAuditThroughSql() throws Exception {
        query("SELECT * FROM secret", carol);
        JsonNode rows = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            rows = json(admin("SELECT principal, outcome, error_code, tables, sql_sha256 FROM sluice.audit"
                    + " WHERE principal = 'carol' AND error_code IN ('SQL_PERMISSION_DENIED', 'SQL_CATALOG_ERROR')"));
            if (rows.size() > 0) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(rows).isNotEmpty();
        assertThat(rows.get(0).get("outcome").asText()).isEqualTo("FAILED");
        assertThat(rows.get(0).get("sql_sha256").asText()).hasSize(64);
        assertThat(java.nio.file.Files.readString(data.resolve("audit").resolve("audit.log")))
                .contains("\"principal\":\"carol\"").contains("\"errorCode\":\"FORBIDDEN\"");
    }
}
