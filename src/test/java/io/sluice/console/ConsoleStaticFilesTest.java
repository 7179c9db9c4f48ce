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
        assertThat(script.body()).contains("sluice.apiKey", "/sluice/v1/query").doesNotContain("localStorage.setItem");

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
    }
}
