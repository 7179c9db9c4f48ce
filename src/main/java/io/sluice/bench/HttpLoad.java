package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/** The benchmark's HTTP client side: keep-alive HTTP/1.1 over loopback, bodies drained without keeping them. */
final class HttpLoad implements Transfers {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Drop pooled connections well before the server's idle timeout could close them under a request.
        System.setProperty("jdk.httpclient.keepalive.timeout", "30");
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ServerProcess server;

    HttpLoad(ServerProcess server) {
        this.server = server;
    }

    record Transfer(long bytes, long nanos) {
    }

    @Override
    public String client() {
        return "the JDK HttpClient in the benchmark's JVM (curl was not found)";
    }

    /** POSTs JSON and drains the answer, counting bytes. */
    @Override
    public Transfer post(String path, String body) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(request(server.uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = drain(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + path);
        }
        return new Transfer(bytes, System.nanoTime() - start);
    }

    @Override
    public Transfer getAll(java.util.List<String> paths) throws IOException, InterruptedException {
        long bytes = 0;
        long nanos = 0;
        for (String path : paths) {
            Transfer transfer = get(path);
            bytes += transfer.bytes();
            nanos += transfer.nanos();
        }
        return new Transfer(bytes, nanos);
    }

    Transfer get(String path) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(request(server.uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = drain(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + path);
        }
        return new Transfer(bytes, System.nanoTime() - start);
    }

    JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request(server.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ServerProcess.KEY);
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (in) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
            }
        }
        return total;
    }

    /** Percentile (0..100) of latencies in nanoseconds, in milliseconds. */
    static double percentileMillis(long[] nanos, double percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
