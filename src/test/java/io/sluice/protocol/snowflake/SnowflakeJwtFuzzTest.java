package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.http.Authentication;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the key-pair JWT parser and its lifetime check with correctly signed and mangled tokens. Property: a token
 * is either accepted as the key's owner — and then its claims obey the lifetime rules, computed here independently
 * with unbounded integers — or refused with a 401; never any other exception, never another principal.
 *
 * <p>Budget: {@code sluice.fuzz.cases} (default 40) × 10 tries per property. The seed is printed;
 * {@code -Dsluice.fuzz.seed=N} replays a run.
 */
@Tag("security")
class SnowflakeJwtFuzzTest {

    private static final long SEED = Long.getLong("sluice.fuzz.seed", System.nanoTime());
    private static final int TRIES = Integer.getInteger("sluice.fuzz.cases", 40) * 10;
    private static final long NOW = 1_765_000_000L;
    private static final Principal BOB = new Principal("bob", "bob", false);
    private static final BigInteger MILLIS_THRESHOLD = BigInteger.valueOf(100_000_000_000L);

    @TempDir
    static Path directory;
    static KeyPair bobKey;
    static String issuer;
    static SnowflakeAuthentication authentication;

    @BeforeAll
    static void start() throws Exception {
        System.out.println("SnowflakeJwtFuzzTest seed " + SEED + " (-Dsluice.fuzz.seed=" + SEED + " replays it)");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        bobKey = generator.generateKeyPair();
        PublicKeyStore keys = new PublicKeyStore(directory.resolve("rsa-public-keys.tsv"));
        keys.register(BOB, 1, Base64.getEncoder().encodeToString(bobKey.getPublic().getEncoded()));
        issuer = "ACCOUNT.BOB." + PublicKeyStore.fingerprint(bobKey.getPublic());
        authentication = new SnowflakeAuthentication(new Authentication(new ApiKeyStore(directory.resolve("api-keys.tsv"))),
                keys, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    @Test
    void signedTokensAreAcceptedExactlyWhenTheirLifetimeObeysTheRules() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int attempt = 0; attempt < TRIES; attempt++) {
            Object issuedAt = time(random);
            Object expiresAt = time(random);
            String token = sign(issuedAt, expiresAt);
            boolean valid = lifetimeObeysRules(issuedAt, expiresAt);
            String outcome = outcome(token);
            if (!outcome.equals(valid ? "bob" : "401")) {
                failures.add("iat=" + issuedAt + " exp=" + expiresAt + " expected " + (valid ? "bob" : "401") + " got " + outcome);
            }
            accepted += valid ? 1 : 0;
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(accepted).as("some tries were valid tokens (seed %d)", SEED).isPositive();
    }

    @Test
    void mangledTokensAreRefusedWith401AndNothingElse() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED ^ 0x5EED);
        String valid = sign(NOW, NOW + 600);
        assertThat(outcome(valid)).isEqualTo("bob");
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            String token = mangle(valid, random);
            String outcome = outcome(token);
            if (!outcome.equals("401") && !outcome.equals("bob")) {
                failures.add(abbreviate(token) + " -> " + outcome);
            }
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
    }

    /** "bob", "401", or what else happened (a failure). */
    private static String outcome(String token) {
        try {
            Principal principal = authentication.verifyJwt(token);
            return principal.id().equals("bob") ? "bob" : "principal " + principal.id();
        } catch (SnowflakeException e) {
            return e.status() == 401 ? "401" : "status " + e.status();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static Object time(SplittableRandom random) {
        long[] offsets = {0, 1, -1, 59, 60, 61, 600, -600, 3_599, 3_600, 3_601, -3_599, -3_600, -3_601, 3_660, 7_200};
        return switch (random.nextInt(12)) {
            case 0 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 0, -1, 1,
                    Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE / 1000, Long.MIN_VALUE / 2}[random.nextInt(11)];
            case 1 -> random.nextLong();
            case 2 -> (NOW + offsets[random.nextInt(offsets.length)]) * 1000 + random.nextInt(1000); // milliseconds
            case 3 -> null;
            case 4 -> switch (random.nextInt(5)) {
                case 0 -> Long.toString(NOW);
                case 1 -> NOW + 0.5;
                case 2 -> BigInteger.TWO.pow(64).add(BigInteger.valueOf(NOW));
                case 3 -> true;
                default -> (double) NOW;
            };
            default -> NOW + offsets[random.nextInt(offsets.length)];
        };
    }

    /** The rules, with unbounded integers: the claim as whole seconds (or milliseconds past 10^11), then the bounds. */
    private static boolean lifetimeObeysRules(Object issuedAtClaim, Object expiresAtClaim) {
        BigInteger issuedAt = seconds(issuedAtClaim);
        BigInteger expiresAt = seconds(expiresAtClaim);
        if (issuedAt == null || expiresAt == null) {
            return false;
        }
        BigInteger now = BigInteger.valueOf(NOW);
        return expiresAt.compareTo(now) > 0
                && issuedAt.compareTo(now.add(BigInteger.valueOf(60))) <= 0
                && issuedAt.compareTo(now.subtract(BigInteger.valueOf(3_600))) >= 0
                && expiresAt.subtract(issuedAt).compareTo(BigInteger.valueOf(3_600)) <= 0;
    }

    private static BigInteger seconds(Object claim) {
        BigInteger value;
        if (claim instanceof Long || claim instanceof Integer) {
            value = BigInteger.valueOf(((Number) claim).longValue());
        } else if (claim instanceof Double number && number == Math.rint(number)) {
            value = new BigDecimal(number).toBigInteger();
        } else if (claim instanceof BigInteger big) {
            value = big;
        } else {
            return null;
        }
        if (value.bitLength() > 63) {
            return null; // outside a long: no time at all
        }
        return value.compareTo(MILLIS_THRESHOLD) > 0 ? value.divide(BigInteger.valueOf(1000)) : value;
    }

    private static String sign(Object issuedAt, Object expiresAt) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("ACCOUNT.BOB");
        if (issuedAt != null) {
            claims.claim("iat", issuedAt);
        }
        if (expiresAt != null) {
            claims.claim("exp", expiresAt);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims.build());
        jwt.sign(new RSASSASigner(bobKey.getPrivate()));
        return jwt.serialize();
    }

    private static String mangle(String token, SplittableRandom random) {
        String[] parts = token.split("\\.", -1);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        return switch (random.nextInt(10)) {
            case 0 -> { // one character changed anywhere
                char[] chars = token.toCharArray();
                chars[random.nextInt(chars.length)] = "AZaz09-_.=+/ %\u00e9".charAt(random.nextInt(15));
                yield new String(chars);
            }
            case 1 -> token.substring(0, random.nextInt(token.length())); // cut short
            case 2 -> parts[0] + "." + parts[1]; // no signature
            case 3 -> parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2]; // a segment too many
            case 4 -> url.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
            case 5 -> url.encodeToString(("{\"alg\":\"" + pick(random, "HS256", "RS512", "ES256", "PS256", "", "RS256 ")
                    + "\"}").getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
            case 6 -> parts[0] + "." + url.encodeToString(pick(random, "{}", "[]", "null", "1", "{\"iss\":1}",
                    "{\"iss\":\"" + issuer + "\",\"sub\":\"ACCOUNT.BOB\",\"iat\":" + NOW + ",\"exp\":" + (NOW + 60) + "}",
                    "{\"iat\":{\"$gt\":0}}", "{" + "\"a\":{".repeat(500) + "}".repeat(501))
                    .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            case 7 -> { // random bytes in a segment
                byte[] noise = new byte[random.nextInt(400)];
                random.nextBytes(noise);
                parts[random.nextInt(3)] = url.encodeToString(noise);
                yield String.join(".", parts);
            }
            case 8 -> pick(random, "", ".", "..", "...", "a.b.c", "Bearer", "x".repeat(100_000), "\u0000.\u0000.\u0000");
            default -> token + pick(random, " ", "=", ".", "\n", "A");
        };
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…(" + text.length() + " chars)";
    }
}
