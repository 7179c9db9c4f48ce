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
import java.util.ArrayList;
import java.util.List;

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

    /** Created on first use, so the shell's prompt does not wait for Jackson's databind to load (the completer's thread pays). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final String baseUrl;
    private final String key;
    private volatile HttpClient http;

    SluiceClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Submits a statement and waits up to waitMillis: the status (with schema once SUCCEEDED), or a ClientException. */
    JsonNode submit(String sql, long waitMillis) {
        String body = Json.MAPPER.createObjectNode().put("sql", sql).put("waitMs", waitMillis).toString();
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
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new ClientException("BAD_RESPONSE", "The server did not answer with JSON: " + abbreviate(response.body()), null, null);
        }
    }

    /**
     * The HTTP client, built on first use: building it loads TLS (a quarter second), which the shell's prompt
     * need not wait for. HTTP/1.1, because on http:// the client would otherwise try a cleartext HTTP/2 upgrade
     * on every new connection, which costs a round trip and, on a large response, sometimes fails (README, known limits).
     */
    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
                }
                client = http;
            }
        }
        return client;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http().send(request, handler);
        } catch (IOException e) {
            throw new ClientException("CONNECTION", "Cannot reach Sluice at " + baseUrl + ": " + reason(e), null, null);
        } catch (IllegalArgumentException e) {
            throw new ClientException("CONNECTION", "Not a usable Sluice URL: " + baseUrl, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("INTERRUPTED", "Interrupted", null, null);
        }
    }

    /** Runs a small statement (a catalog lookup) to its end: its final status, with the schema; a ClientException when it failed. */
    JsonNode finished(String sql) {
        JsonNode status = submit(sql, 10_000);
        String id = status.path("id").asText();
        while (status.path("state").asText().equals("QUEUED") || status.path("state").asText().equals("RUNNING")) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException("INTERRUPTED", "Interrupted", null, null);
            }
            status = status(id);
        }
        if (!status.path("state").asText().equals("SUCCEEDED")) {
            JsonNode error = status.path("error");
            throw new ClientException(error.path("code").asText(status.path("state").asText()), error.path("message").asText(), null, null);
        }
        return status;
    }

    /** Runs a small statement (a catalog lookup) to its end and returns every row; a ClientException when it failed. */
    List<String[]> rows(String sql) {
        JsonNode status = finished(sql);
        String id = status.path("id").asText();
        List<String[]> rows = new ArrayList<>();
        try (InputStream body = results(id, "ndjson-array"); ResultRows reader = new ResultRows(body, status.path("schema").size())) {
            String[] row;
            while ((row = reader.next()) != null) {
                rows.add(row);
            }
        } catch (IOException e) {
            throw new ClientException("CONNECTION", "The result was cut short: " + e.getMessage(), null, null);
        }
        return rows;
    }

    /** True for the answers that every further statement would get as well: the server cannot be reached, or refuses the key. */
    static boolean fatal(ClientException e) {
        return e.code.equals("CONNECTION") || e.code.equals("BAD_RESPONSE") || e.code.equals("HTTP_401");
    }

    /** The most telling reason in an exception chain: Java reports a refused connection as a bare ClosedChannelException. */
    private static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case java.net.ConnectException refused -> {
                    return "connection refused";
                }
                case java.net.http.HttpConnectTimeoutException slow -> {
                    return "no answer within 10 s";
                }
                case java.net.http.HttpTimeoutException slow -> {
                    return "no answer in time";
                }
                case java.nio.channels.UnresolvedAddressException unknown -> {
                    return "unknown host";
                }
                case java.net.UnknownHostException unknown -> {
                    return "unknown host " + unknown.getMessage();
                }
                default -> {
                }
            }
        }
        Throwable cause = e;
        while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().isBlank())) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    ClientException error(int status, String body) {
        if (status == 401) {
            return new ClientException("HTTP_401", "Sluice at " + baseUrl
                    + " refused the API key (pass --key, set SLUICE_API_KEY, or put key= in ~/.sluice/config)", null, null);
        }
        try {
            JsonNode error = Json.MAPPER.readTree(body);
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
        return new ClientException("HTTP_" + status, "HTTP " + status + ": " + abbreviate(body), null, null);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
