package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's bad-input list on the Snowflake SQL API, each answer checked against Snowflake's OpenAPI description
 * ({@link SqlApiContract}) and Snowflake's error codes: an SQL syntax error, a runtime error, an unknown table, a wrong
 * credential, an unsupported endpoint and an oversized body, each with the real message.
 */
class SnowflakeBadInputTest {

    private static final long MAX_REQUEST_BYTES = 64 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), MAX_REQUEST_BYTES,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), true);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    private static HttpRequest.Builder request(String path, String key) {
        return HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + key)
                .header("Accept", "application/json").header("Content-Type", "application/json");
    }

    private static HttpResponse<String> submit(String sql, String key) {
        return SqlApiContract.check(sluice.send(request("/api/v2/statements", key)
                .POST(HttpRequest.BodyPublishers.ofString(SluiceTestServer.body("statement", sql))).build()));
    }

    private static HttpResponse<String> submit(String sql) {
        return submit(sql, SluiceTestServer.ADMIN_KEY);
    }

    /** The native API's message for SQL the engine rejects. */
    private static String nativeMessage(String sql) {
        HttpResponse<String> response = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", sql));
        assertThat(response.statusCode()).as(response.body()).isGreaterThanOrEqualTo(400);
        return SluiceTestServer.json(response).get("message").asText();
    }

    private static JsonNode failure(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = SluiceTestServer.json(response);
        assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    @Test
    void sqlSyntaxErrorIsACompilationError() {
        JsonNode body = failure(submit("SELECT page FROM wikipedia WHERE"), 422, "001003");
        assertThat(body.get("sqlState").asText()).isEqualTo("42000");
        assertThat(body.get("message").asText()).startsWith("SQL compilation error:\nsyntax error line 1 at position ");
    }

    @Test
    void runtimeErrorKeepsTheEnginesMessage() {
        // A conversion error is Snowflake's 100038 in Snowflake's words; any other runtime error is the engine's own.
        JsonNode conversion = failure(submit("SELECT CAST(page AS INTEGER) FROM wikipedia"), 422, "100038");
        assertThat(conversion.get("sqlState").asText()).isEqualTo("22018");
        assertThat(conversion.get("message").asText()).startsWith("Numeric value '").endsWith("' is not recognized");
        String sql = "SELECT error('the engine says no') FROM wikipedia";
        JsonNode raised = failure(submit(sql), 422, "100000");
        // The engine's words without its error class ("Invalid Input Error: "), as Snowflake words a raised error.
        assertThat(raised.get("message").asText()).isEqualTo("the engine says no");
        assertThat(nativeMessage(sql)).endsWith(": the engine says no");
        assertThat(raised.get("statementHandle").asText()).isNotBlank();
    }

    @Test
    void unknownTableIsObjectDoesNotExist() {
        JsonNode body = failure(submit("SELECT * FROM no_such_table"), 422, "002003");
        assertThat(body.get("sqlState").asText()).isEqualTo("42S02");
        assertThat(body.get("message").asText()).startsWith("SQL compilation error:\n")
                .contains("NO_SUCH_TABLE").doesNotContain("Did you mean");
    }

    @Test
    void wrongCredentialIs401() {
        JsonNode body = failure(submit("SELECT 1", "testadmin.wrongwrongwrongwrongwrong"), 401, "390303");
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void unsupportedEndpointIs404() {
        // Snowflake's REST API for databases lives beside the SQL API; Sluice serves the SQL API only.
        HttpResponse<String> response = sluice.send(request("/api/v2/databases", SluiceTestServer.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        JsonNode body = failure(response, 404, "390404");
        assertThat(body.get("message").asText()).isEqualTo("Unknown endpoint POST /api/v2/databases");
        // A method the SQL API does not take on its own path is 405, as the description declares.
        HttpResponse<String> put = SqlApiContract.check(sluice.send(request("/api/v2/statements", SluiceTestServer.ADMIN_KEY)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build()));
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void oversizedBodyIs413WithSnowflakesInvalidPayloadCode() {
        // Not through SqlApiContract: the description declares no 413, but a body past the limit is refused before the
        // SQL API reads it, as Snowflake's front end refuses one; the body keeps the SQL API's error shape.
        HttpResponse<String> response = sluice.send(request("/api/v2/statements", SluiceTestServer.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(SluiceTestServer.body("statement",
                        "SELECT '" + "x".repeat((int) MAX_REQUEST_BYTES) + "'"))).build());
        JsonNode body = failure(response, 413, "390142");
        assertThat(body.get("message").asText())
                .endsWith("The request body is larger than the limit of " + MAX_REQUEST_BYTES + " bytes");
    }
}
