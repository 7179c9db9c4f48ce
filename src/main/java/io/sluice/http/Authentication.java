package io.sluice.http;

import io.javalin.http.Context;
import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a request's credential into a principal. Accepts the Sluice API key as
 * {@code Authorization: Bearer <key>}, as the password of HTTP Basic (any user name, as Druid and ksqlDB
 * clients send it) and as {@code x-api-key} (Nekt). Protocols with other schemes (signed requests, JWT)
 * build on {@link #keys()}.
 */
public final class Authentication {

    private static final String PRINCIPAL_ATTRIBUTE = "sluice.principal";

    private final ApiKeyStore keys;

    public Authentication(ApiKeyStore keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public ApiKeyStore keys() {
        return keys;
    }

    /** Authenticates the request and remembers the principal on it, or fails with UNAUTHENTICATED. */
    public Principal require(Context context) {
        Principal known = context.attribute(PRINCIPAL_ATTRIBUTE);
        if (known != null) {
            return known;
        }
        Optional<Principal> authenticated = presentedKey(context).flatMap(keys::authenticate);
        if (authenticated.isEmpty()) {
            discardBody(context);
            throw new SluiceException(ErrorCode.UNAUTHENTICATED,
                    "A valid API key is required: send 'Authorization: Bearer <keyId>.<secret>'");
        }
        Principal principal = authenticated.get();
        context.attribute(PRINCIPAL_ATTRIBUTE, principal);
        return principal;
    }

    /** The principal this request authenticated as, or null when it did not (yet). */
    static Principal knownPrincipal(Context context) {
        return context.attribute(PRINCIPAL_ATTRIBUTE);
    }

    public static Principal principal(Context context) {
        Principal principal = context.attribute(PRINCIPAL_ATTRIBUTE);
        if (principal == null) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "Not authenticated");
        }
        return principal;
    }

    /**
     * Reads and drops the request body of a refused request. Answering without reading it makes Jetty reset an
     * HTTP/2 stream whose body is still arriving, and clients report that reset instead of the 401.
     */
    public static void discardBody(Context context) {
        try (var in = context.req().getInputStream()) {
            byte[] buffer = new byte[8192];
            long total = 0;
            int read;
            while (total < 16L * 1024 * 1024 && (read = in.read(buffer)) >= 0) {
                total += read;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the client is gone or sent garbage; the 401 is still the answer
        }
    }

    private static Optional<ApiKey> presentedKey(Context context) {
        String authorization = context.header("Authorization");
        if (authorization != null) {
            String trimmed = authorization.trim();
            if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return ApiKey.parse(trimmed.substring(7).trim());
            }
            if (trimmed.regionMatches(true, 0, "Basic ", 0, 6)) {
                return basicPassword(trimmed.substring(6).trim()).flatMap(ApiKey::parse);
            }
            return Optional.empty();
        }
        return ApiKey.parse(context.header("x-api-key"));
    }

    private static Optional<String> basicPassword(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
