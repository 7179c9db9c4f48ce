package io.sluice.engine.trino;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import io.sluice.testing.TrinoCluster;
import io.sluice.testing.TrinoSluice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancels and timeouts reach Trino (its own query list shows the query FAILED as USER_CANCELED), statements
 * run as the principal's Trino user, and Trino's errors arrive in the core error model with Trino's names.
 */
@Tag("trino")
class TrinoStatementLifeTest {

    /** Generated TPC-H data this large keeps two small cores busy far longer than any test waits. */
    static final String ENDLESS = "SELECT count(*) FROM tpch.sf100000.lineitem WHERE comment LIKE '%%%s%%'";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static TrinoCluster trino;

    @BeforeAll
    static void start() {
        trino = TrinoCluster.shared();
        sluice = TrinoSluice.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    /** Trino's state and error code of the one query whose text contains {@code marker}, once it is there. */
    static List<String> trinoQuery(String marker) {
        List<List<String>> rows = trino.query("sluice-test", "SELECT state, error_code, \"user\" FROM system.runtime.queries"
                + " WHERE query LIKE '%" + marker + "%' AND query NOT LIKE '%system.runtime.queries%' AND query NOT LIKE 'EXPLAIN%'");
        return rows.isEmpty() ? null : rows.getFirst();
    }

    static List<String> awaitTrinoState(String marker, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> last = null;
        while (System.nanoTime() < deadline) {
            last = trinoQuery(marker);
            if (last != null && last.getFirst().equals(state)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Trino never showed the query " + state + "; last " + last);
    }

    static JsonNode awaitSluiceEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + id));
            if (!List.of("QUEUED", "RUNNING").contains(status.get("state").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("statement " + id + " never ended");
    }

    @Test
    void finishedStatementsAreCountedByTheEngineThatRanThem() {
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) FROM tpch.tiny.nation")).statusCode()).isEqualTo(200);
        assertThat(sluice.post("/sluice/v1/query", body("sql", "SELECT 42 AS local_answer")).statusCode()).isEqualTo(200);
        String metrics = sluice.get("/metrics").body();
        assertThat(metrics).containsPattern("sluice_statements_finished_total\\{[^}]*engine=\"trino\"[^}]*state=\"SUCCEEDED\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("sluice_statements_finished_total\\{[^}]*engine=\"duckdb\"[^}]*state=\"SUCCEEDED\"[^}]*} [1-9]");
    }

    @Test
    void cancelStopsTheTrinoQuery() throws Exception {
        String marker = "cancel-" + UUID.randomUUID();
        JsonNode submitted = json(sluice.post("/sluice/v1/statements", body("sql", ENDLESS.formatted(marker), "waitMs", 0)));
        String id = submitted.get("id").asText();
        List<String> running = awaitTrinoState(marker, "RUNNING");
        assertThat(running.get(2)).as("Trino user").isEqualTo("admin");

        HttpResponse<String> cancelled = sluice.delete("/sluice/v1/statements/" + id);
        assertThat(json(cancelled).get("state").asText()).as(cancelled.body()).isEqualTo("CANCELLED");
        List<String> ended = awaitTrinoState(marker, "FAILED");
        assertThat(ended.get(1)).isEqualTo("USER_CANCELED");
    }

    @Test
    void timeoutStopsTheTrinoQuery() throws Exception {
        String marker = "timeout-" + UUID.randomUUID();
        JsonNode submitted = json(sluice.post("/sluice/v1/statements", body("sql", ENDLESS.formatted(marker), "waitMs", 0,
                "timeoutMs", 4000)));
        JsonNode status = awaitSluiceEnd(submitted.get("id").asText());
        assertThat(status.get("state").asText()).isEqualTo("FAILED");
        assertThat(status.at("/error/code").asText()).isEqualTo("TIMEOUT");
        List<String> ended = awaitTrinoState(marker, "FAILED");
        assertThat(ended.get(1)).isEqualTo("USER_CANCELED");
    }

    @Test
    void aStreamingClientThatGoesAwayStopsTheTrinoQuery() throws Exception {
        String marker = "stream-" + UUID.randomUUID();
        var response = sluice.postStreaming("/sluice/v1/query?format=ndjson", body("sql",
                "SELECT orderkey, comment FROM tpch.sf1000.lineitem WHERE comment NOT LIKE '%" + marker + "%'"));
        try (var in = response.body()) {
            assertThat(in.readNBytes(10_000)).hasSize(10_000);
        }
        List<String> ended = awaitTrinoState(marker, "FAILED");
        assertThat(ended.get(1)).isEqualTo("USER_CANCELED");
    }

    @Test
    void trinoErrorsKeepTheirNamesInTheCoreErrorModel() {
        HttpResponse<String> missing = sluice.post("/sluice/v1/query", body("sql", "SELECT * FROM tpch.tiny.nope"));
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonNode error = json(missing);
        assertThat(error.get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(error.get("message").asText()).isEqualTo("TABLE_NOT_FOUND: Table 'tpch.tiny.nope' does not exist");
        assertThat(error.get("sqlState").asText()).isEqualTo("42P01");
        assertThat(error.at("/position/line").asInt()).isEqualTo(1);
        assertThat(error.at("/position/column").asInt()).isEqualTo(15);

        JsonNode syntax = json(sluice.post("/sluice/v1/query", body("sql", "SELEC 1", "catalog", "tpch")));
        assertThat(syntax.get("code").asText()).isEqualTo("SQL_SYNTAX_ERROR");
        assertThat(syntax.get("message").asText()).startsWith("SYNTAX_ERROR: mismatched input 'SELEC'");

        JsonNode division = json(sluice.post("/sluice/v1/query", body("sql", "SELECT 1 / (regionkey - regionkey) FROM tpch.tiny.region")));
        assertThat(division.get("code").asText()).isEqualTo("SQL_ERROR");
        assertThat(division.get("message").asText()).isEqualTo("DIVISION_BY_ZERO: Division by zero");

        HttpResponse<String> druid = sluice.post("/druid/v2/sql", body("query", "SELECT * FROM tpch.tiny.nope"));
        assertThat(druid.statusCode()).isEqualTo(400);
        assertThat(json(druid).get("errorMessage").asText()).contains("TABLE_NOT_FOUND");
        assertThat(json(druid).at("/context/column").asText()).isEqualTo("15");
    }

    @Test
    void anUnknownCatalogIsNamedInEveryProtocol() {
        HttpResponse<String> nativeApi = sluice.post("/sluice/v1/query", body("sql", "SELECT 1", "catalog", "nocat"));
        assertThat(nativeApi.statusCode()).isEqualTo(400);
        assertThat(json(nativeApi).get("code").asText()).isEqualTo("SQL_CATALOG_ERROR");
        assertThat(json(nativeApi).get("message").asText()).isEqualTo("Catalog 'nocat' does not exist");

        HttpResponse<String> ncp = sluice.post("/api/v2/queries", body("query", "SELECT 1", "dataSource", "nocat"));
        assertThat(ncp.statusCode()).isEqualTo(400);
        assertThat(json(ncp).get("detail").asText()).contains("Catalog 'nocat' does not exist");

        HttpResponse<String> snowflake = sluice.post("/api/v2/statements", body("statement", "SELECT 1", "database", "nocat"));
        assertThat(snowflake.statusCode()).isIn(400, 422);
        assertThat(json(snowflake).get("message").asText()).contains("Catalog 'nocat' does not exist");

        HttpResponse<String> druid = sluice.post("/druid/v2/sql", body("query", "SELECT 1", "context", Map.of("catalog", "nocat")));
        assertThat(druid.statusCode()).isEqualTo(400);
        assertThat(json(druid).get("errorMessage").asText()).contains("Catalog 'nocat' does not exist");

        // Inside a Trino catalog, Trino itself names what is missing.
        JsonNode schema = json(sluice.post("/sluice/v1/query", body("sql", "SELECT * FROM nowhere.t", "catalog", "tpch")));
        assertThat(schema.get("message").asText()).contains("SCHEMA_NOT_FOUND").contains("nowhere");
    }
}
