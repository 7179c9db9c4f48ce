package io.sluice.protocol.ncp;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Data Query client that signs requests as NCP's API Gateway documentation describes, written
 * independently of the server's code: HMAC-SHA256 over "METHOD path?query\ntimestamp\naccessKey",
 * keyed by the secret, Base64 with padding.
 */
final class NcpClient {

    private final SluiceTestServer sluice;
    private final String accessKey;
    private final String secret;

    NcpClient(SluiceTestServer sluice, String apiKey) {
        this.sluice = sluice;
        int dot = apiKey.indexOf('.');
        this.accessKey = apiKey.substring(0, dot);
        this.secret = apiKey.substring(dot + 1);
    }

    static String signature(String secret, String method, String pathAndQuery, long timestamp, String accessKey) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String message = method + " " + pathAndQuery + "\n" + timestamp + "\n" + accessKey;
            return Base64.getEncoder().encodeToString(hmac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String pathAndQuery, String body) {
        return send("POST", pathAndQuery, body);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    HttpResponse<String> delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, null);
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body) {
        long timestamp = System.currentTimeMillis();
        return sendSigned(method, pathAndQuery, body, timestamp, accessKey,
                signature(secret, method, pathAndQuery, timestamp, accessKey));
    }

    HttpResponse<String> sendSigned(String method, String pathAndQuery, String body, long timestamp, String key,
                                    String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri(pathAndQuery))
                .header("x-ncp-apigw-timestamp", Long.toString(timestamp))
                .header("x-ncp-iam-access-key", key)
                .header("x-ncp-apigw-signature-v2", signature);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return sluice.send(request.build());
    }

    String accessKey() {
        return accessKey;
    }

    String secret() {
        return secret;
    }
}
