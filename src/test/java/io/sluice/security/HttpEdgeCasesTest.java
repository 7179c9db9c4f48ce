package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP edge cases of issue 19 (item 5), as an attacker would try them against a real server on a real port:
 * oversized bodies with a declared length and chunked, invalid UTF-8, a forged Host header in export links, and
 * ids of other principals' statements. Each answer must come in the protocol's own error shape.
 */
@Tag("security")
class HttpEdgeCasesTest {

    private static final int LIMIT = 64 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One POST endpoint: the field its SQL goes in, and how its own error body looks. */
    record Endpoint(String path, String sqlField, String shape, Predicate<JsonNode> isOwnShape) {
    }

    static final Predicate<JsonNode> NATIVE = body -> body.has("code") && body.has("message") && !body.get("code").asText().matches("\\d+");
    static final Predicate<JsonNode> DRUID = body -> body.has("errorMessage") && body.has("errorCode") && body.has("persona");
    static final Predicate<JsonNode> SNOWFLAKE = body -> body.has("code") && body.get("code").asText().matches("\\d{6}") && body.has("message");
    static final Predicate<JsonNode> NCP = body -> body.has("type") && body.has("title") && body.has("errorCode") && body.has("instance");
    static final Predicate<JsonNode> NEKT = body -> body.has("detail") && body.size() == 1;
    static final Predicate<JsonNode> KSQL = body -> body.has("@type") && body.has("error_code");

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/sluice/v1/query", "sql", "native", NATIVE),
            new Endpoint("/sluice/v1/statements", "sql", "native", NATIVE),
            new Endpoint("/sluice/v1/admin/users", "name", "native", NATIVE),
            new Endpoint("/druid/v2/sql", "query", "druid", DRUID),
            new Endpoint("/druid/v2/sql/statements", "query", "druid", DRUID),
            new Endpoint("/api/v2/statements", "statement", "snowflake", SNOWFLAKE),
            new Endpoint("/api/v2/queries", "query", "ncp", NCP),
            new Endpoint("/api/v2/queries/async", "query", "ncp", NCP),
            new Endpoint("/api/v1/sql-query/", "sql", "nekt", NEKT),
            new Endpoint("/ksql", "ksql", "ksql", KSQL),
            new Endpoint("/query", "ksql", "ksql", KSQL),
            new Endpoint("/query-stream", "sql", "ksql", KSQL),
            new Endpoint("/close-query", "queryId", "ksql", KSQL));

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), LIMIT,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), null)), true);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void oversizedBodiesAre413InEachProtocolsShapeWhateverTheTransferEncoding() throws Exception {
        for (Endpoint endpoint : ENDPOINTS) {
            byte[] body = ("{\"" + endpoint.sqlField() + "\": \"SELECT 1\", \"pad\": \"" + "b".repeat(LIMIT + 10_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            for (boolean chunked : new boolean[] {false, true}) {
                HttpRequest.BodyPublisher publisher = chunked
                        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body);
                HttpResponse<String> response = HTTP1.send(HttpRequest.newBuilder(sluice.uri(endpoint.path()))
                        .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                        .header("Content-Type", "application/json").POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
                String what = endpoint.path() + (chunked ? " chunked" : " with Content-Length") + ": " + response.body();
                assertThat(response.statusCode()).as(what).isEqualTo(413);
                assertThat(endpoint.isOwnShape().test(json(response))).as("%s shape of %s", endpoint.shape(), what).isTrue();
                assertThat(response.body()).as(what).doesNotContain("bbbbbbbb").doesNotContain("\tat ").doesNotContain("java.lang");
            }
        }
        assertThat(sluice.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void invalidUtf8Is400InEachProtocolsShape() throws Exception {
        for (Endpoint endpoint : ENDPOINTS) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(("{\"" + endpoint.sqlField() + "\": \"SELECT '").getBytes(StandardCharsets.UTF_8));
            body.write(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28});
            body.write("' AS x\"}".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP1.send(HttpRequest.newBuilder(sluice.uri(endpoint.path()))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            String what = endpoint.path() + ": " + response.body();
            assertThat(response.statusCode()).as(what).isEqualTo(400);
            assertThat(endpoint.isOwnShape().test(json(response))).as("%s shape of %s", endpoint.shape(), what).isTrue();
        }
    }

    @Test
    void exportLinksNeverTakeTheirHostFromTheRequest() throws Exception {
        String nekt = "{\"sql\": \"SELECT 1 AS n\", \"mode\": \"csv\"}";
        String answer = raw("POST /api/v1/sql-query/ HTTP/1.1\r\nHost: evil.example.com\r\nx-api-key: " + SluiceTestServer.ADMIN_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + nekt.length() + "\r\nConnection: close\r\n\r\n" + nekt);
        assertThat(answer).startsWith("HTTP/1.1 200");
        JsonNode links = SluiceTestServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("presigned_urls");
        assertThat(links).isNotEmpty();
        for (JsonNode link : links) {
            assertThat(link.asText()).doesNotContain("evil").startsWith("http://127.0.0.1:" + sluice.server.port() + "/sluice/exports/");
        }
        // The native export of a finished statement, asked for with a forged Host, links to the listener too.
        String id = json(sluice.post("/sluice/v1/statements", "{\"sql\": \"SELECT 2 AS n\", \"waitMs\": 10000}")).get("id").asText();
        String export = "{\"format\": \"csv\"}";
        String exported = raw("POST /sluice/v1/statements/" + id + "/export HTTP/1.1\r\nHost: evil.example.com:443\r\nAuthorization: Bearer "
                + SluiceTestServer.ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + export.length()
                + "\r\nConnection: close\r\n\r\n" + export);
        assertThat(exported).startsWith("HTTP/1.1 200").doesNotContain("evil.example.com")
                .contains("http://127.0.0.1:" + sluice.server.port() + "/sluice/exports/");
    }

    @Test
    void theConfiguredPublicUrlIsTheBaseOfLinksAndExportLocalPublicUrlStillWins() throws Exception {
        String nekt = "{\"sql\": \"SELECT 1 AS n\", \"mode\": \"csv\"}";
        for (String[] setting : new String[][] {
                {"http.publicUrl=https://sluice.example.com/\n", "https://sluice.example.com/sluice/exports/"},
                {"http.publicUrl=https://sluice.example.com\nexport.local.publicUrl=https://files.example.com\n",
                        "https://files.example.com/sluice/exports/"}}) {
            Path directory = data.resolve("public-" + Math.abs(setting[0].hashCode()));
            java.nio.file.Files.createDirectories(directory);
            Path properties = directory.resolve("sluice.properties");
            java.nio.file.Files.writeString(properties, setting[0]);
            try (SluiceTestServer server = new SluiceTestServer(SluiceConfig.load(properties, directory.resolve("data")), false)) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/sql-query/"))
                        .header("x-api-key", SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(nekt)).build());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                for (JsonNode link : json(response).get("presigned_urls")) {
                    assertThat(link.asText()).as(setting[0]).startsWith(setting[1]);
                }
            }
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new HttpServerConfig("0.0.0.0", 0, LIMIT, 1000, 8,
                HttpServerConfig.Limits.DEFAULT, null, "https://evil.example.com/path?x=1"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherPrincipalsStatementIdAnswersLikeAnUnknownOne() throws Exception {
        String nativeId = json(sluice.post("/sluice/v1/statements", "{\"sql\": \"SELECT 1 AS x\", \"waitMs\": 10000}")).get("id").asText();
        String druidId = json(sluice.post("/druid/v2/sql/statements",
                "{\"query\": \"SELECT 1 AS x\", \"context\": {\"executionMode\": \"ASYNC\"}}")).get("queryId").asText();
        String handle = json(sluice.post("/api/v2/statements", "{\"statement\": \"SELECT 1 AS x\"}")).get("statementHandle").asText();
        String ncpId = json(sluice.post("/api/v2/queries", "{\"query\": \"SELECT 1 AS x\"}")).get("id").asText();
        record Probe(String method, String path, String id) {
        }
        List<Probe> probes = List.of(
                new Probe("GET", "/sluice/v1/statements/{id}", nativeId),
                new Probe("GET", "/sluice/v1/statements/{id}/results", nativeId),
                new Probe("DELETE", "/sluice/v1/statements/{id}", nativeId),
                new Probe("GET", "/druid/v2/sql/statements/{id}", druidId),
                new Probe("GET", "/druid/v2/sql/statements/{id}/results", druidId),
                new Probe("DELETE", "/druid/v2/sql/statements/{id}", druidId),
                new Probe("GET", "/api/v2/statements/{id}", handle),
                new Probe("POST", "/api/v2/statements/{id}/cancel", handle),
                new Probe("GET", "/api/v2/queries/{id}", ncpId),
                new Probe("DELETE", "/api/v2/queries/{id}", ncpId));
        for (Probe probe : probes) {
            String unknown = unknownLike(probe.id());
            HttpResponse<String> others = asBob(probe.method(), probe.path().replace("{id}", probe.id()));
            HttpResponse<String> missing = asBob(probe.method(), probe.path().replace("{id}", unknown));
            String what = probe.method() + " " + probe.path() + ": " + others.body() + " / " + missing.body();
            assertThat(others.statusCode()).as(what).isEqualTo(missing.statusCode()).isIn(404, 422);
            assertThat(withoutIds(others.body())).as(what).isEqualTo(withoutIds(missing.body()));
        }
        // Druid's cancel by sqlQueryId, of a query that is running right now.
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> sluice.post("/druid/v2/sql",
                "{\"query\": \"SELECT count(*) FROM range(100000000000) a\", \"context\": {\"sqlQueryId\": \"probe01\"}}"));
        try {
            awaitRunning("druid");
            HttpResponse<String> others = asBob("DELETE", "/druid/v2/sql/probe01");
            HttpResponse<String> missing = asBob("DELETE", "/druid/v2/sql/probe02");
            assertThat(others.statusCode()).as(others.body()).isEqualTo(404).isEqualTo(missing.statusCode());
            assertThat(others.body().replace("probe01", "ID")).isEqualTo(missing.body().replace("probe02", "ID"));
        } finally {
            assertThat(sluice.delete("/druid/v2/sql/probe01").statusCode()).isEqualTo(202);
            running.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The body with every id-like token (16 or more letters, digits and dashes) replaced, to compare two answers. */
    private static String withoutIds(String body) {
        return body.replaceAll("[A-Za-z0-9-]{16,}", "ID");
    }

    /** An id of the same form that names nothing: its last four characters changed. */
    private static String unknownLike(String id) {
        String tail = id.substring(id.length() - 4).equals("0000") ? "1111" : "0000";
        return id.substring(0, id.length() - 4) + tail;
    }

    private static HttpResponse<String> asBob(String method, String path) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + sluice.otherUserKey)
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private static void awaitRunning(String protocol) throws InterruptedException {
        for (int attempt = 0; attempt < 400; attempt++) {
            for (JsonNode statement : json(sluice.get("/sluice/v1/statements?limit=20")).get("statements")) {
                if (statement.get("state").asText().equals("RUNNING") && statement.get("protocol").asText().equals(protocol)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the query did not start");
    }

    /** One request over a plain socket (the JDK client will not send a Host header of our choosing). */
    static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
