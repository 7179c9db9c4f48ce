package io.sluice.security;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs NCP requests as docs/ncp.md describes them, written from the documentation rather than the server's code:
 * HMAC-SHA256 over {@code "METHOD path?query\ntimestamp\naccessKey"}, plus {@code "\n" + sha256(body)} when the
 * request sends {@code x-sluice-content-sha256}.
 */
record NcpSigner(String accessKey, String secret) {

    /** The captured parts of one signed request: what an attacker on the path sees and can resend. */
    record Signed(String timestamp, String accessKey, String signature, String contentSha256) {
    }

    static NcpSigner of(String apiKey) {
        int dot = apiKey.indexOf('.');
        return new NcpSigner(apiKey.substring(0, dot), apiKey.substring(dot + 1));
    }

    Signed sign(String method, String pathAndQuery, String timestamp, String contentSha256) {
        String message = method + " " + pathAndQuery + "\n" + timestamp + "\n" + accessKey
                + (contentSha256 == null ? "" : "\n" + contentSha256);
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new Signed(timestamp, accessKey,
                    Base64.getEncoder().encodeToString(hmac.doFinal(message.getBytes(StandardCharsets.UTF_8))), contentSha256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Signed sign(String method, String pathAndQuery, long timestamp) {
        return sign(method, pathAndQuery, Long.toString(timestamp), null);
    }

    static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code body} (null: none) with the signature headers of {@code signed}. */
    static HttpResponse<String> send(SluiceTestServer server, String method, String pathAndQuery, String body, Signed signed) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery))
                .header("x-ncp-apigw-timestamp", signed.timestamp())
                .header("x-ncp-iam-access-key", signed.accessKey())
                .header("x-ncp-apigw-signature-v2", signed.signature());
        if (signed.contentSha256() != null) {
            request.header("x-sluice-content-sha256", signed.contentSha256());
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return server.send(request.build());
    }
}
