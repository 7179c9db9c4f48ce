package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streams section of {@code ./sluice bench}: end-to-end latency from an INSERT through ksqlDB's
 * {@code /ksql} to a push-query subscriber on {@code /query} reading the row, with 1, 100 and 1,000
 * subscribers on one stream, plus delivered rows/s and the server's peak heap while they are held.
 * The insert carries the bench JVM's nanoTime, and every subscriber runs in the same JVM, so one clock
 * measures both ends.
 */
final class StreamLatency {

    private static final Pattern SENT = Pattern.compile("^\\{\"row\":\\{\"columns\":\\[\"[^\"]*\",(\\d+)]");

    private final ServerProcess server;
    private final HttpLoad http;
    private final int rowsPerRun;

    StreamLatency(ServerProcess server, HttpLoad http, int rowsPerRun) {
        this.server = server;
        this.http = http;
        this.rowsPerRun = rowsPerRun;
    }

    List<String> measure() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("## 7. Streams: insert → push-query subscriber");
        lines.add("");
        lines.add("One stream; " + rowsPerRun + " rows inserted one at a time through POST /ksql, 10 ms apart; every subscriber is an "
                + "HTTP/1.1 POST /query push query (EMIT CHANGES) on its own connection, read by a plain-socket client on a "
                + "virtual thread in the benchmark JVM.");
        lines.add("");
        lines.add("| subscribers | p50 ms | p99 ms | max ms | rows delivered/s | peak heap MB | peak RSS MB |");
        lines.add("|---:|---:|---:|---:|---:|---:|---:|");
        http.postJson("/ksql", "{\"ksql\": \"CREATE STREAM bench_ticks (id VARCHAR KEY, sent BIGINT);\"}");
        for (int subscribers : new int[] {1, 100, 1000}) {
            System.err.println("streams: " + subscribers + " subscribers");
            lines.add(run(subscribers));
            System.err.println(lines.getLast());
        }
        lines.add("");
        return lines;
    }

    private String run(int subscribers) throws Exception {
        long[] latencies = new long[subscribers * rowsPerRun];
        AtomicInteger received = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(subscribers);
        // A subscriber whose connection fails never counts down; the report says why instead of only "not started".
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        server.startSampling();
        long start;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> readers = new ArrayList<>();
            for (int subscriber = 0; subscriber < subscribers; subscriber++) {
                readers.add(pool.submit(() -> {
                    boolean[] headerSeen = {false};
                    try {
                        PushSubscriber.run(server.port, "/query", ServerProcess.KEY,
                                "{\"ksql\": \"SELECT * FROM bench_ticks EMIT CHANGES LIMIT " + rowsPerRun + ";\"}", line -> {
                                    if (!headerSeen[0]) {
                                        headerSeen[0] = true;
                                        ready.countDown();
                                        return;
                                    }
                                    Matcher matcher = SENT.matcher(line);
                                    if (matcher.find()) {
                                        long latency = System.nanoTime() - Long.parseLong(matcher.group(1));
                                        int index = received.getAndIncrement();
                                        if (index < latencies.length) {
                                            latencies[index] = latency;
                                        }
                                    }
                                });
                    } catch (Exception e) {
                        failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                        throw e;
                    }
                    return null;
                }));
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                long started = subscribers - ready.getCount();
                pool.shutdownNow();
                server.stopSampling();
                return String.format(Locale.ROOT, "| %,d | – | – | – | only %,d subscribers had started after 60 s%s | – | – |",
                        subscribers, started, failures.isEmpty() ? ""
                                : " (" + failures.size() + " connections failed, first: " + failures.peek() + ")");
            }
            start = System.nanoTime();
            for (int row = 0; row < rowsPerRun; row++) {
                http.postJson("/ksql", "{\"ksql\": \"INSERT INTO bench_ticks (id, sent) VALUES ('r" + row + "', " + System.nanoTime() + ");\"}");
                Thread.sleep(10);
            }
            for (Future<?> reader : readers) {
                reader.get(120, TimeUnit.SECONDS);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] peaks = server.stopSampling();
        long[] measured = java.util.Arrays.copyOf(latencies, Math.min(received.get(), latencies.length));
        return String.format(Locale.ROOT, "| %,d | %.2f | %.2f | %.2f | %,.0f | %.0f | %.0f |", subscribers,
                HttpLoad.percentileMillis(measured, 50), HttpLoad.percentileMillis(measured, 99),
                HttpLoad.percentileMillis(measured, 100), measured.length / seconds, peaks[0] / 1e6, peaks[1] / 1e6);
    }
}
