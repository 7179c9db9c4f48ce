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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo-style queries through Trino's tpch catalog in every protocol: each protocol's catalog field (or a
 * fully qualified name) routes to Trino, and the answer is Trino's (tpch.tiny has 25 nations, 5 regions).
 */
@Tag("trino")
class TrinoProtocolsTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        TrinoCluster.shared();
        sluice = TrinoSluice.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void nativeApiRoutesBySessionCatalogAndByQualifiedNames() {
        HttpResponse<String> byCatalog = sluice.post("/sluice/v1/query", body("sql",
                "SELECT r.name, count(*) AS nations FROM nation n JOIN region r ON n.regionkey = r.regionkey GROUP BY r.name ORDER BY r.name",
                "catalog", "tpch", "schema", "tiny"));
        assertThat(byCatalog.statusCode()).as(byCatalog.body()).isEqualTo(200);
        JsonNode rows = json(byCatalog);
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0).get("name").asText()).isEqualTo("AFRICA");
        assertThat(rows.get(0).get("nations").asLong()).isEqualTo(5);

        HttpResponse<String> qualified = sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM tpch.tiny.nation"));
        assertThat(qualified.statusCode()).as(qualified.body()).isEqualTo(200);
        assertThat(json(qualified).get(0).get("n").asLong()).isEqualTo(25);

        // Local tables stay on DuckDB in the same server.
        HttpResponse<String> local = sluice.post("/sluice/v1/query", body("sql", "SELECT count(*) AS n FROM wikipedia"));
        assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
        assertThat(json(local).get(0).get("n").asLong()).isGreaterThan(0);
    }

    @Test
    void nativeStatementsArePagedFromTrino() throws Exception {
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements", body("sql",
                "SELECT orderkey, totalprice, orderdate FROM tpch.tiny.orders ORDER BY orderkey", "waitMs", 30000));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        JsonNode status = json(submitted);
        assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(status.get("rows").asLong()).isEqualTo(15000);
        assertThat(status.get("pages").size()).isGreaterThan(1);
        HttpResponse<String> page = sluice.get("/sluice/v1/statements/" + status.get("id").asText() + "/results?page=1&format=ndjson");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body().lines().findFirst().orElseThrow()).contains("orderkey").contains("orderdate");
    }

    @Test
    void druidRoutesByContextCatalogAndQualifiedNames() {
        HttpResponse<String> byContext = sluice.post("/druid/v2/sql", body("query", "SELECT name FROM region ORDER BY regionkey",
                "context", Map.of("catalog", "tpch", "schema", "tiny")));
        assertThat(byContext.statusCode()).as(byContext.body()).isEqualTo(200);
        assertThat(json(byContext).get(0).get("name").asText()).isEqualTo("AFRICA");

        HttpResponse<String> typed = sluice.post("/druid/v2/sql", body("query", "SELECT regionkey, name FROM tpch.tiny.region",
                "resultFormat", "array", "header", true, "typesHeader", true, "sqlTypesHeader", true));
        assertThat(typed.statusCode()).as(typed.body()).isEqualTo(200);
        JsonNode table = json(typed);
        assertThat(table.get(0).get(0).asText()).isEqualTo("regionkey");
        assertThat(table.get(1).get(0).asText()).isEqualTo("LONG");
        assertThat(table.get(2).get(0).asText()).isEqualTo("BIGINT");
        assertThat(table).hasSize(3 + 5);
    }

    @Test
    void snowflakeRoutesByDatabase() {
        HttpResponse<String> response = sluice.post("/api/v2/statements", body("statement",
                "SELECT nationkey, name FROM nation WHERE regionkey = 1 ORDER BY nationkey", "database", "TPCH", "schema", "TINY"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.at("/resultSetMetaData/numRows").asLong()).isEqualTo(5);
        assertThat(result.at("/resultSetMetaData/rowType/0/type").asText()).isEqualTo("fixed");
        assertThat(result.at("/resultSetMetaData/rowType/1/type").asText()).isEqualTo("text");
        assertThat(result.at("/data/0/1").asText()).isEqualTo("ARGENTINA");
    }

    @Test
    void ncpRoutesByDataSource() {
        HttpResponse<String> response = sluice.post("/api/v2/queries", body("query",
                "SELECT name, acctbal FROM customer ORDER BY custkey LIMIT 3", "dataSource", "tpch", "database", "tiny"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("isFinished").asBoolean()).isTrue();
        assertThat(result.at("/columns/0/type").asText()).startsWith("varchar");
        assertThat(result.at("/columns/1/type").asText()).isEqualTo("double"); // the tpch connector's type
        assertThat(result.at("/data/0/0").asText()).isEqualTo("Customer#000000001");
        assertThat(result.at("/data/0/1").asDouble()).isEqualTo(711.56);
    }

    @Test
    void nektExportsATrinoResult() {
        HttpResponse<String> response = sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/api/v1/sql-query/"))
                .header("x-api-key", SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body("sql", "SELECT * FROM tpch.tiny.region"))).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("state").asText()).isEqualTo("SUCCEEDED");
        // The exported CSV holds Trino's five regions (a header line plus five rows).
        String link = result.get("presigned_urls").get(0).asText();
        HttpResponse<String> file = sluice.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).GET().build());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body().lines().count()).isEqualTo(6);
        assertThat(file.body()).contains("AFRICA").contains("MIDDLE EAST");
    }
}
