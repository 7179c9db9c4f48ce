package io.sluice.protocol.ksql;

import static io.sluice.testing.SluiceTestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ksqlDB writes one row per write: one HTTP/1.1 chunk, one HTTP/2 DATA frame. Clients such as npm
 * ksqldb-client parse every chunk as one JSON value, so the framing is part of the protocol. A backlog replayed
 * with {@code auto.offset.reset: earliest} (and a pull query) is exactly the burst that used to go out in one
 * frame. The chunks and frames are read as the wire has them: a raw socket for HTTP/1.1 chunks, and the JDK
 * client's body items for HTTP/2, one per DATA frame.
 */
class KsqlRowFramingTest {

    private static final int BACKLOG = 50;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
        KsqlClient ksql = new KsqlClient(sluice);
        ksql.ok("CREATE STREAM backlog (id VARCHAR KEY, n INT);");
        StringBuilder inserts = new StringBuilder();
        for (int row = 0; row < BACKLOG; row++) {
            inserts.append("INSERT INTO backlog (id, n) VALUES ('r").append(row).append("', ").append(row).append(");");
        }
        ksql.ok(inserts.toString());
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void queryStreamPushReplayOverHttp2SendsOneDataFramePerRow() throws Exception {
        List<String> frames = http2Frames("/query-stream", body("sql", "SELECT * FROM backlog EMIT CHANGES LIMIT " + BACKLOG + ";",
                "properties", Map.of("auto.offset.reset", "earliest")), "application/vnd.ksqlapi.delimited.v1");
        assertThat(frames.getFirst()).startsWith("{\"queryId\":").endsWith("\n");
        assertOneDelimitedRowEach(frames.subList(1, frames.size()));
    }

    @Test
    void queryStreamPullOverHttp2SendsOneDataFramePerRow() throws Exception {
        List<String> frames = http2Frames("/query-stream", body("sql", "SELECT * FROM backlog;"), "application/vnd.ksqlapi.delimited.v1");
        assertThat(frames.getFirst()).startsWith("{\"columnNames\":");
        assertOneDelimitedRowEach(frames.subList(1, frames.size()));
    }

    @Test
    void queryPushReplayOverHttp2SendsOneDataFramePerRowThenTheFinalMessage() throws Exception {
        List<String> frames = http2Frames("/query", body("ksql", "SELECT * FROM backlog EMIT CHANGES LIMIT " + BACKLOG + ";",
                "streamsProperties", Map.of("ksql.streams.auto.offset.reset", "earliest")), null);
        assertThat(frames.getFirst()).startsWith("[{\"header\":");
        assertThat(frames.getLast()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
        assertOneQueryRowEach(frames.subList(1, frames.size() - 1));
    }

    @Test
    void queryStreamPushReplayOverHttp11SendsOneChunkPerRow() throws Exception {
        List<String> chunks = http11Chunks("/query-stream", body("sql", "SELECT * FROM backlog EMIT CHANGES LIMIT " + BACKLOG + ";",
                "properties", Map.of("auto.offset.reset", "earliest")), "application/vnd.ksqlapi.delimited.v1");
        assertThat(chunks.getFirst()).startsWith("{\"queryId\":");
        assertOneDelimitedRowEach(chunks.subList(1, chunks.size()));
    }

    @Test
    void queryPullOverHttp11SendsOneChunkPerRowThenTheFinalMessage() throws Exception {
        List<String> chunks = http11Chunks("/query", body("ksql", "SELECT * FROM backlog;"), null);
        assertThat(chunks.getFirst()).startsWith("[{\"header\":");
        assertThat(chunks.getLast()).startsWith("{\"finalMessage\":");
        assertOneQueryRowEach(chunks.subList(1, chunks.size() - 1));
    }

    @Test
    void queryStreamAsJsonOverHttp11SendsOneChunkPerRow() throws Exception {
        List<String> chunks = http11Chunks("/query-stream", body("sql", "SELECT * FROM backlog EMIT CHANGES LIMIT " + BACKLOG + ";",
                "properties", Map.of("auto.offset.reset", "earliest")), "application/json");
        assertThat(chunks.getFirst()).startsWith("[{\"queryId\":");
        assertThat(chunks.getLast()).isEqualTo("]");
        List<String> rows = chunks.subList(1, chunks.size() - 1);
        assertThat(rows).hasSize(BACKLOG);
        for (int row = 0; row < BACKLOG; row++) {
            assertThat(rows.get(row)).isEqualTo(",\n[\"r" + row + "\"," + row + "]");
        }
    }

    private static void assertOneDelimitedRowEach(List<String> rows) {
        assertThat(rows).hasSize(BACKLOG);
        for (int row = 0; row < BACKLOG; row++) {
            assertThat(rows.get(row)).isEqualTo("[\"r" + row + "\"," + row + "]\n");
        }
    }

    private static void assertOneQueryRowEach(List<String> rows) {
        assertThat(rows).hasSize(BACKLOG);
        for (int row = 0; row < BACKLOG; row++) {
            assertThat(rows.get(row)).isEqualTo("{\"row\":{\"columns\":[\"r" + row + "\"," + row + "]}},\n");
        }
    }

    /** The response body as the HTTP/2 DATA frames that carried it (empty frames, such as the last, left out). */
    private static List<String> http2Frames(String path, String body, String accept) throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection to h2c; the POST then runs as an HTTP/2 stream on it.
        http2.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build(), HttpResponse.BodyHandlers.discarding());
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri(path))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<List<String>> response = http2.send(request.build(), ignored -> new FrameRecorder());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Each item the JDK's HTTP/2 client hands its body subscriber is the payload of one DATA frame. */
    private static final class FrameRecorder implements HttpResponse.BodySubscriber<List<String>> {
        private final List<String> frames = new ArrayList<>();
        private final CompletableFuture<List<String>> done = new CompletableFuture<>();

        @Override
        public CompletionStage<List<String>> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (ByteBuffer buffer : item) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                frame.writeBytes(bytes);
            }
            if (frame.size() > 0) {
                frames.add(frame.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(frames);
        }
    }

    /** The response body as its HTTP/1.1 chunks, read from a raw socket so no client merges or splits them. */
    private static List<String> http11Chunks(String path, String body, String accept) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
            OutputStream out = socket.getOutputStream();
            // A persistent connection, as clients keep: a response on one that closes after it may go unchunked.
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + SluiceTestServer.ADMIN_KEY + "\r\nContent-Type: application/json\r\n"
                    + (accept == null ? "" : "Accept: " + accept + "\r\n")
                    + "Content-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");
            List<String> chunks = new ArrayList<>();
            while (true) {
                int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    return chunks;
                }
                String chunk = new String(in.readNBytes(size), StandardCharsets.UTF_8);
                readLine(in);
                // Keep-alive newlines between rows are JSON whitespace, not rows.
                if (!chunk.isBlank()) {
                    chunks.add(chunk);
                }
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int next;
        while ((next = in.read()) != '\n') {
            if (next < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (next != '\r') {
                line.write(next);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
