package io.sluice.engine.trino;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sluice's grants hold for tables on Trino: what a non-admin may read and write is what Trino's plan touches. */
@Tag("trino")
class TrinoGrantsTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String carol;
    static String sink;
    static String other;

    @BeforeAll
    static void start() {
        TrinoCluster.shared();
        sluice = TrinoSluice.start(data);
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        sink = "memory.default.sink_" + suffix;
        other = "memory.default.other_" + suffix;
        for (String sql : new String[] {
                "CREATE TABLE " + sink + " (nationkey bigint)",
                "CREATE TABLE " + other + " (nationkey bigint)",
                "CREATE USER carol",
                "CREATE ROLE trino_reader",
                "GRANT ROLE trino_reader TO USER carol",
                "GRANT SELECT ON TABLE tpch.tiny.nation TO ROLE trino_reader",
                "GRANT INSERT ON TABLE " + sink + " TO ROLE trino_reader"}) {
            HttpResponse<String> response = admin(sql);
            assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(200);
        }
        carol = json(admin("CREATE API KEY FOR USER carol")).get(0).get("api_key").asText();
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

    /** Refused as not permitted (naming the table), or, on a table carol holds nothing on, exactly as a missing one. */
    static void assertDenied(HttpResponse<String> response, String table) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        String message = json(response).get("message").asText();
        if (json(response).get("code").asText().equals("SQL_CATALOG_ERROR")) {
            assertThat(message).as(response.body()).isIn(
                    "Object '" + table.substring(table.lastIndexOf('.') + 1) + "' does not exist or not authorized.",
                    io.sluice.core.error.HiddenObjects.UNNAMED);
        } else {
            assertThat(json(response).get("code").asText()).isEqualTo("SQL_PERMISSION_DENIED");
            assertThat(message).contains(table);
        }
    }

    @Test
    void aGrantedTrinoTableIsReadableWhateverTheSpelling() {
        HttpResponse<String> qualified = query("SELECT count(*) AS n FROM tpch.tiny.nation", carol);
        assertThat(qualified.statusCode()).as(qualified.body()).isEqualTo(200);
        assertThat(json(qualified).get(0).get("n").asLong()).isEqualTo(25);
        HttpResponse<String> bySession = sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM NATION",
                "catalog", "tpch", "schema", "tiny"), carol);
        assertThat(bySession.statusCode()).as(bySession.body()).isEqualTo(200);
    }

    @Test
    void ungrantedTrinoTablesAreRefusedBeforeTrinoRunsAnything() {
        assertDenied(query("SELECT * FROM tpch.tiny.region", carol), "tpch.tiny.region");
        assertDenied(query("SELECT n.name FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.regionkey = r.regionkey", carol),
                "tpch.tiny.region");
        assertDenied(query("WITH x AS (SELECT * FROM tpch.tiny.customer) SELECT count(*) FROM x", carol), "tpch.tiny.customer");
        assertDenied(query("SELECT count(*) FROM tpch.tiny.nation", sluice.otherUserKey), "tpch.tiny.nation");
    }

    @Test
    void writesNeedTheirOwnGrant() {
        HttpResponse<String> insert = query("INSERT INTO " + sink + " SELECT nationkey FROM tpch.tiny.nation", carol);
        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);
        assertThat(json(admin("SELECT count(*) AS n FROM " + sink)).get(0).get("n").asLong()).isGreaterThanOrEqualTo(25);

        assertDenied(query("INSERT INTO " + other + " SELECT nationkey FROM tpch.tiny.nation", carol), other);
        assertDenied(query("INSERT INTO " + sink + " SELECT regionkey FROM tpch.tiny.region", carol), "tpch.tiny.region");
        HttpResponse<String> ddl = query("CREATE TABLE memory.default.mine AS SELECT 1 AS x", carol);
        assertThat(json(ddl).get("code").asText()).isEqualTo("SQL_PERMISSION_DENIED");
    }
}
