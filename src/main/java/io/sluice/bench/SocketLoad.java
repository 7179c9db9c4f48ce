package io.sluice.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Statement load over raw keep-alive HTTP/1.1 sockets, one platform thread per connection, for the statement APIs
 * whose statement takes more than one request (Druid's statements API, Trino's nextUri chain). wrk times
 * requests, not chains of them, and the JDK HttpClient costs more CPU per request than the statement it measures
 * on these two shared cores (see {@link WrkLoad}). This client writes a prepared request and parses only the
 * status line, the length headers and, when the chain needs it, the body: a few microseconds per request, and
 * section 10 shows it next to wrk on the same endpoint so the reader can see what it costs.
 */
final class SocketLoad {

    /** One HTTP request of a statement's chain. */
    record Request(String method, String path, Map<String, String> headers, String body) {
        static Request post(String path, Map<String, String> headers, String body) {
            return new Request("POST", path, headers, body);
        }

        static Request get(String path, Map<String, String> headers) {
            return new Request("GET", path, headers, null);
        }
    }

    /** A statement as its API's client runs it: the first request, then each next one from the previous answer. */
    interface Exchange {
        Request first();

        /** The next request after {@code answer} (the previous body), or null when the statement is done. */
        Request next(String answer);
    }

    record Result(double p50Millis, double p99Millis, double perSecond, long statements, long requests) {
    }

    private final String host;
    private final int port;

    SocketLoad(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Runs {@code exchange} on {@code connections} connections for the warm-up, then measures for {@code seconds}. */
    Result run(Exchange exchange, int connections, int warmupSeconds, int seconds) throws Exception {
        if (warmupSeconds > 0) {
            drive(exchange, connections, warmupSeconds);
        }
        return drive(exchange, connections, seconds);
    }

    private Result drive(Exchange exchange, int connections, int seconds) throws Exception {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<long[]> latencies = new ArrayList<>();
        long[] requestCounts = new long[connections];
        int[] statementCounts = new int[connections];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int connection = 0; connection < connections; connection++) {
            int index = connection;
            long[][] own = {new long[1 << 14]};
            latencies.add(null);
            threads.add(Thread.ofPlatform().name("socket-load-" + index).start(() -> {
                try (Connection socket = new Connection(host, port)) {
                    int count = 0;
                    while (System.nanoTime() < deadline && failure.get() == null) {
                        long begin = System.nanoTime();
                        Request request = exchange.first();
                        while (request != null) {
                            String answer = socket.send(request);
                            requestCounts[index]++;
                            request = exchange.next(answer);
                        }
                        if (count == own[0].length) {
                            own[0] = Arrays.copyOf(own[0], count * 2);
                        }
                        own[0][count++] = System.nanoTime() - begin;
                    }
                    statementCounts[index] = count;
                    synchronized (latencies) {
                        latencies.set(index, Arrays.copyOf(own[0], count));
                    }
                } catch (Exception | AssertionError e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() instanceof AssertionError e) {
            throw e;
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long requests = Arrays.stream(requestCounts).sum();
        if (all.length == 0) {
            throw new IOException("no statement finished in " + seconds + " s");
        }
        return new Result(percentile(all, 0.50), percentile(all, 0.99), all.length * 1e9 / elapsed, all.length, requests);
    }

    private static double percentile(long[] sorted, double fraction) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(fraction * sorted.length))] / 1e6;
    }

    /** One keep-alive connection; answers must be 200 (a 202 also counts: an asynchronous API's accepted state). */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String hostHeader;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 65_536);
            hostHeader = host + ":" + port;
        }

        String send(Request request) throws IOException {
            byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(request.method()).append(' ').append(request.path())
                    .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
            request.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (request.body() != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readAnswer(request);
        }

        private String readAnswer(Request request) throws IOException {
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length > 0) {
                body.write(in.readNBytes((int) length));
            }
            String text = body.toString(StandardCharsets.UTF_8);
            if (code != 200 && code != 202) {
                throw new IOException("HTTP " + code + " from " + request.method() + " " + request.path() + ": "
                        + text.substring(0, Math.min(300, text.length())));
            }
            return text;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
