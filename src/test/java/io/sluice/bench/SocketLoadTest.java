package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's raw-socket client against a real HTTP server: fixed-length and chunked answers, chains, failures. */
class SocketLoadTest {

    private HttpServer server;
    private final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/submit", exchange -> {
            exchange.getRequestBody().readAllBytes();
            submits.incrementAndGet();
            byte[] body = "{\"queryId\": \"q1\", \"state\": \"SUCCESS\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/rows/q1", exchange -> {
            fetches.incrementAndGet();
            exchange.sendResponseHeaders(200, 0); // length 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("[[1],".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("[2]]".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/refused", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(429, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aChainCountsAsOneStatementOfTwoRequestsOnEveryConnection() throws Exception {
        SocketLoad.Exchange chain = new SocketLoad.Exchange() {
            @Override
            public SocketLoad.Request first() {
                return SocketLoad.Request.post("/submit", Map.of("Content-Type", "application/json"), "{\"sql\": \"SELECT 1\"}");
            }

            @Override
            public SocketLoad.Request next(String answer) {
                if (answer.contains("\"queryId\": \"q1\"")) {
                    return SocketLoad.Request.get("/rows/q1", Map.of());
                }
                assertThat(answer).isEqualTo("[[1],[2]]");
                return null;
            }
        };
        SocketLoad.Result result = new SocketLoad("127.0.0.1", server.getAddress().getPort()).run(chain, 4, 0, 1);

        assertThat(result.statements()).isPositive().isEqualTo(fetches.get()).isEqualTo(submits.get());
        assertThat(result.requests()).isEqualTo(2 * result.statements());
        assertThat(result.p50Millis()).isPositive().isLessThanOrEqualTo(result.p99Millis());
        assertThat(result.perSecond()).isPositive();
    }

    @Test
    void anAnswerThatIsNotASuccessStopsTheMeasurement() {
        SocketLoad.Exchange refused = new SocketLoad.Exchange() {
            @Override
            public SocketLoad.Request first() {
                return SocketLoad.Request.post("/refused", Map.of(), "x");
            }

            @Override
            public SocketLoad.Request next(String answer) {
                return null;
            }
        };
        assertThatThrownBy(() -> new SocketLoad("127.0.0.1", server.getAddress().getPort()).run(refused, 1, 0, 1))
                .hasMessageContaining("HTTP 429 from POST /refused");
    }
}
