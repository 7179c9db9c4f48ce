package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key-pair JWT authentication: registration by ALTER USER and by the admin API, success and every refusal. */
class SnowflakeKeyPairAuthTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static KeyPair bobKey;
    static KeyPair strangerKey;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluiceTestServer.start(data);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        bobKey = generator.generateKeyPair();
        strangerKey = generator.generateKeyPair();
        HttpResponse<String> registered = post(statement("ALTER USER BOB SET RSA_PUBLIC_KEY='"
                + Base64.getEncoder().encodeToString(bobKey.getPublic().getEncoded()) + "'"), SluiceTestServer.ADMIN_KEY, null);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(json(registered).get("data").get(0).get(0).asText()).isEqualTo("Statement executed successfully.");
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    static String statement(String sql) {
        return SluiceTestServer.JSON.createObjectNode().put("statement", sql).toString();
    }

    static HttpResponse<String> post(String body, String token, String tokenType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri("/api/v2/statements"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (tokenType != null) {
            request.header("X-Snowflake-Authorization-Token-Type", tokenType);
        }
        return SqlApiContract.check(sluice.send(request.build()));
    }

    static JsonNode json(HttpResponse<String> response) {
        return SluiceTestServer.json(response);
    }

    static String fingerprint(KeyPair key) throws Exception {
        return "SHA256:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
    }

    static JWTClaimsSet claims(String user, String fingerprint, Instant issued, Instant expires) {
        String qualified = "MYORGANIZATION-MYACCOUNT".replace("-", "") + "." + user;
        return new JWTClaimsSet.Builder().issuer(qualified + "." + fingerprint).subject(qualified)
                .issueTime(Date.from(issued)).expirationTime(Date.from(expires)).build();
    }

    static String jwt(KeyPair signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(signer.getPrivate()));
        return jwt.serialize();
    }

    static String validJwt() throws Exception {
        Instant now = Instant.now();
        return jwt(bobKey, claims("BOB", fingerprint(bobKey), now, now.plusSeconds(59 * 60)));
    }

    static void assertRejected(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).startsWith("390");
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void aValidKeyPairJwtAuthenticatesAsTheRegisteredUser() throws Exception {
        HttpResponse<String> response = post(statement("SELECT 1 AS one"), validJwt(), "KEYPAIR_JWT");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String handle = json(response).get("statementHandle").asText();
        // The statement belongs to bob: bob's API key sees it, the admin does not.
        HttpResponse<String> asBob = SqlApiContract.check(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements/" + handle))
                .header("Authorization", "Bearer " + sluice.otherUserKey).GET().build()));
        assertThat(asBob.statusCode()).isEqualTo(200);
        HttpResponse<String> asAdmin = SqlApiContract.check(sluice.send(HttpRequest.newBuilder(sluice.uri("/api/v2/statements/" + handle))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).GET().build()));
        assertThat(asAdmin.statusCode()).isEqualTo(422);
        // Without the type header the token is recognised by its issuer; times may be milliseconds.
        assertThat(post(statement("SELECT 1"), validJwt(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void everyBadTokenIsRefusedWith401() throws Exception {
        Instant now = Instant.now();
        String fingerprint = fingerprint(bobKey);
        String sql = statement("SELECT 1");
        assertRejected(post(sql, jwt(bobKey, claims("BOB", fingerprint, now.minusSeconds(7200), now.minusSeconds(3600))),
                "KEYPAIR_JWT"));
        assertRejected(post(sql, jwt(bobKey, claims("BOB", fingerprint, now, now.plusSeconds(7200))), "KEYPAIR_JWT"));
        assertRejected(post(sql, jwt(strangerKey, claims("BOB", fingerprint(strangerKey), now, now.plusSeconds(600))),
                "KEYPAIR_JWT"));
        assertRejected(post(sql, jwt(strangerKey, claims("BOB", fingerprint, now, now.plusSeconds(600))), "KEYPAIR_JWT"));
        assertRejected(post(sql, jwt(bobKey, claims("ALICE", fingerprint, now, now.plusSeconds(600))), "KEYPAIR_JWT"));
        assertRejected(post(sql, new PlainJWT(claims("BOB", fingerprint, now, now.plusSeconds(600))).serialize(),
                "KEYPAIR_JWT"));
        assertRejected(post(sql, new PlainJWT(claims("BOB", fingerprint, now, now.plusSeconds(600))).serialize(), null));
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("BOB", fingerprint, now, now.plusSeconds(600)));
        hmac.sign(new MACSigner(bobKey.getPublic().getEncoded()));
        assertRejected(post(sql, hmac.serialize(), "KEYPAIR_JWT"));
        assertRejected(post(sql, "not.a.jwt", "KEYPAIR_JWT"));
        JWTClaimsSet wrongSubject = new JWTClaimsSet.Builder(claims("BOB", fingerprint, now, now.plusSeconds(600)))
                .subject("MYACCOUNT.ALICE").build();
        assertRejected(post(sql, jwt(bobKey, wrongSubject), "KEYPAIR_JWT"));
        assertThat(json(post(sql, hmac.serialize(), "KEYPAIR_JWT")).get("code").asText()).isEqualTo("390144");
        // The server keeps serving.
        assertThat(post(sql, validJwt(), "KEYPAIR_JWT").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyAdminsRegisterKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rotatedKey = generator.generateKeyPair();
        String key = Base64.getEncoder().encodeToString(rotatedKey.getPublic().getEncoded());
        HttpResponse<String> notAdmin = post(statement("ALTER USER bob SET RSA_PUBLIC_KEY_2='" + key + "'"),
                sluice.otherUserKey, null);
        assertThat(notAdmin.statusCode()).isEqualTo(422);
        assertThat(json(notAdmin).get("code").asText()).isEqualTo("003001");
        HttpResponse<String> unknownUser = post(statement("ALTER USER nobody SET RSA_PUBLIC_KEY='" + key + "'"),
                SluiceTestServer.ADMIN_KEY, null);
        assertThat(unknownUser.statusCode()).isEqualTo(422);
        HttpResponse<String> badKey = post(statement("ALTER USER bob SET RSA_PUBLIC_KEY_2='MIIBnotakey'"),
                SluiceTestServer.ADMIN_KEY, null);
        assertThat(badKey.statusCode()).isEqualTo(422);

        String adminPath = "/sluice/v1/admin/users/bob/rsa-public-key";
        String body = SluiceTestServer.JSON.writeValueAsString(Map.of("rsaPublicKey", key, "slot", 2));
        assertThat(sluice.post(adminPath, body, sluice.otherUserKey).statusCode()).isEqualTo(403);
        HttpResponse<String> registered = sluice.post(adminPath, body);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(json(registered).get("fingerprint").asText()).isEqualTo(fingerprint(rotatedKey));
        Instant now = Instant.now();
        assertThat(post(statement("SELECT 1"), jwt(rotatedKey, claims("BOB", fingerprint(rotatedKey), now,
                now.plusSeconds(600))), "KEYPAIR_JWT").statusCode()).isEqualTo(200);
        assertThat(post(statement("SELECT 1"), validJwt(), "KEYPAIR_JWT").statusCode()).isEqualTo(200);
    }
}
