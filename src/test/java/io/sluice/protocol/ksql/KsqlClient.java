package io.sluice.protocol.ksql;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test helpers for the ksqlDB endpoints: statements, and streamed responses read line by line. */
final class KsqlClient {

    private final SluiceTestServer sluice;

    KsqlClient(SluiceTestServer sluice) {
        this.sluice = sluice;
    }

    HttpResponse<String> ksql(String statements) {
        return sluice.post("/ksql", SluiceTestServer.body("ksql", statements, "streamsProperties", java.util.Map.of()));
    }

    JsonNode ok(String statements) {
        HttpResponse<String> response = ksql(statements);
        if (response.statusCode() != 200) {
            throw new AssertionError(response.statusCode() + " " + response.body());
        }
        return SluiceTestServer.json(response);
    }

    /** A streamed response whose lines are read on a background thread into a queue. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader;
        /** Held by a test to stop the reader (a slow consumer). */
        final java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(1);

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (true) {
                        gate.acquireUninterruptibly();
                        gate.release();
                        if ((line = in.readLine()) == null) {
                            break;
                        }
                        if (!line.isBlank()) {
                            lines.add(line);
                        }
                    }
                    lines.add("<EOF>");
                } catch (IOException e) {
                    lines.add("<EOF>");
                }
            });
        }

        String next() throws InterruptedException {
            String line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no line within 10 s");
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    Stream open(String path, String body, String accept, HttpClient.Version version) {
        HttpClient client = HttpClient.newBuilder().version(version).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri(path))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            return new Stream(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    Stream query(String ksql, String offset) {
        return open("/query", SluiceTestServer.body("ksql", ksql, "streamsProperties",
                java.util.Map.of("ksql.streams.auto.offset.reset", offset)), null, HttpClient.Version.HTTP_1_1);
    }
}
