package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sends is not shown back to it in errors when it may be a secret: a wrong key's secret, or a token
 * of a malformed body. And no error, in any protocol, carries a stack frame or a Java class of Sluice's.
 */
@Tag("security")
class ErrorDisclosureTest {

    private static final String SECRET = "hunter2Hunter2Secret";
    private static final Pattern STACK = Pattern.compile("\\bat (java|io|org|com)\\.[\\w.$]+\\(|\\.java:\\d+\\)|io\\.sluice\\.");

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private record Endpoint(String path, String validBody) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/sluice/v1/query", "{\"sql\": \"SELECT 1\"}"),
            new Endpoint("/sluice/v1/statements", "{\"sql\": \"SELECT 1\"}"),
            new Endpoint("/druid/v2/sql", "{\"query\": \"SELECT 1\"}"),
            new Endpoint("/api/v2/statements", "{\"statement\": \"SELECT 1\"}"),
            new Endpoint("/api/v2/queries", "{\"query\": \"SELECT 1\"}"),
            new Endpoint("/api/v1/sql-query/", "{\"sql\": \"SELECT 1\"}"),
            new Endpoint("/ksql", "{\"ksql\": \"SHOW STREAMS;\"}"),
            new Endpoint("/query", "{\"ksql\": \"SELECT 1;\"}"),
            new Endpoint("/sluice/v1/admin/users", "{\"name\": \"x\"}"));

    private static HttpResponse<String> post(String path, String body, String header, String value) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header(header, value).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void assertDiscloses(HttpResponse<String> response, String what) {
        assertThat(response.body()).as(what + " " + response.uri()).doesNotContain(SECRET);
        assertThat(STACK.matcher(response.body()).find()).as(what + " " + response.uri() + ": " + response.body()).isFalse();
        assertThat(response.statusCode()).as(what + " " + response.uri()).isBetween(400, 499);
    }

    @Test
    void aWrongKeyIsRefusedWithoutItsSecretInAnyProtocol() {
        String key = SluiceTestServer.ADMIN_KEY.substring(0, SluiceTestServer.ADMIN_KEY.indexOf('.') + 1) + SECRET;
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + key).getBytes(StandardCharsets.UTF_8));
        for (Endpoint endpoint : ENDPOINTS) {
            assertDiscloses(post(endpoint.path(), endpoint.validBody(), "Authorization", "Bearer " + key), "bearer");
            assertDiscloses(post(endpoint.path(), endpoint.validBody(), "Authorization", basic), "basic");
            assertDiscloses(post(endpoint.path(), endpoint.validBody(), "x-api-key", key), "x-api-key");
        }
        // Snowflake's key-pair JWT path, NCP's signature path: a token or signature that is the secret.
        assertDiscloses(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                .header("Authorization", "Bearer " + SECRET).header("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"statement\": \"SELECT 1\"}")).build()), "jwt");
        assertDiscloses(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/queries"))
                .header("x-ncp-apigw-timestamp", Long.toString(System.currentTimeMillis())).header("x-ncp-iam-access-key", "testadmin")
                .header("x-ncp-apigw-signature-v2", SECRET).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"SELECT 1\"}")).build()), "ncp signature");
    }

    @Test
    void malformedBodiesAreNotQuotedBack() {
        List<String> bodies = List.of("{\"sql\": \"SELECT 1\", \"password\": " + SECRET + "}", SECRET,
                "{\"" + SECRET + "\" 1}", "{\"sql\": \"SELECT 1\", \"x\": \"" + SECRET, "[" + SECRET + "]");
        for (Endpoint endpoint : ENDPOINTS) {
            for (String body : bodies) {
                assertDiscloses(post(endpoint.path(), body, "Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY), "body " + body);
            }
        }
    }
}
