package io.sluice.protocol.ncp;

import io.javalin.http.Context;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NCP API Gateway signature v2. The client signs {@code "{METHOD} {path?query}\n{timestamp}\n{accessKey}"}
 * with HMAC-SHA256 keyed by its secret and sends the Base64 result in {@code x-ncp-apigw-signature-v2},
 * the epoch milliseconds in {@code x-ncp-apigw-timestamp} and its key id in {@code x-ncp-iam-access-key}.
 * The access key is a Sluice API key id; the secret is that key's secret.
 *
 * <p>Every check runs whatever the outcome of the others (an unknown key is signed with a dummy secret,
 * signatures are compared in constant time), and every failure gives the same answer.
 */
final class NcpSignature {

    static final String TIMESTAMP = "x-ncp-apigw-timestamp";
    static final String ACCESS_KEY = "x-ncp-iam-access-key";
    static final String SIGNATURE = "x-ncp-apigw-signature-v2";
    static final long TOLERANCE_MILLIS = 5 * 60 * 1000;

    private static final byte[] DUMMY_SECRET = new byte[24];

    private final ApiKeyStore keys;
    private final Clock clock;

    NcpSignature(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** True when the request carries any of the signature headers (then it must carry a valid signature). */
    static boolean isSigned(Context context) {
        return context.header(TIMESTAMP) != null || context.header(ACCESS_KEY) != null || context.header(SIGNATURE) != null;
    }

    /** The principal of a correctly signed, timely request; UNAUTHENTICATED otherwise. */
    Principal verify(Context context) {
        String timestamp = context.header(TIMESTAMP);
        String accessKey = context.header(ACCESS_KEY);
        String signature = context.header(SIGNATURE);
        boolean timely = timely(timestamp);
        Optional<ApiKeyStore.SigningKey> key = keys.signingKey(accessKey == null ? "" : accessKey);
        byte[] secret = key.map(ApiKeyStore.SigningKey::secret).orElse(DUMMY_SECRET);
        String expected = sign(secret, stringToSign(context.method().name(), pathAndQuery(context),
                String.valueOf(timestamp), String.valueOf(accessKey)));
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                (signature == null ? "" : signature.strip()).getBytes(StandardCharsets.UTF_8));
        if (!(timely & matches & key.isPresent())) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "Authentication Failed");
        }
        return key.get().principal();
    }

    private boolean timely(String timestamp) {
        if (timestamp == null) {
            return false;
        }
        try {
            return Math.abs(clock.millis() - Long.parseLong(timestamp.strip())) < TOLERANCE_MILLIS;
        } catch (NumberFormatException e) {
            return false;
        }
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
