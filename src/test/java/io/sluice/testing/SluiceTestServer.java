package io.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.Principal;
import io.sluice.server.SluiceConfig;
import io.sluice.server.SluiceServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A real Sluice on a free port (optionally with the demo data), an admin key {@link #ADMIN_KEY}, a second
 * non-admin principal's key {@link #otherUserKey}, and a small HTTP client for tests of every protocol.
 */
public final class SluiceTestServer implements AutoCloseable {

    public static final String ADMIN_KEY = "testadmin.0123456789abcdef0123456789";
    public static final ObjectMapper JSON = new ObjectMapper();

    public final SluiceServer server;
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String otherUserKey;

    public SluiceTestServer(SluiceConfig config, boolean demo) {
        server = SluiceServer.start(config.withPort(0), demo);
        server.ensureAdminKey(Optional.of(ADMIN_KEY));
        ApiKey other = server.keys().issue(new Principal("bob", "bob", false));
        otherUserKey = other.text();
    }

    public static SluiceTestServer start(Path dataDirectory) {
        return new SluiceTestServer(SluiceConfig.defaults(dataDirectory), true);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, ADMIN_KEY);
    }

    public HttpResponse<String> post(String path, String body, String key) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return get(path, ADMIN_KEY);
    }

    public HttpResponse<String> get(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET().build());
    }

    public HttpResponse<byte[]> getBytes(String path) {
        try {
            return client.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<InputStream> postStreaming(String path, String body) {
        try {
            return client.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY).DELETE().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    public static String body(Object... keysAndValues) {
        var node = JSON.createObjectNode();
        for (int index = 0; index < keysAndValues.length; index += 2) {
            node.set((String) keysAndValues[index], JSON.valueToTree(keysAndValues[index + 1]));
        }
        return node.toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
