package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The native API calls the command-line client makes, each with the API key. */
final class SluiceClient {

    /** An error the server answered with (its native error body), or a connection problem. */
    static final class ClientException extends RuntimeException {
        final String code;
        final Integer line;
        final Integer column;

        ClientException(String code, String message, Integer line, Integer column) {
            super(message);
            this.code = code;
            this.line = line;
            this.column = column;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    SluiceClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Submits a statement and waits up to waitMillis: the status (with schema once SUCCEEDED), or a ClientException. */
    JsonNode submit(String sql, long waitMillis) {
        String body = JSON.createObjectNode().put("sql", sql).put("waitMs", waitMillis).toString();
        return json(request("/sluice/v1/statements").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    JsonNode status(String id) {
        return json(request("/sluice/v1/statements/" + encode(id)).GET().build());
    }

    JsonNode cancel(String id) {
        return json(request("/sluice/v1/statements/" + encode(id)).DELETE().build());
    }

    /** The whole result of a finished statement in a native format, as a stream the caller closes. */
    InputStream results(String id, String format) {
        HttpRequest request = request("/sluice/v1/statements/" + encode(id) + "/results?format=" + encode(format)).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            try (InputStream body = response.body()) {
                throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ClientException("CONNECTION", e.getMessage(), null, null);
            }
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private JsonNode json(HttpRequest request) {
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClientException("BAD_RESPONSE", "The server did not answer with JSON: " + abbreviate(response.body()), null, null);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new ClientException("CONNECTION", "Cannot reach Sluice at " + baseUrl + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("INTERRUPTED", "Interrupted", null, null);
        }
    }

    static ClientException error(int status, String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error.has("error")) {
                error = error.get("error");
            }
            if (error.has("code") && error.has("message")) {
                JsonNode position = error.path("position");
                return new ClientException(error.get("code").asText(), error.get("message").asText(),
                        position.has("line") ? position.get("line").asInt() : null,
                        position.has("column") ? position.get("column").asInt() : null);
            }
        } catch (IOException | RuntimeException ignored) {
            // not a native error body
        }
        return new ClientException("HTTP_" + status, status == 401 ? "The API key was refused (use --key, SLUICE_API_KEY or ~/.sluice/config)"
                : "HTTP " + status + ": " + abbreviate(body), null, null);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
