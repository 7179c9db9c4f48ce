package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snowflake key-pair JWT lifetimes against a real server (issue 19, item 4): a token correctly signed with a
 * registered key is still refused unless {@code iat} lies at most 60 s ahead and at most an hour behind, {@code exp}
 * lies ahead, and it lives at most an hour. Extreme claim values once overflowed the check into a token that never
 * expired.
 */
@Tag("security")
class SnowflakeJwtLifetimeTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static KeyPair bobKey;
    static String fingerprint;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluiceTestServer.start(data);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        bobKey = generator.generateKeyPair();
        fingerprint = "SHA256:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(bobKey.getPublic().getEncoded()));
        HttpResponse<String> registered = post("ALTER USER BOB SET RSA_PUBLIC_KEY='"
                + Base64.getEncoder().encodeToString(bobKey.getPublic().getEncoded()) + "'", "Bearer " + SluiceTestServer.ADMIN_KEY);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void tokensThatLiveTooLongOrAtTheWrongTimeAreRefused() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Object[][] refused = {
                {Long.MIN_VALUE, Long.MAX_VALUE}, // the reported token: its lifetime overflowed to -1
                {now, Long.MAX_VALUE},
                {Long.MIN_VALUE, now + 60},
                {Long.MAX_VALUE, Long.MAX_VALUE},
                {Long.MIN_VALUE, Long.MIN_VALUE},
                {-1L, now + 60},
                {0L, now + 60},
                {now - 3_601, now + 60}, // issued more than an hour ago
                {now + 120, now + 600}, // issued in the future, past the skew
                {now - 10, now + 3_600}, // lives 3,610 s
                {now - 100, now - 1}, // expired
                {now, now}, // expires now
                {now * 1000, Long.MAX_VALUE}, // milliseconds
                {Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 10},
                {null, now + 60}, // missing
                {now, null},
                {null, null},
                {"" + now, now + 60}, // not numbers
                {now, "" + (now + 60)},
                {now + 0.5, now + 60.5}, // not whole
                {new java.math.BigInteger("18446744073709551616").add(java.math.BigInteger.valueOf(now)), now + 60}, // 2^64 + now
        };
        for (Object[] times : refused) {
            HttpResponse<String> response = post("SELECT 1", "Bearer " + jwt(times[0], times[1]));
            assertThat(response.statusCode()).as("iat=%s exp=%s: %s", times[0], times[1], response.body()).isEqualTo(401);
            JsonNode body = SluiceTestServer.json(response);
            assertThat(body.get("code").asText()).isIn("390144", "390318");
        }
        // The server keeps serving, and tokens within the rules are accepted.
        Object[][] accepted = {
                {now, now + 3_600},
                {now + 50, now + 600}, // within the skew
                {now - 3_500, now + 60},
                {now * 1000, (now + 600) * 1000}, // milliseconds, as Snowflake also accepts
        };
        for (Object[] times : accepted) {
            HttpResponse<String> response = post("SELECT 1", "Bearer " + jwt(times[0], times[1]));
            assertThat(response.statusCode()).as("iat=%s exp=%s: %s", times[0], times[1], response.body()).isEqualTo(200);
        }
    }

    private static String jwt(Object issuedAt, Object expiresAt) throws Exception {
        String qualified = "MYACCOUNT.BOB";
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", qualified + "." + fingerprint);
        claims.put("sub", qualified);
        if (issuedAt != null) {
            claims.put("iat", issuedAt);
        }
        if (expiresAt != null) {
            claims.put("exp", expiresAt);
        }
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), builder.build());
        jwt.sign(new RSASSASigner(bobKey.getPrivate()));
        return jwt.serialize();
    }

    private static HttpResponse<String> post(String sql, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SluiceTestServer.JSON.createObjectNode().put("statement", sql).toString()));
        if (!authorization.contains(SluiceTestServer.ADMIN_KEY)) {
            request.header("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT");
        }
        return sluice.send(request.build());
    }
}
