package io.sluice.protocol.ncp;

import io.javalin.http.Context;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.ReplayGuard;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NCP API Gateway signature v2. The client signs {@code "{METHOD} {path?query}\n{timestamp}\n{accessKey}"}
 * with HMAC-SHA256 keyed by its secret and sends the Base64 result in {@code x-ncp-apigw-signature-v2},
 * the epoch milliseconds in {@code x-ncp-apigw-timestamp} and its key id in {@code x-ncp-iam-access-key}.
 * The access key is a Sluice API key id; the secret is that key's secret.
 *
 * <p>NCP's scheme does not sign the body. A client that can sends {@value #CONTENT_SHA256}: the lower-case hex
 * SHA-256 of the body, appended to the string to sign after one more newline
 * ({@code "...\n{accessKey}\n{sha256}"}); the body must then hash to it.
 *
 * <p>A signature is accepted once: {@link ReplayGuard} remembers each accepted (key, timestamp, signature) until
 * its timestamp leaves the window, on every node of a cluster.
 *
 * <p>Every check runs whatever the outcome of the others (an unknown key is signed with a dummy secret,
 * signatures are compared in constant time), and every failure gives the same answer.
 */
final class NcpSignature {

    static final String TIMESTAMP = "x-ncp-apigw-timestamp";
    static final String ACCESS_KEY = "x-ncp-iam-access-key";
    static final String SIGNATURE = "x-ncp-apigw-signature-v2";
    /** Opt-in: the body's SHA-256 (hex), covered by the signature. */
    static final String CONTENT_SHA256 = "x-sluice-content-sha256";
    static final long TOLERANCE_MILLIS = 5 * 60 * 1000;

    private static final byte[] DUMMY_SECRET = new byte[24];
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");

    private final ApiKeyStore keys;
    private final ReplayGuard replays;
    private final Clock clock;

    NcpSignature(ApiKeyStore keys, ReplayGuard replays, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.replays = Objects.requireNonNull(replays, "replays");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The signature headers as sent; any of them may be missing (null). */
    record Presented(String timestamp, String accessKey, String signature, String contentSha256) {

        static Presented of(Context context) {
            return new Presented(context.header(TIMESTAMP), context.header(ACCESS_KEY), context.header(SIGNATURE),
                    context.header(CONTENT_SHA256));
        }
    }

    /** True when the request carries any of the signature headers (then it must carry a valid signature). */
    static boolean isSigned(Context context) {
        return context.header(TIMESTAMP) != null || context.header(ACCESS_KEY) != null || context.header(SIGNATURE) != null;
    }

    /** The principal of a correctly signed, timely, first-seen request; UNAUTHENTICATED otherwise. */
    Principal verify(Context context) {
        return verify(context.method().name(), pathAndQuery(context), Presented.of(context), context::bodyAsBytes);
    }

    /** The checks without HTTP: {@code body} is read only when the request names its body's hash. */
    Principal verify(String method, String pathAndQuery, Presented presented, Supplier<byte[]> body) {
        String accessKey = presented.accessKey() == null ? "" : presented.accessKey();
        OptionalLong timestamp = timestamp(presented.timestamp());
        boolean timely = timestamp.isPresent() && timely(timestamp.getAsLong());
        String contentSha256 = presented.contentSha256();
        boolean hashWellFormed = contentSha256 == null || SHA256_HEX.matcher(contentSha256).matches();
        Optional<ApiKeyStore.SigningKey> key = keys.signingKey(accessKey);
        byte[] secret = key.map(ApiKeyStore.SigningKey::secret).orElse(DUMMY_SECRET);
        String expected = sign(secret, stringToSign(method, pathAndQuery, String.valueOf(presented.timestamp()),
                String.valueOf(presented.accessKey()), contentSha256));
        String signature = presented.signature() == null ? "" : presented.signature().strip();
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.UTF_8));
        if (!(timely & matches & hashWellFormed & key.isPresent())) {
            throw unauthenticated();
        }
        if (contentSha256 != null && !MessageDigest.isEqual(contentSha256.getBytes(StandardCharsets.US_ASCII),
                sha256Hex(body.get()).getBytes(StandardCharsets.US_ASCII))) {
            throw unauthenticated();
        }
        // Only a signature that is valid in every other way is remembered: a forged one must not fill the cache.
        String token = io.sluice.core.io.Digests.sha256Hex(accessKey + "\n" + presented.timestamp().strip() + "\n" + signature);
        if (!replays.firstUse(token, Instant.ofEpochMilli(timestamp.getAsLong() + TOLERANCE_MILLIS))) {
            throw unauthenticated();
        }
        return key.get().principal();
    }

    private static SluiceException unauthenticated() {
        return new SluiceException(ErrorCode.UNAUTHENTICATED, "Authentication Failed");
    }

    /** Epoch milliseconds as decimal digits (an optional leading minus), nothing else. */
    static OptionalLong timestamp(String text) {
        // Long.parseLong alone would also take a '+' and other scripts' digits.
        if (text == null || !DECIMAL.matcher(text.strip()).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException pastTheRangeOfALong) {
            return OptionalLong.empty();
        }
    }

    /** Within the window on either side of now; compared without arithmetic on the client's value, so no overflow. */
    private boolean timely(long timestamp) {
        long now = clock.millis();
        return timestamp > now - TOLERANCE_MILLIS && timestamp < now + TOLERANCE_MILLIS;
    }

    /** The path and query string exactly as they were sent: not decoded, not reordered. */
    static String pathAndQuery(Context context) {
        String query = context.req().getQueryString();
        String path = context.req().getRequestURI();
        return query == null ? path : path + "?" + query;
    }

    static String stringToSign(String method, String pathAndQuery, String timestamp, String accessKey) {
        return method + " " + pathAndQuery + "\n" + timestamp + "\n" + accessKey;
    }

    /** NCP's string to sign, and the body's hash on a line of its own when the client sends one. */
    static String stringToSign(String method, String pathAndQuery, String timestamp, String accessKey,
                               String contentSha256) {
        String base = stringToSign(method, pathAndQuery, timestamp, accessKey);
        return contentSha256 == null ? base : base + "\n" + contentSha256;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String sign(byte[] secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
