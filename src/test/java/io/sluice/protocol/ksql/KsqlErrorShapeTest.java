package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure on ksqlDB's paths is in ksqlDB's error shape ({@code @type}, {@code error_code} = status × 100 + n,
 * {@code message}), including those answered before any ksqlDB code runs: credentials Jetty cannot even parse,
 * bodies over the server's limit, other methods and the ksqlDB endpoints Sluice does not serve.
 */
class KsqlErrorShapeTest {

    private static final long MAX_BODY = 64 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), MAX_BODY,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), false);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aBasicHeaderJettyCannotParseIsKsqlDbs400OnKsqlPathsAndTheNativeOneElsewhere() throws IOException {
        String ksql = rawPost("/ksql", "Authorization: Basic \u0001\u0002", "{\"ksql\":\"SHOW STREAMS;\"}");
        assertThat(ksql).startsWith("HTTP/1.1 400 ");
        JsonNode error = SluiceTestServer.JSON.readTree(ksql.substring(ksql.indexOf("\r\n\r\n") + 4));
        assertKsqlError(error, "generic_error", 40000, "The request is not valid HTTP");

        String nativeApi = rawPost("/sluice/v1/query", "Authorization: Basic \u0001\u0002", "{\"sql\":\"SELECT 1\"}");
        assertThat(nativeApi).startsWith("HTTP/1.1 400 ").contains("\"code\":\"MALFORMED_REQUEST\"").doesNotContain("@type");
    }

    @Test
    void aBasicHeaderThatIsNotBase64OrHasNoPasswordIsKsqlDbs401() throws Exception {
        for (String authorization : new String[] {"Basic !!!", "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes()),
                "Basic", "Bearer"}) {
            HttpResponse<String> response = sluice.send(HttpRequest.newBuilder(sluice.uri("/ksql"))
                    .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body("ksql", "SHOW STREAMS;"))).build());
            assertThat(response.statusCode()).as(authorization).isEqualTo(401);
            assertKsqlError(json(response), "generic_error", 40100, "A valid API key is required: send 'Authorization: Bearer <keyId>.<secret>'");
        }
    }

    @Test
    void aWrongCredentialOverHttp2IsKsqlDbs401() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        http2.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build(), HttpResponse.BodyHandlers.discarding());
        String basic = Base64.getEncoder().encodeToString("user:wrong.0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(sluice.uri("/query-stream"))
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body("sql", "SELECT * FROM nowhere EMIT CHANGES;"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("error_code").asInt()).isEqualTo(40100);
    }

    @Test
    void aBodyOverTheLimitIsKsqlDbs413OverHttp11AndHttp2() throws Exception {
        String statement = "INSERT INTO nowhere (v) VALUES ('" + "x".repeat((int) MAX_BODY) + "');";
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        http2.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build(), HttpResponse.BodyHandlers.discarding());
        for (HttpClient.Version version : new HttpClient.Version[] {HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2}) {
            for (String path : new String[] {"/ksql", "/query-stream"}) {
                HttpResponse<String> response = http2.send(HttpRequest.newBuilder(sluice.uri(path)).version(version)
                        .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body("ksql", statement, "sql", statement))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.version()).isEqualTo(version);
                assertThat(response.statusCode()).as(path + " " + version).isEqualTo(413);
                assertKsqlError(json(response), "generic_error", 41300,
                        "The request body is larger than the limit of " + MAX_BODY + " bytes");
            }
        }
    }

    @Test
    void headersOverTheLimitAreKsqlDbs431() throws IOException {
        String response = rawPost("/query", "X-Padding: " + "p".repeat(20_000), "{\"ksql\":\"SELECT * FROM s;\"}");
        assertThat(response).startsWith("HTTP/1.1 431 ");
        JsonNode error = SluiceTestServer.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertKsqlError(error, "generic_error", 43100, "The request headers are larger than the server accepts");
    }

    @Test
    void anotherMethodOnAKsqlDbPathIsKsqlDbs405() {
        HttpResponse<String> response = sluice.get("/ksql");
        assertThat(response.statusCode()).isEqualTo(405);
        assertKsqlError(json(response), "generic_error", 40500, "Method GET is not allowed on /ksql; ksqlDB takes POST there");
    }

    @Test
    void aKsqlDbEndpointSluiceDoesNotServeIsKsqlDbs404() {
        for (String path : new String[] {"/info", "/healthcheck", "/is_valid_property/ksql.streams.auto.offset.reset"}) {
            HttpResponse<String> response = sluice.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertKsqlError(json(response), "generic_error", 40400, "Sluice does not serve ksqlDB's GET " + path
                    + "; its ksqlDB API is POST /ksql, POST /query, POST /query-stream, POST /inserts-stream, POST /close-query");
        }
        HttpResponse<String> terminateCluster = sluice.post("/ksql/terminate", "{\"deleteTopicList\":[]}");
        assertThat(terminateCluster.statusCode()).isEqualTo(404);
        assertThat(json(terminateCluster).get("error_code").asInt()).isEqualTo(40400);
    }

    private static void assertKsqlError(JsonNode error, String type, int code, String message) {
        assertThat(error.get("@type").asText()).isEqualTo(type);
        assertThat(error.get("error_code").asInt()).isEqualTo(code);
        assertThat(error.get("message").asText()).isEqualTo(message);
    }

    /** A request sent byte for byte, so a header no HTTP client would send reaches the server. */
    private static String rawPost(String path, String header, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + header + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
