package io.sluice.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 9: the engine in a process of its own (the default) against the engine inside the server (the earlier
 * design, {@code engine.isolation=in-process}), two servers of this build measured in turn, round after round, so
 * that both see the same machine: large results per format, {@code SELECT 1} at concurrency 1 and 32, and the
 * streams' insert-to-subscriber latency.
 */
final class IsolationComparison {

    private static final String LARGE = "SELECT i AS id, i * 0.5 AS score, 'user-' || lpad(CAST(i AS VARCHAR), 15, '0') AS name, "
            + "i % 3 = 0 AS flag FROM range(ROWS) t(i)";

    private final Path work;
    private final long rows;
    private final int seconds;
    private final int streamRows;

    IsolationComparison(Path work, long rows, int seconds, int streamRows) {
        this.work = work;
        this.rows = rows;
        this.seconds = seconds;
        this.streamRows = streamRows;
    }

    List<String> measure() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("## 9. Engine process against engine in the server");
        lines.add("");
        lines.add("Two servers of this build, one per design, measured in turn (two rounds; the better of each pair "
                + "is shown first). `process` is the default: DuckDB in a supervised process, results over a Unix socket "
                + "as Arrow IPC. `in-process` is DuckDB inside the server, as before.");
        lines.add("");
        try (ServerProcess isolated = new ServerProcess(work.resolve("isolated"), "256m", System.getProperty("java.class.path"),
                "", List.of());
             ServerProcess embedded = new ServerProcess(work.resolve("embedded"), "256m", System.getProperty("java.class.path"),
                     "engine.isolation=in-process\n", List.of())) {
            List<ServerProcess> servers = List.of(isolated, embedded);
            lines.add("| workload | process | in-process | process / in-process |");
            lines.add("|---|---:|---:|---:|");
            for (String format : List.of("arrow", "ndjson", "csv")) {
                double[] best = new double[2];
                for (int round = 0; round < 2; round++) {
                    for (int index = 0; index < 2; index++) {
                        Transfers transfers = CurlTransfers.available() ? new CurlTransfers(work, servers.get(index))
                                : new HttpLoad(servers.get(index));
                        HttpLoad.Transfer transfer = transfers.post("/sluice/v1/query?format=" + format,
                                "{\"sql\": \"" + LARGE.replace("ROWS", Long.toString(rows)) + "\"}");
                        double rate = rows / (transfer.nanos() / 1e9);
                        best[index] = Math.max(best[index], rate);
                    }
                }
                lines.add(String.format(Locale.ROOT, "| %,d rows as %s, rows/s | %,.0f | %,.0f | %.2f |", rows, format,
                        best[0], best[1], best[0] / best[1]));
            }
            if (WrkLoad.available()) {
                for (int concurrency : new int[] {1, 32}) {
                    WrkLoad.Result[] best = new WrkLoad.Result[2];
                    for (int round = 0; round < 2; round++) {
                        for (int index = 0; index < 2; index++) {
                            WrkLoad.Result result = new WrkLoad(work, servers.get(index))
                                    .post("/sluice/v1/query", "'{\"sql\": \"SELECT 1\"}'", concurrency, seconds);
                            if (best[index] == null || result.perSecond() > best[index].perSecond()) {
                                best[index] = result;
                            }
                        }
                    }
                    lines.add(String.format(Locale.ROOT, "| `SELECT 1` at concurrency %d, statements/s (p50 / p99 ms) | %,.0f (%.2f / %.2f) "
                                    + "| %,.0f (%.2f / %.2f) | %.2f |", concurrency,
                            best[0].perSecond(), best[0].p50Millis(), best[0].p99Millis(),
                            best[1].perSecond(), best[1].p50Millis(), best[1].p99Millis(),
                            best[0].perSecond() / best[1].perSecond()));
                }
            } else {
                lines.add("| `SELECT 1` | (wrk not installed: `apt-get install wrk`) | | |");
            }
            lines.add("");
            for (int index = 0; index < 2; index++) {
                List<String> streams = new StreamLatency(servers.get(index), new HttpLoad(servers.get(index)), streamRows).measure();
                lines.add("Streams, insert → subscriber, " + (index == 0 ? "engine process" : "engine in the server") + ":");
                lines.add("");
                lines.addAll(streams.subList(streams.indexOf("") + 3, streams.size()));
            }
        }
        lines.add("Command: `./sluice bench --sections 9`.");
        lines.add("");
        return lines;
    }
}
