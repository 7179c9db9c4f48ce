package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AccessControl;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A principal past its statements-per-minute gets 429 in every protocol's own error shape, and every one of
 * them tells the client when to come back (Retry-After), as HTTP asks of a 429.
 */
@Tag("security")
class RetryAfterTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        // One statement a minute: the first request of each principal spends it, every later one is refused.
        sluice.server.access().limits(new AccessControl.Limits(100, 1));
        assertThat(sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT 1\"}", sluice.otherUserKey).statusCode()).isEqualTo(200);
        assertThat(sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT 1\"}").statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    /**
     * The bucket refills one statement a minute, so on a slow machine a request may just get through; the next one
     * is then refused. What is checked is the refusal's shape.
     */
    private static void assertRefusedWithRetryAfter(java.util.function.Supplier<HttpResponse<String>> request, String shape) {
        HttpResponse<String> response = request.get();
        if (response.statusCode() != 429) {
            response = request.get();
        }
        assertRefusedWithRetryAfter(response, shape);
    }

    private static void assertRefusedWithRetryAfter(HttpResponse<String> response, String shape) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).as("Retry-After on " + response.uri()).hasValueSatisfying(
                value -> assertThat(Integer.parseInt(value)).isPositive());
        assertThat(response.body()).contains(shape);
    }

    @Test
    void nativeApi() {
        assertRefusedWithRetryAfter(() -> sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT 1\"}", sluice.otherUserKey), "\"code\":\"RATE_LIMITED\"");
        assertRefusedWithRetryAfter(() -> sluice.post("/sluice/v1/statements", "{\"sql\": \"SELECT 1\"}", sluice.otherUserKey), "\"code\":\"RATE_LIMITED\"");
    }

    @Test
    void druid() {
        assertRefusedWithRetryAfter(() -> sluice.post("/druid/v2/sql", "{\"query\": \"SELECT 1\"}", sluice.otherUserKey), "\"errorClass\"");
    }

    @Test
    void snowflake() {
        assertRefusedWithRetryAfter(() -> sluice.post("/api/v2/statements", "{\"statement\": \"SELECT 1\"}", sluice.otherUserKey), "\"code\":\"390505\"");
    }

    @Test
    void ncp() {
        assertRefusedWithRetryAfter(() -> sluice.post("/api/v2/queries", "{\"query\": \"SELECT 1\"}", sluice.otherUserKey), "\"errorCode\":429");
    }

    @Test
    void nekt() {
        assertRefusedWithRetryAfter(() -> sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v1/sql-query/"))
                .header("x-api-key", sluice.otherUserKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 1\"}")).build()), "\"state\":\"FAILED\"");
    }

    @Test
    void ksqlDb() {
        // The ksqlDB API is for admins; the admin spent its one statement in start().
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
        assertRefusedWithRetryAfter(() -> sluice.send(HttpRequest.newBuilder(sluice.uri("/query")).header("Authorization", basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"ksql\": \"SELECT * FROM riderLocations WHERE profileId = 'none';\"}")).build()),
                "\"error_code\":42900");
    }
}
