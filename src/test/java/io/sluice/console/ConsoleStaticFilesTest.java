package io.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files are served without a credential (they hold no data); data calls still need one. */
class ConsoleStaticFilesTest {

    @TempDir
    static java.nio.file.Path data;

    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    private HttpResponse<String> anonymous(String path) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).GET().build());
    }

    @Test
    void servesThePageScriptAndStyleWithoutACredential() {
        HttpResponse<String> page = anonymous("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Sluice console</title>", "/console/console.js", "id=\"api-key\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        HttpResponse<String> script = anonymous("/console/console.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        // The key lives in session storage; local storage holds worksheets only, under the key id (ConsoleBrowserTest).
        assertThat(script.body()).contains("sessionStorage.setItem", "sluice.apiKey", "/sluice/v1/statements", "sluice.worksheets.");

        assertThat(anonymous("/console/console.css").statusCode()).isEqualTo(200);
    }

    @Test
    void servesNothingElse() {
        for (String path : new String[] {"/console/api-keys.tsv", "/console/..%2Fopenapi.json", "/console/%2e%2e/%2e%2e/pom.xml",
                "/console/ConsoleApi.class", "/console/static"}) {
            HttpResponse<String> response = anonymous(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404); // Jetty refuses ambiguous encoded paths with 400
            assertThat(response.body()).as(path).doesNotContain("package io.sluice", "Exception");
        }
    }

    @Test
    void dataStillNeedsTheKey() {
        assertThat(anonymous("/sluice/v1/statements").statusCode()).isEqualTo(401);
        assertThat(sluice.get("/sluice/v1/statements").statusCode()).isEqualTo(200);
        HttpResponse<String> catalog = anonymous("/console/catalog");
        assertThat(catalog.statusCode()).isEqualTo(401);
        assertThat(catalog.body()).contains("\"code\":\"UNAUTHENTICATED\"").doesNotContain("wikipedia");
    }

    /**
     * The catalog the console shows: everything to an admin; to anyone else only the tables granted to them, with
     * their columns, and reading it runs nothing in their name (no statement in their history, failed or not).
     */
    @Test
    void theCatalogShowsEachKeyWhatItMaySee() throws Exception {
        for (String sql : new String[] {"CREATE TABLE catalog_hidden (secret_column INTEGER)", "CREATE USER catalog_reader",
                "CREATE ROLE catalog_readers", "GRANT SELECT ON TABLE wikipedia TO ROLE catalog_readers",
                "GRANT ROLE catalog_readers TO USER catalog_reader"}) {
            assertThat(sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", sql)).statusCode()).as(sql).isEqualTo(200);
        }
        String readerKey = SluiceTestServer.json(sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "CREATE API KEY FOR USER catalog_reader")))
                .get(0).get("api_key").asText();

        var admin = SluiceTestServer.json(sluice.get("/console/catalog"));
        assertThat(admin.get("currentCatalog").asText()).isNotEmpty();
        assertThat(tables(admin)).contains("wikipedia", "catalog_hidden", "exchange_rate");

        HttpResponse<String> response = sluice.get("/console/catalog", readerKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var reader = SluiceTestServer.json(response);
        assertThat(tables(reader)).containsOnly("wikipedia");
        assertThat(reader.get("columns").toString()).contains("\"column\":\"channel\"", "\"type\":\"VARCHAR\"").doesNotContain("secret_column");
        assertThat(SluiceTestServer.json(sluice.get("/sluice/v1/statements", readerKey)).get("statements")).isEmpty();
    }

    private static java.util.Set<String> tables(com.fasterxml.jackson.databind.JsonNode catalog) {
        var names = new java.util.TreeSet<String>();
        catalog.get("columns").forEach(column -> names.add(column.get("table").asText()));
        return names;
    }
}
