package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With external access off DuckDB still opens its temporary directory, the database file and its WAL to SQL (it
 * needs them itself). User SQL must reach none of them — not even an admin's: reading the database file would
 * bypass every grant, and writing over the WAL loses data. Attacks go through real HTTP into the real engine,
 * natively and through the Druid protocol, hidden behind quoting, case, comments, CTEs, subqueries, views,
 * SQL in strings and several statements in one request.
 */
@Tag("security")
class EngineFileAccessTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String dora;
    static Path temporary;
    static Path database;
    static Path wal;
    static Path planted;

    @BeforeAll
    static void start() throws Exception {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        temporary = data.resolve("engine").resolve("duckdb-tmp");
        database = data.resolve("engine").resolve("sluice.duckdb");
        wal = data.resolve("engine").resolve("sluice.duckdb.wal");
        // What a spill file could hold: DuckDB's own temporary directory is open to SQL once external access is off.
        planted = temporary.resolve("spilled.csv");
        Files.writeString(planted, "secret\nclassified\n");
        for (String sql : List.of("CREATE TABLE vault AS SELECT 'classified' AS secret FROM range(3)",
                "CREATE USER dora", "CREATE ROLE readers", "GRANT ROLE readers TO USER dora",
                "GRANT SELECT ON TABLE vault TO ROLE readers", "GRANT INSERT ON TABLE vault TO ROLE readers")) {
            HttpResponse<String> response = admin(sql);
            assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(200);
        }
        dora = json(admin("CREATE API KEY FOR USER dora")).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static HttpResponse<String> admin(String sql) {
        return sluice.post("/sluice/v1/query", body("sql", sql), SluiceTestServer.ADMIN_KEY);
    }

    static List<String> keys() {
        return List.of(SluiceTestServer.ADMIN_KEY, dora);
    }

    static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    /** Refused as a permission error; admins (whom no grant stops) learn that files are out of reach. */
    static void assertDenied(String sql, HttpResponse<String> response, String key) {
        assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).as(sql + " → " + response.body()).isEqualTo("SQL_PERMISSION_DENIED");
        assertThat(response.body()).as(sql).doesNotContain("classified").doesNotContain("DUCK").doesNotContain("Exception");
        if (key.equals(SluiceTestServer.ADMIN_KEY)) {
            assertThat(json(response).get("message").asText()).as(sql).contains("read or write files");
        }
    }

    @Test
    void nobodyReadsTheDatabaseFileTheWalOrTheTemporaryDirectory() {
        List<String> attacks = List.of(
                "SELECT * FROM read_blob(" + quoted(database) + ")",
                "SELECT content FROM READ_TEXT(" + quoted(wal) + ")",
                "SELECT * FROM read_csv(" + quoted(planted) + ")",
                "SELECT * FROM " + quoted(planted),
                "SELECT * FROM glob(" + quoted(temporary.resolve("*")) + ")",
                "SELECT * FROM sniff_csv(" + quoted(planted) + ")",
                "SELECT * FROM \"read_blob\"(" + quoted(database) + ")",
                "SELECT /* read nothing */ * FROM Read_Blob -- comment\n(" + quoted(database) + ")",
                "WITH vault AS (SELECT * FROM read_blob(" + quoted(database) + ")) SELECT * FROM vault",
                "SELECT (SELECT max(size) FROM read_blob(" + quoted(database) + ")) AS size",
                "SELECT secret FROM vault UNION ALL SELECT secret FROM read_csv(" + quoted(planted) + ")",
                "SELECT * FROM query('SELECT * FROM read_blob(" + quoted(database).replace("'", "''") + ")')",
                "FROM read_blob(" + quoted(database) + ")",
                "INSERT INTO vault SELECT secret FROM read_csv(" + quoted(planted) + ")",
                "CREATE TABLE stolen AS SELECT * FROM read_blob(" + quoted(database) + ")",
                "SELECT 1 AS one; SELECT * FROM query('SELECT * FROM read_blob(" + quoted(database).replace("'", "''") + ")')",
                "SELECT 1 AS one; SELECT * FROM " + quoted(planted));
        for (String key : keys()) {
            for (String sql : attacks) {
                assertDenied(sql, sluice.post("/sluice/v1/query", body("sql", sql), key), key);
            }
        }
        assertThat(admin("SELECT * FROM stolen").statusCode()).isEqualTo(400);
    }

    @Test
    void nobodyWritesIntoTheTemporaryDirectoryOverTheWalOrOutOfTheDatabase() throws Exception {
        Set<Path> before = filesUnder(temporary);
        List<String> attacks = List.of(
                "COPY (SELECT secret FROM vault) TO " + quoted(temporary.resolve("copied.csv")),
                "copy vault to " + quoted(temporary.resolve("copied.parquet")) + " (FORMAT parquet)",
                "COPY (SELECT 'garbage' AS wal) TO " + quoted(wal) + " (FORMAT csv, HEADER false)",
                "COPY (SELECT 'garbage' AS db) TO " + quoted(database),
                "COPY vault FROM " + quoted(planted),
                "EXPORT DATABASE " + quoted(temporary.resolve("exported")),
                "IMPORT DATABASE " + quoted(temporary),
                "ATTACH " + quoted(temporary.resolve("attached.duckdb")) + " AS smuggled",
                "DETACH sluice",
                "SELECT 1 AS one; COPY vault TO " + quoted(temporary.resolve("second.csv")));
        for (String key : keys()) {
            for (String sql : attacks) {
                assertDenied(sql, sluice.post("/sluice/v1/query", body("sql", sql), key), key);
            }
        }
        assertThat(filesUnder(temporary)).as("no file created").isEqualTo(before);
        try (Stream<Path> files = Files.walk(data)) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("copied") || name.startsWith("second") || name.startsWith("exported")
                            || name.startsWith("attached"))).isEmpty();
        }
        // The WAL and the database still hold what they held: checked again across a restart in its own test.
        HttpResponse<String> intact = admin("SELECT count(*) AS n FROM vault");
        assertThat(intact.statusCode()).as(intact.body()).isEqualTo(200);
        assertThat(json(intact).get(0).get("n").asInt()).isEqualTo(3);
    }

    @Test
    void aViewOrMacroOverAFileIsRefusedWheneverItIsUsed() {
        // Creating them only stores text; DuckDB's binder expands them into the statement that uses them.
        admin("CREATE VIEW file_view AS SELECT * FROM sluice.main.vault");
        for (String sql : List.of(
                "CREATE OR REPLACE VIEW file_view AS SELECT * FROM read_blob(" + quoted(database) + ")",
                "CREATE OR REPLACE VIEW file_view AS SELECT * FROM query('SELECT * FROM read_blob("
                        + quoted(database).replace("'", "''") + ")')",
                "CREATE OR REPLACE MACRO file_macro() AS TABLE SELECT * FROM query('SELECT * FROM read_blob("
                        + quoted(database).replace("'", "''") + ")')")) {
            HttpResponse<String> created = admin(sql);
            if (created.statusCode() != 200) {
                assertDenied(sql, created, SluiceTestServer.ADMIN_KEY);
            }
        }
        admin("GRANT SELECT ON TABLE file_view TO ROLE readers");
        for (String key : keys()) {
            for (String sql : List.of("SELECT * FROM file_view", "SELECT * FROM (SELECT * FROM \"FILE_VIEW\") v",
                    "SELECT * FROM file_macro()")) {
                HttpResponse<String> response = sluice.post("/sluice/v1/query", body("sql", sql), key);
                assertDenied(sql, response, key);
            }
        }
    }

    @Test
    void theDruidProtocolRefusesFileAccessInItsOwnShape() {
        for (String key : keys()) {
            String basic = Base64.getEncoder().encodeToString(("druid_user:" + key).getBytes(StandardCharsets.UTF_8));
            for (String sql : List.of("SELECT * FROM read_blob(" + quoted(database) + ")",
                    "COPY (SELECT 'garbage' AS wal) TO " + quoted(wal))) {
                HttpResponse<String> response = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                        .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": " + SluiceTestServer.JSON.valueToTree(sql) + "}"))
                        .build());
                assertThat(response.statusCode()).as(sql + " → " + response.body()).isEqualTo(400);
                JsonNode error = json(response);
                assertThat(error.get("error").asText()).isEqualTo("Plan validation failed");
                if (key.equals(SluiceTestServer.ADMIN_KEY)) {
                    assertThat(error.get("errorMessage").asText()).contains("read or write files");
                }
                assertThat(response.body()).doesNotContain("DUCK").doesNotContain("classified");
            }
        }
    }

    @Test
    void theEngineRunsLockedWithOnlyItsOwnFilesOpenedByDuckDb() {
        HttpResponse<String> settings = admin("SELECT current_setting('enable_external_access') AS external,"
                + " current_setting('lock_configuration') AS locked, current_setting('temp_directory') AS temp,"
                + " CAST(current_setting('allowed_directories') AS VARCHAR) AS directories,"
                + " CAST(current_setting('allowed_paths') AS VARCHAR) AS paths");
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        JsonNode row = json(settings).get(0);
        assertThat(row.get("external").asBoolean()).isFalse();
        assertThat(row.get("locked").asBoolean()).isTrue();
        assertThat(Path.of(row.get("temp").asText())).isEqualTo(temporary.toAbsolutePath());
        // What DuckDB opens by itself: the spill directory, the database and its WAL — and nothing else.
        assertThat(row.get("directories").asText()).isEqualTo("[" + temporary.toAbsolutePath() + "/]");
        assertThat(row.get("paths").asText()).contains(database.toString()).doesNotContain(data.resolve("exports").toString());
        for (String sql : List.of("SET allowed_directories = ['/']", "SET temp_directory = '/tmp'",
                "SET enable_external_access = true", "RESET lock_configuration")) {
            HttpResponse<String> refused = admin(sql);
            assertThat(refused.statusCode()).as(sql + " → " + refused.body()).isEqualTo(400);
        }
    }

    @Test
    void theDataSurvivesTheAttacksAndARestart(@TempDir Path other) throws Exception {
        Path otherWal = other.resolve("engine").resolve("sluice.duckdb.wal");
        try (SluiceTestServer first = new SluiceTestServer(SluiceConfig.defaults(other), false)) {
            assertThat(first.post("/sluice/v1/query", body("sql", "CREATE TABLE kept AS SELECT range AS n FROM range(100)"))
                    .statusCode()).isEqualTo(200);
            for (String sql : List.of("COPY (SELECT 'garbage' AS wal) TO " + quoted(otherWal) + " (FORMAT csv, HEADER false)",
                    "COPY (SELECT 'garbage' AS db) TO " + quoted(other.resolve("engine").resolve("sluice.duckdb")) + " (FORMAT csv, HEADER false)")) {
                assertDenied(sql, first.post("/sluice/v1/query", body("sql", sql)), SluiceTestServer.ADMIN_KEY);
            }
        }
        try (SluiceTestServer second = new SluiceTestServer(SluiceConfig.defaults(other), false)) {
            HttpResponse<String> kept = second.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM kept"));
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
            assertThat(json(kept).get(0).get("n").asInt()).isEqualTo(100);
        }
    }

    @Test
    void sluicesOwnWorkAndOrdinaryStatementsStillRun() {
        // Several statements from an admin still run in order; the audit rows Sluice writes itself are readable.
        HttpResponse<String> script = admin("CREATE TABLE scratch (x INTEGER); INSERT INTO scratch VALUES (1), (2);"
                + " SELECT sum(x) AS total FROM scratch");
        assertThat(script.statusCode()).as(script.body()).isEqualTo(200);
        assertThat(json(script).get(0).get("total").asInt()).isEqualTo(3);
        HttpResponse<String> granted = sluice.post("/sluice/v1/query", body("sql",
                "SELECT count(*) AS n FROM vault WHERE secret = 'classified'"), dora);
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        HttpResponse<String> audit = admin("SELECT count(*) AS n FROM sluice.audit");
        assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
        HttpResponse<String> spilled = admin("SELECT count(*) AS n FROM (SELECT range, md5(range::VARCHAR) AS m FROM range(200000) ORDER BY m)");
        assertThat(spilled.statusCode()).as(spilled.body()).isEqualTo(200);
    }

    static Set<Path> filesUnder(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }
}
