package io.sluice.protocol.snowflake;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.core.error.SluiceException;
import io.sluice.http.Authentication;
import java.text.ParseException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Snowflake's {@code Authorization: Bearer <token>}. With {@code X-Snowflake-Authorization-Token-Type:
 * KEYPAIR_JWT} (or no type and a token whose issuer names a key fingerprint) the token is an RS256 JWT:
 * {@code iss = <ACCOUNT>.<USER>.SHA256:<fingerprint>}, {@code sub = <ACCOUNT>.<USER>}, signed with the
 * private key of a public key registered for that user, not expired, and living at most one hour. Any other
 * token (OAUTH, PROGRAMMATIC_ACCESS_TOKEN or no type) is a Sluice API key.
 */
final class SnowflakeAuthentication {

    static final String TOKEN_TYPE_HEADER = "X-Snowflake-Authorization-Token-Type";
    private static final long MAX_LIFETIME_SECONDS = 3600;
    private static final long CLOCK_SKEW_SECONDS = 60;

    private final Authentication apiKeys;
    private final PublicKeyStore publicKeys;
    private final Clock clock;

    SnowflakeAuthentication(Authentication apiKeys, PublicKeyStore publicKeys, Clock clock) {
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.publicKeys = Objects.requireNonNull(publicKeys, "publicKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Principal authenticate(Context context) {
        String type = context.header(TOKEN_TYPE_HEADER);
        String token = bearer(context.header("Authorization"));
        boolean keyPair = type != null ? type.trim().equalsIgnoreCase("KEYPAIR_JWT")
                : token != null && looksLikeKeyPairJwt(token);
        if (keyPair) {
            if (token == null) {
                throw jwtInvalid();
            }
            return verifyJwt(token);
        }
        if (type != null && !type.trim().equalsIgnoreCase("OAUTH")
                && !type.trim().equalsIgnoreCase("PROGRAMMATIC_ACCESS_TOKEN")) {
            throw new SnowflakeException(401, "390303", "Invalid OAuth access token. Unsupported token type.", null, null);
        }
        try {
            return apiKeys.require(context);
        } catch (SluiceException e) {
            throw new SnowflakeException(401, "390303", "Invalid OAuth access token. ", null, null);
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String trimmed = authorization.trim();
        if (!trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = trimmed.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static boolean looksLikeKeyPairJwt(String token) {
        try {
            JWT jwt = JWTParser.parse(token);
            String issuer = jwt.getJWTClaimsSet().getIssuer();
            return issuer != null && issuer.contains(".SHA256:");
        } catch (ParseException e) {
            return false;
        }
    }

    Principal verifyJwt(String token) {
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT signed)) {
                throw jwtInvalid();
            }
            jwt = signed;
        } catch (ParseException e) {
            throw jwtInvalid();
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw jwtInvalid();
        }
        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        if (claims == null || !(claims.get("iss") instanceof String issuer) || !(claims.get("sub") instanceof String subject)) {
            throw jwtInvalid();
        }
        int marker = issuer.toUpperCase(Locale.ROOT).indexOf(".SHA256:");
        if (marker <= 0) {
            throw jwtInvalid();
        }
        String accountAndUser = issuer.substring(0, marker);
        String fingerprint = "SHA256:" + issuer.substring(marker + ".SHA256:".length());
        int dot = accountAndUser.indexOf('.');
        if (dot <= 0 || dot == accountAndUser.length() - 1 || !accountAndUser.equalsIgnoreCase(subject)) {
            throw jwtInvalid();
        }
        String user = accountAndUser.substring(dot + 1);
        PublicKeyStore.RegisteredKey key = publicKeys.find(user, fingerprint).orElseThrow(SnowflakeAuthentication::jwtInvalid);
        try {
            if (!jwt.verify(new RSASSAVerifier(key.key()))) {
                throw jwtInvalid();
            }
        } catch (JOSEException e) {
            throw jwtInvalid();
        }
        checkLifetime(claims, clock.instant().getEpochSecond());
        return key.principal();
    }

    /**
     * {@code exp} in the future; {@code iat} at most {@link #CLOCK_SKEW_SECONDS} ahead of now and at most
     * {@link #MAX_LIFETIME_SECONDS} behind; {@code exp - iat} at most {@link #MAX_LIFETIME_SECONDS}. The claims
     * are the client's numbers, anywhere in the range of a long: each is compared with a bound computed from
     * {@code now} only, and the one subtraction of two claims happens after both are known to lie within two
     * hours of now, so nothing can overflow into an accepted token.
     */
    static void checkLifetime(Map<String, Object> claims, long now) {
        long issuedAt = epochSeconds(claims.get("iat")).orElseThrow(SnowflakeAuthentication::jwtInvalid);
        long expiresAt = epochSeconds(claims.get("exp")).orElseThrow(SnowflakeAuthentication::jwtInvalid);
        if (expiresAt <= now) {
            throw new SnowflakeException(401, "390318", "JWT token has expired.", null, null);
        }
        if (issuedAt > now + CLOCK_SKEW_SECONDS || issuedAt < now - MAX_LIFETIME_SECONDS
                || expiresAt > now + CLOCK_SKEW_SECONDS + MAX_LIFETIME_SECONDS) {
            throw jwtInvalid();
        }
        if (Math.subtractExact(expiresAt, issuedAt) > MAX_LIFETIME_SECONDS) {
            throw jwtInvalid();
        }
    }

    /**
     * iat/exp as whole seconds or, as Snowflake also accepts, milliseconds. A claim that is not a number, not
     * whole, or outside the range of a long is no time at all (never truncated into one).
     */
    static Optional<Long> epochSeconds(Object claim) {
        Optional<Long> whole = wholeNumber(claim);
        return whole.map(value -> value > 100_000_000_000L ? value / 1000 : value);
    }

    private static Optional<Long> wholeNumber(Object claim) {
        try {
            return switch (claim) {
                case Long value -> Optional.of(value);
                case Integer value -> Optional.of(value.longValue());
                case Short value -> Optional.of(value.longValue());
                case Byte value -> Optional.of(value.longValue());
                case java.math.BigInteger value -> Optional.of(value.longValueExact());
                case java.math.BigDecimal value -> Optional.of(value.longValueExact());
                case Double value when Double.isFinite(value) ->
                        Optional.of(new java.math.BigDecimal(value).longValueExact());
                case Float value when Float.isFinite(value) ->
                        Optional.of(new java.math.BigDecimal(value).longValueExact());
                case null, default -> Optional.empty();
            };
        } catch (ArithmeticException notWholeOrTooLarge) {
            return Optional.empty();
        }
    }

    static SnowflakeException jwtInvalid() {
        return new SnowflakeException(401, "390144", "JWT token is invalid.", null, null);
    }
}
