package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NCP signed requests cannot be replayed (issue 19, item 3): a captured request resent within the five-minute
 * window, with its own body or another, is refused with NCP's 401; so is a timestamp outside the window however
 * extreme. A client that sends {@code x-sluice-content-sha256} has its body covered by the signature.
 */
@Tag("security")
class NcpReplayTest {

    private static final String QUERIES = "/api/v2/queries";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static NcpSigner bob;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        bob = NcpSigner.of(sluice.otherUserKey);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aCapturedRequestIsRefusedWhenResentWithItsBodyOrAnother() {
        NcpSigner.Signed captured = bob.sign("POST", QUERIES, System.currentTimeMillis());
        HttpResponse<String> original = NcpSigner.send(sluice, "POST", QUERIES, body("query", "SELECT 1 AS x"), captured);
        assertThat(original.statusCode()).as(original.body()).isEqualTo(200);

        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, body("query", "SELECT 2 AS stolen"), captured));
        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, body("query", "SELECT 1 AS x"), captured));
        // A GET is no different: the signature is spent, whatever it was for.
        NcpSigner.Signed listing = bob.sign("GET", QUERIES + "?pageSize=1", System.currentTimeMillis());
        assertThat(NcpSigner.send(sluice, "GET", QUERIES + "?pageSize=1", null, listing).statusCode()).isEqualTo(200);
        assertUnauthorized(NcpSigner.send(sluice, "GET", QUERIES + "?pageSize=1", null, listing));
        // A fresh signature of the same request is a new request and is served.
        NcpSigner.Signed fresh = bob.sign("GET", QUERIES + "?pageSize=1", System.currentTimeMillis() + 1);
        assertThat(NcpSigner.send(sluice, "GET", QUERIES + "?pageSize=1", null, fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void aTimestampOutsideTheWindowIsRefusedHoweverExtreme() {
        long now = System.currentTimeMillis();
        for (String timestamp : List.of(Long.toString(now - 5 * 60_000 - 1_000), Long.toString(now + 5 * 60_000 + 1_000),
                Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE + now),
                "-1", "0", "9223372036854775808", "1e12", " ", "")) {
            NcpSigner.Signed signed = bob.sign("GET", QUERIES, timestamp, null);
            assertUnauthorized(NcpSigner.send(sluice, "GET", QUERIES, null, signed));
        }
    }

    @Test
    void theOptInBodyHashIsCoveredByTheSignatureAndCheckedAgainstTheBody() {
        String query = body("query", "SELECT 7 AS seven");
        NcpSigner.Signed signed = bob.sign("POST", QUERIES, Long.toString(System.currentTimeMillis()), NcpSigner.sha256(query));
        HttpResponse<String> answered = NcpSigner.send(sluice, "POST", QUERIES, query, signed);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(json(answered).get("data").get(0).get(0).asInt()).isEqualTo(7);

        // Another body under a signature over this body's hash, whether the hash header is kept or stripped.
        String other = body("query", "SELECT 8 AS eight");
        NcpSigner.Signed unused = bob.sign("POST", QUERIES, Long.toString(System.currentTimeMillis() + 7), NcpSigner.sha256(query));
        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, other, unused));
        NcpSigner.Signed stripped = new NcpSigner.Signed(unused.timestamp(), unused.accessKey(), unused.signature(), null);
        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, query, stripped));
        // The header changed to the new body's hash no longer matches the signature.
        NcpSigner.Signed swapped = new NcpSigner.Signed(unused.timestamp(), unused.accessKey(), unused.signature(),
                NcpSigner.sha256(other));
        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, other, swapped));
        // Not lower-case hex of 64 digits: refused even when signed as sent.
        for (String malformed : List.of(NcpSigner.sha256(query).toUpperCase(java.util.Locale.ROOT), "abc", "",
                NcpSigner.sha256(query) + "00")) {
            NcpSigner.Signed odd = bob.sign("POST", QUERIES, Long.toString(System.currentTimeMillis() + 11), malformed);
            assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, query, odd));
        }
        // The original, replayed, is refused like any other signature.
        assertUnauthorized(NcpSigner.send(sluice, "POST", QUERIES, query, signed));
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode error = json(response);
        assertThat(error.get("status").asInt()).isEqualTo(401);
        assertThat(error.get("errorCode").asInt()).isEqualTo(10002);
        assertThat(error.get("title").asText()).isEqualTo("Unauthorized");
        assertThat(response.body()).doesNotContain("Exception");
    }
}
