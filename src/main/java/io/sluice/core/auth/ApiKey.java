package io.sluice.core.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An API key as presented by a client: {@code <keyId>.<secret>}. The key id is public (it names the key
 * in logs and in signed-request headers); the secret is never stored, only a salted hash of it.
 */
public record ApiKey(String keyId, String secret) {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{3,64}");

    public ApiKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(secret, "secret");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("a key id is 3 to 64 letters, digits, '_' or '-'");
        }
        if (secret.length() < 16) {
            throw new IllegalArgumentException("a key secret has at least 16 characters");
        }
    }

    /** Parses {@code <keyId>.<secret>}; empty when the text does not have that shape. */
    public static java.util.Optional<ApiKey> parse(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new ApiKey(text.substring(0, dot), text.substring(dot + 1)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    public String text() {
        return keyId + "." + secret;
    }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "ApiKey[" + keyId + "]";
    }
}
