package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP port's limits against a real server: oversized headers, URIs and bodies are refused with their
 * status and the native error body (no stack trace, nothing quoted back), a client trickling its headers is
 * cut off while others are served, and HTTP/2 advertises the configured stream and header-table limits.
 */
@Tag("security")
class HttpLimitsTest {

    private static final long HEADER_TIMEOUT_MS = 1_500;
    private static final int H2_STREAMS = 7;
    private static final int H2_TABLE = 1_024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http().withIdleTimeoutMillis(60_000)
                .withLimits(new HttpServerConfig.Limits(8 * 1024, 2 * 1024, HEADER_TIMEOUT_MS, H2_STREAMS, H2_TABLE));
        http = new HttpServerConfig(http.host(), http.port(), 64 * 1024, http.idleTimeoutMillis(), http.maxThreads(),
                http.limits(), null);
        sluice = new SluiceTestServer(defaults.withHttp(http), false);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void headersLargerThanTheLimitAre431WithoutEchoingThem() throws IOException {
        String secret = "s3cr3t-" + "x".repeat(9_000);
        String response = raw("GET /sluice/v1/statements HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + secret
                + "\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 431");
        assertThat(response).contains("\"code\":\"REQUEST_HEADERS_TOO_LARGE\"").doesNotContain("s3cr3t").doesNotContain("\tat ");
    }

    @Test
    void aRequestTargetLongerThanTheLimitIs414() throws IOException {
        String target = "/sluice/v1/statements?limit=1&pad=" + "p".repeat(3_000);
        String response = raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 414");
        assertThat(response).contains("\"code\":\"URI_TOO_LONG\"").doesNotContain("ppppp");
        // Just under the limit is served as usual (401 here: no key), so the limit is the configured one.
        String shorter = raw("GET /sluice/v1/statements?pad=" + "p".repeat(1_900) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(shorter).startsWith("HTTP/1.1 401");
    }

    @Test
    void aBodyLargerThanTheLimitIs413() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query",
                "{\"sql\": \"SELECT 1\", \"pad\": \"" + "b".repeat(100 * 1024) + "\"}");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("PAYLOAD_TOO_LARGE").doesNotContain("bbbbb");
    }

    @Test
    void aClientTricklingItsHeadersIsCutOffWhileOthersAreServed() throws Exception {
        byte[] request = ("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "z".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long started = System.nanoTime();
            boolean closed = false;
            int sent = 0;
            // A byte every 50 ms keeps resetting the 60 s idle timeout; only the header deadline can end this.
            while (!closed && sent < request.length && System.nanoTime() - started < 20_000_000_000L) {
                try {
                    out.write(request[sent++]);
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                try {
                    closed = in.read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing yet: the server is still waiting for the rest of the headers
                } catch (IOException reset) {
                    closed = true;
                }
                if (sent % 20 == 0) {
                    HttpResponse<String> other = sluice.send(HttpRequest.newBuilder(sluice.uri("/health/live")).build());
                    assertThat(other.statusCode()).isEqualTo(200);
                }
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(closed).as("connection closed before the whole request was trickled in").isTrue();
            assertThat(sent).isLessThan(request.length);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(HEADER_TIMEOUT_MS);
        }
    }

    @Test
    void http2AdvertisesTheConfiguredStreamAndHeaderTableLimits() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            // Prior-knowledge h2c: the connection preface, then an empty SETTINGS frame.
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            in.readInt();
            assertThat(type).as("the server's first frame is SETTINGS").isEqualTo(4);
            Map<Integer, Long> settings = new HashMap<>();
            for (int read = 0; read < length; read += 6) {
                settings.put(in.readUnsignedShort(), in.readInt() & 0xffffffffL);
            }
            assertThat(settings).containsEntry(0x3, (long) H2_STREAMS).containsEntry(0x1, (long) H2_TABLE)
                    .containsEntry(0x6, 8L * 1024);
        }
    }

    /** One request over a plain socket, the whole response as text. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
