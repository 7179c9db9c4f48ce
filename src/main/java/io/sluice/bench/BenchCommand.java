package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sluice bench}: every figure side by side with its baseline in one run, printed as a table and
 * written to BENCHMARKS.md with the machine and the exact command. Not a test: nothing here asserts.
 */
@Command(name = "bench", description = "Measure Sluice against in-process baselines and write BENCHMARKS.md.")
public final class BenchCommand implements Callable<Integer> {

    /** Mixed types as the issue asks: BIGINT, DOUBLE, ~20-char VARCHAR, TIMESTAMP, BOOLEAN, DECIMAL(18,2). */
    static final String MIXED_SQL = "SELECT i AS id, i * 0.5 AS score, 'user-' || lpad(CAST(i AS VARCHAR), 15, '0') AS name, "
            + "TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1000) AS ts, i % 3 = 0 AS flag, "
            + "CAST(i % 1000000 AS DECIMAL(18,2)) / 100 AS amount FROM range(CAST(? AS BIGINT)) t(i)";
    static final String MIXED_COLUMNS = "id, score, name, ts, flag, amount";

    @Option(names = "--rows", description = "rows of the large result (default 10,000,000)")
    long rows = 10_000_000;

    @Option(names = "--big-rows", description = "rows of the memory and scaling run (default 50,000,000)")
    long bigRows = 50_000_000;

    @Option(names = "--small-requests", description = "requests per small-statement measurement (default 5,000)")
    int smallRequests = 5_000;

    @Option(names = "--small-seconds", description = "seconds per small-statement row when wrk drives the load (default 10)")
    int smallSeconds = 10;

    @Option(names = "--small-warmup-seconds", description = "seconds of wrk warm-up per small statement before measuring (default 45)")
    int smallWarmupSeconds = 45;

    @Option(names = "--output", description = "where to write the report (default BENCHMARKS.md)")
    Path output = Path.of("BENCHMARKS.md");

    @Option(names = "--work-dir", description = "scratch directory (default a new temp dir)")
    Path workDirectory;

    @Option(names = "--stream-rows", description = "rows inserted per streams latency run (default 200)")
    int streamRows = 200;

    @Option(names = "--only", description = "run one section only: 'streams' (section 7); it replaces that section "
            + "of the output file and leaves the rest as it was")
    String only;

    @Option(names = "--baseline-server", description = "with --only streams: also measure the server of another build "
            + "(a Sluice checkout directory with target/sluice.jar and target/lib), in the same run, as the baseline")
    Path baselineServer;

    @Option(names = "--trino", description = "a running Trino coordinator (http://host:port) with the tpch catalog: adds sections 8 and 8b")
    String trino;

    @Option(names = "--only-trino", description = "measure only section 8 and put it into the existing report")
    boolean onlyTrino;

    @Option(names = "--start-trino", description = "start a Trino (coordinator and worker, -Xmx2g each, tpch catalog) from "
            + "the trino-server-core the build unpacks for the tests, for sections 8 and 8b, and stop it afterwards")
    boolean startTrino;

    @Option(names = "--trino-home", description = "with --start-trino: the directory holding trino-server-core-* and "
            + "plugins/ (default target/trino beside the Sluice jar, unpacked by `mvn test-compile`)")
    Path trinoHome;

    @Option(names = "--only-trino-jdbc", description = "measure only section 8b (trino-jdbc against Trino, Sluice on Trino "
            + "and Sluice on DuckDB) and put it into the existing report; with --only-trino, both 8 and 8b")
    boolean onlyTrinoJdbc;

    @Option(names = "--trino-jdbc-rows", description = "rows of section 8b's large result (default 10,000,000)")
    long trinoJdbcRows = 10_000_000;

    @Option(names = "--trino-select-one-runs", description = "SELECT 1 statements per client in section 8b (default 2,000)")
    int trinoSelectOneRuns = 2_000;

    @Option(names = "--trino-rounds", description = "measured rounds of section 8b's large result, the fastest counts (default 2)")
    int trinoRounds = 2;

    @Option(names = "--sections", split = ",", description = "only these figures, e.g. 1,2,3,6 (default all: 1-7, "
            + "10 (every API) and 11 (ClickHouse peer, installed when missing); 9 compares the engine process with "
            + "the engine in the server and runs only when named)")
    java.util.Set<Integer> sections = java.util.Set.of(1, 2, 3, 4, 5, 6, 7, 10, 11);

    @Option(names = "--api-warmup-seconds", description = "warm-up per API and concurrency in section 10 (default 5)")
    int apiWarmupSeconds = 5;

    @Option(names = "--server-java-option", description = "an extra JVM option for the server (repeatable), e.g. -XX:StartFlightRecording=filename=server.jfr")
    List<String> serverJavaOptions = new ArrayList<>();

    private final List<String> lines = new ArrayList<>();
    private List<String> streamsLines = List.of();
    private List<String> exportLines = List.of();
    private List<String> everyApiLines = List.of();
    private List<String> peerLines = List.of();

    @Override
    public Integer call() throws Exception {
        Path work = workDirectory != null ? workDirectory : Files.createTempDirectory("sluice-bench");
        if (only != null) {
            if (!only.equals("streams")) {
                System.err.println("bench: --only knows one section: streams");
                return 2;
            }
            return streamsOnly(work);
        }
        if ((onlyTrino || onlyTrinoJdbc) && trino == null && !startTrino) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--only-trino and --only-trino-jdbc need --trino URL or --start-trino");
        }
        if (trino != null && startTrino) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--trino URL and --start-trino exclude each other");
        }
        BenchTrino started = null;
        try {
            if (startTrino) {
                started = BenchTrino.start(trinoHome != null ? trinoHome : BenchTrino.defaultHome(), work);
                trino = started.url();
            }
            return onlyTrino || onlyTrinoJdbc ? trinoOnly(work) : measureAll(work);
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    /** Sections 8 and/or 8b alone, each written in place of the one the output file already has (or added). */
    private int trinoOnly(Path work) throws Exception {
        String existing = Files.exists(output) ? Files.readString(output) : "";
        String source = startTrino ? "--start-trino" : "--trino " + trino;
        if (onlyTrino) {
            List<String> section = new TrinoBench(trino, work).measure();
            section.addAll(List.of("Command: `./sluice bench " + source + " --only-trino`", ""));
            existing = replaceSection(existing, "## 8. Trino", String.join("\n", section));
            System.out.print(String.join("\n", section) + "\n");
        }
        if (onlyTrinoJdbc) {
            List<String> section = trinoJdbc(work);
            section.addAll(List.of("Command: `./sluice bench " + source + " --only-trino-jdbc --trino-jdbc-rows " + trinoJdbcRows
                    + " --trino-select-one-runs " + trinoSelectOneRuns + " --trino-rounds " + trinoRounds + "`", ""));
            existing = replaceSection(existing, "## 8b.", String.join("\n", section));
            System.out.print(String.join("\n", section) + "\n");
        }
        Files.writeString(output, existing);
        return 0;
    }

    private List<String> trinoJdbc(Path work) throws Exception {
        return new TrinoJdbcBench(trino, startTrino, work, trinoJdbcRows, trinoSelectOneRuns, trinoRounds).measure();
    }

    private int measureAll(Path work) throws Exception {
        header();
        try (EngineBaseline baseline = new EngineBaseline(work.resolve("baseline"));
             ServerProcess server = new ServerProcess(work.resolve("server"), "256m", System.getProperty("java.class.path"), "", serverJavaOptions)) {
            HttpLoad http = new HttpLoad(server);
            Transfers transfers = CurlTransfers.available() ? new CurlTransfers(work, server) : http;
            java.util.Map<String, Double> streamingRates = sections.contains(1) || sections.contains(2)
                    ? streaming(baseline, transfers) : java.util.Map.of();
            if (sections.contains(2)) {
                spool(http, transfers, streamingRates);
            }
            if (sections.contains(3)) {
                smallStatements(baseline, http, server, work);
            }
            if (sections.contains(4)) {
                memory(http, server);
            }
            if (sections.contains(5)) {
                scaling(http, server);
            }
            if (sections.contains(6)) {
                exportLines = export(http, work);
            }
            if (sections.contains(7)) {
                streamsLines = new StreamLatency(server, http, streamRows).measure();
            }
            WrkLoad wrk = WrkLoad.available() ? new WrkLoad(work, server) : null;
            if (sections.contains(10)) {
                everyApiLines = new EveryApiLatency(server, smallWarmupSeconds, apiWarmupSeconds, smallSeconds).measure(http, wrk);
            }
            if (sections.contains(11)) {
                peerLines = new PeerComparison(work, server, rows, smallSeconds, smallWarmupSeconds).measure(wrk);
            }
        }
        lines.add("");
        lines.addAll(exportLines);
        lines.addAll(streamsLines);
        if (sections.contains(9)) {
            lines.addAll(new IsolationComparison(work, rows, smallSeconds, streamRows).measure());
        }
        lines.addAll(everyApiLines);
        lines.addAll(peerLines);
        if (trino != null) {
            lines.addAll(new TrinoBench(trino, work).measure());
            lines.addAll(trinoJdbc(work));
        }
        String report = String.join("\n", lines) + "\n";
        System.out.print(report);
        Files.writeString(output, report);
        return 0;
    }

    /** Section 7 alone, written in place of the section 7 the output file already has (or appended). */
    private int streamsOnly(Path work) throws Exception {
        List<String> section;
        try (ServerProcess server = new ServerProcess(work.resolve("server"), "256m", System.getProperty("java.class.path"), "",
                serverJavaOptions)) {
            section = new ArrayList<>(new StreamLatency(server, new HttpLoad(server), streamRows).measure());
        }
        if (baselineServer != null) {
            String classpath = baselineServer.resolve("target/sluice.jar") + java.io.File.pathSeparator
                    + baselineServer.resolve("target/lib") + java.io.File.separator + "*";
            try (ServerProcess server = new ServerProcess(work.resolve("baseline-server"), "256m", classpath, "", List.of())) {
                List<String> baseline = new StreamLatency(server, new HttpLoad(server), streamRows).measure();
                section.add("Baseline in the same run, the server built from " + baselineServer + ":");
                section.add("");
                section.addAll(baseline.subList(baseline.indexOf("") + 3, baseline.size()));
            }
        }
        Runtime runtime = Runtime.getRuntime();
        section.add("Command: `./sluice bench --only streams --stream-rows " + streamRows
                + (baselineServer == null ? "" : " --baseline-server <older checkout>") + "`; machine: "
                + runtime.availableProcessors() + " cores, " + memoryTotal() + " memory, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ".");
        section.add("");
        String report = String.join("\n", section) + "\n";
        System.out.print(report);
        String existing = Files.exists(output) ? Files.readString(output) : "";
        Files.writeString(output, replaceSection(existing, "## 7.", report));
        return 0;
    }

    /** The report with the section under {@code heading} replaced by {@code section}, or the section added before "## Targets". */
    static String replaceSection(String report, String heading, String section) {
        int start = report.indexOf(heading);
        if (start >= 0) {
            int end = report.indexOf("\n## ", start + heading.length());
            return report.substring(0, start) + section.strip() + "\n" + (end < 0 ? "" : report.substring(end));
        }
        int targets = report.indexOf("## Targets");
        if (targets >= 0) {
            return report.substring(0, targets) + section.strip() + "\n\n" + report.substring(targets);
        }
        return report + (report.endsWith("\n") ? "" : "\n") + "\n" + section.strip() + "\n";
    }

    private void header() {
        Runtime runtime = Runtime.getRuntime();
        lines.add("# Sluice benchmarks");
        lines.add("");
        lines.add("Machine: " + runtime.availableProcessors() + " cores, " + memoryTotal() + " memory, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ".");
        lines.add("Command: `./sluice bench --rows " + rows + " --big-rows " + bigRows + " --small-requests " + smallRequests
                + (sections.size() < 7 ? " --sections " + sections.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")) : "")
                + "`");
        lines.add("Server: a separate JVM with -Xmx256m, talked to over loopback HTTP/1.1 keep-alive. "
                + "Baseline: the same statement through the engine API in the benchmark's own JVM, reading every value from the Arrow buffers, serialising nothing.");
        lines.add("");
    }

    private java.util.Map<String, Double> streaming(EngineBaseline baseline, Transfers http) throws Exception {
        lines.add("## 1. Large-result streaming (" + String.format(Locale.ROOT, "%,d", rows) + " rows, mixed types)");
        lines.add("");
        lines.add("HTTP client for figures 1 and 2: " + http.client() + ".");
        lines.add("");
        baseline.consume(MIXED_SQL, List.of(1_000_000L));
        // The faster of two runs, as for every format below.
        long count = 0;
        double baselineSeconds = Double.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            count = baseline.consume(MIXED_SQL, List.of(rows));
            baselineSeconds = Math.min(baselineSeconds, (System.nanoTime() - start) / 1e9);
        }
        double baselineRate = count / baselineSeconds;
        double engineAloneSeconds = Double.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            baseline.reduceInEngine(MIXED_SQL, MIXED_COLUMNS, List.of(rows));
            engineAloneSeconds = Math.min(engineAloneSeconds, (System.nanoTime() - start) / 1e9);
        }
        double engineAloneRate = rows / engineAloneSeconds;
        lines.add("Two baselines: the engine alone reduces every row to a count and a sum of hashes of all columns "
                + "inside DuckDB (`SELECT count(*), sum(hash(…)) FROM (query)`, the physical limit); the in-process engine "
                + "hands every batch to Java, which reads every value from the Arrow buffers and serialises nothing.");
        lines.add("");
        lines.add("| format | seconds | rows/s | MB/s on the wire | ratio to in-process | ratio to engine alone |");
        lines.add("|---|---:|---:|---:|---:|---:|");
        lines.add(row("engine alone (DuckDB reduces in place)", engineAloneSeconds, engineAloneRate, 0,
                engineAloneRate / baselineRate, 1.0));
        lines.add(row("baseline (in-process engine)", baselineSeconds, baselineRate, 0, 1.0, baselineRate / engineAloneRate));
        java.util.Map<String, Double> rates = new java.util.HashMap<>();
        List<String> formats = List.of("ndjson", "csv", "json", "arrow", "parquet");
        java.util.Map<String, HttpLoad.Transfer> fastest = new java.util.HashMap<>();
        // Two rounds over all formats, each format's faster run kept: with one round, the format measured first
        // (NDJSON) came out well below JSON, which writes the same bytes through the same encoder, even with a
        // warm-up of its own, so the order of measurement, not the format, decided part of the figure.
        for (int round = 0; round < 2; round++) {
            for (String format : formats) {
                http.post("/sluice/v1/query?format=" + format, body(1_000_000));
                HttpLoad.Transfer transfer = http.post("/sluice/v1/query?format=" + format, body(rows));
                fastest.merge(format, transfer, (kept, next) -> next.nanos() < kept.nanos() ? next : kept);
            }
        }
        for (String format : formats) {
            HttpLoad.Transfer transfer = fastest.get(format);
            double seconds = transfer.nanos() / 1e9;
            double rate = rows / seconds;
            rates.put(format, rate);
            lines.add(row(format, seconds, rate, transfer.bytes() / seconds / 1e6, rate / baselineRate, rate / engineAloneRate));
        }
        lines.add("");
        return rates;
    }

    private void spool(HttpLoad http, Transfers transfers, java.util.Map<String, Double> streamingRates) throws Exception {
        lines.add("## 2. Spool write and page read (same result as an asynchronous statement)");
        lines.add("");
        long start = System.nanoTime();
        JsonNode submitted = http.postJson("/sluice/v1/statements", bodyWith(rows, ", \"waitMs\": 0"));
        String id = submitted.get("id").asText();
        JsonNode status = submitted;
        while (!status.get("state").asText().equals("SUCCEEDED")) {
            if (status.get("state").asText().equals("FAILED")) {
                throw new IllegalStateException("spooled statement failed: " + status);
            }
            Thread.sleep(20);
            status = http.getJson("/sluice/v1/statements/" + id);
        }
        double spoolSeconds = (System.nanoTime() - start) / 1e9;
        int pages = status.get("pageCount").asInt();
        lines.add("Spooled " + String.format(Locale.ROOT, "%,d", rows) + " rows into " + pages + " pages in "
                + String.format(Locale.ROOT, "%.2f", spoolSeconds) + " s (" + String.format(Locale.ROOT, "%,.0f", rows / spoolSeconds) + " rows/s).");
        lines.add("");
        lines.add("| read every page as | seconds | rows/s | MB/s | ratio to direct streaming in the same format |");
        lines.add("|---|---:|---:|---:|---:|");
        for (String format : List.of("ndjson", "arrow")) {
            for (int pagesPerRequest : new int[] {1, 10}) {
                // Untimed first: the server's page path warm, as section 1 warms each format before its runs.
                List<String> warmUp = new ArrayList<>();
                for (int page = 0; page < Math.min(pages, 100); page++) {
                    warmUp.add("/sluice/v1/statements/" + id + "/results?page=" + page + "&format=" + format);
                }
                transfers.getAll(warmUp);
                List<String> requests = new ArrayList<>();
                for (int page = 0; page < pages; page += pagesPerRequest) {
                    requests.add("/sluice/v1/statements/" + id + "/results?page=" + page + "&format=" + format
                            + (pagesPerRequest > 1 ? "&pages=" + pagesPerRequest : ""));
                }
                HttpLoad.Transfer read = transfers.getAll(requests);
                double seconds = read.nanos() / 1e9;
                long bytes = read.bytes();
                String name = format + (pagesPerRequest > 1 ? ", " + pagesPerRequest + " pages per request (`pages=" + pagesPerRequest + "`)" : ", one page per request");
                lines.add(row(name, seconds, rows / seconds, bytes / seconds / 1e6, rows / seconds / streamingRates.get(format)));
            }
        }
        lines.add("");
    }

    /**
     * Figure 6: the large result exported as files to the local store (the statement runs and is spooled, and the
     * files are written in the same pass), against DuckDB writing the same query with its own COPY … TO in-process.
     */
    private List<String> export(HttpLoad http, Path work) throws Exception {
        List<String> out = new ArrayList<>();
        out.add("## 6. Export (" + String.format(Locale.ROOT, "%,d", rows) + " rows to the local store)");
        out.add("");
        out.add("Sluice: submit with `export`, until the links are there (statement, spool and files); \"export only\" is "
                + "`keepResult: false` (the files are the only result, nothing spooled). Baseline: DuckDB's own "
                + "`COPY (query) TO` a file in-process (in-memory database, all threads). One untimed Parquet export "
                + "first warms the server; Parquet rows and their COPY are the faster of two runs, CSV rows one run.");
        out.add("");
        out.add("| export | Sluice seconds | Sluice MB | DuckDB COPY seconds | DuckDB MB | ratio (Sluice / COPY) |");
        out.add("|---|---:|---:|---:|---:|---:|");
        String query = MIXED_SQL.replace("CAST(? AS BIGINT)", Long.toString(rows));
        Path baselineDirectory = Files.createDirectories(work.resolve("copy-baseline"));
        record Case(String name, String exportSpec, String copyOptions, String file, int runs) {
        }
        String parquet = "{\"format\": \"parquet\", \"compression\": \"snappy\"";
        String gzipCsv = "{\"format\": \"csv\", \"compression\": \"gzip\"";
        exportOnce(http, parquet + "}");
        for (Case exportCase : List.of(
                new Case("Parquet (SNAPPY), result kept", parquet + "}", "FORMAT PARQUET, COMPRESSION SNAPPY", "copy.parquet", 2),
                new Case("Parquet (SNAPPY), export only", parquet + ", \"keepResult\": false}", "FORMAT PARQUET, COMPRESSION SNAPPY",
                        "copy.parquet", 2),
                new Case("CSV (gzip), result kept", gzipCsv + "}", "FORMAT CSV, HEADER, COMPRESSION GZIP", "copy.csv.gz", 1),
                new Case("CSV (gzip), export only", gzipCsv + ", \"keepResult\": false}", "FORMAT CSV, HEADER, COMPRESSION GZIP",
                        "copy.csv.gz", 1))) {
            double sluiceSeconds = Double.MAX_VALUE;
            long sluiceBytes = 0;
            double copySeconds = Double.MAX_VALUE;
            long copyBytes = 0;
            for (int run = 0; run < exportCase.runs(); run++) {
                long start = System.nanoTime();
                JsonNode status = exportOnce(http, exportCase.exportSpec());
                sluiceSeconds = Math.min(sluiceSeconds, (System.nanoTime() - start) / 1e9);
                sluiceBytes = 0;
                for (JsonNode file : status.path("export").path("files")) {
                    sluiceBytes += file.path("bytes").asLong();
                }
                Path target = baselineDirectory.resolve(exportCase.file());
                Files.deleteIfExists(target);
                start = System.nanoTime();
                try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                     java.sql.Statement statement = connection.createStatement()) {
                    statement.execute("COPY (" + query + ") TO '" + target.toString().replace("'", "''") + "' ("
                            + exportCase.copyOptions() + ")");
                }
                copySeconds = Math.min(copySeconds, (System.nanoTime() - start) / 1e9);
                copyBytes = Files.size(target);
                Files.delete(target);
            }
            out.add(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.2f | %.1f | %.2f |", exportCase.name(),
                    sluiceSeconds, sluiceBytes / 1e6, copySeconds, copyBytes / 1e6, sluiceSeconds / copySeconds));
        }
        out.add("");
        return out;
    }

    /** Submits the large result with {@code exportSpec} and polls until the export's links are there. */
    private JsonNode exportOnce(HttpLoad http, String exportSpec) throws Exception {
        JsonNode status = http.postJson("/sluice/v1/statements", bodyWith(rows, ", \"waitMs\": 0, \"export\": " + exportSpec));
        String id = status.get("id").asText();
        while (!status.path("export").path("state").asText().equals("SUCCEEDED")) {
            if (status.path("state").asText().equals("FAILED") || status.path("export").path("state").asText().equals("FAILED")) {
                throw new IllegalStateException("export failed: " + status);
            }
            Thread.sleep(20);
            status = http.getJson("/sluice/v1/statements/" + id);
        }
        return status;
    }

    private void smallStatements(EngineBaseline baseline, HttpLoad http, ServerProcess server, Path work) throws Exception {
        lines.add("## 3. Small statements");
        lines.add("");
        http.post("/sluice/v1/query", "{\"sql\": \"CREATE OR REPLACE TABLE bench_points (id BIGINT PRIMARY KEY, v VARCHAR)\"}");
        http.post("/sluice/v1/query", "{\"sql\": \"INSERT INTO bench_points SELECT i, 'value-' || i FROM range(1000000) t(i)\"}");
        baseline.executeTrusted("CREATE OR REPLACE TABLE bench_points (id BIGINT PRIMARY KEY, v VARCHAR)");
        baseline.executeTrusted("INSERT INTO bench_points SELECT i, 'value-' || i FROM range(1000000) t(i)");
        WrkLoad wrk = WrkLoad.available() ? new WrkLoad(work, server) : null;
        String selectOne = "'{\"sql\": \"SELECT 1\"}'";
        String pointLookup = "'{\"sql\": \"SELECT * FROM bench_points WHERE id = ?\", \"parameters\": [' .. math.random(0, 999999) .. ']}'";
        // Steady state, not the JIT's first minute: on two cores busy with 32 clients, the server's compiler
        // threads need tens of seconds to catch up (SELECT 1 throughput kept rising for about 90 s).
        if (wrk != null) {
            wrk.post("/sluice/v1/query", selectOne, 32, smallWarmupSeconds);
            wrk.post("/sluice/v1/query", pointLookup, 32, smallWarmupSeconds);
        }
        lines.add("| statement | concurrency | Sluice p50 ms | Sluice p99 ms | Sluice statements/s | baseline p50 ms | baseline p99 ms | baseline statements/s |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int concurrency : new int[] {1, 32}) {
            for (boolean lookup : new boolean[] {false, true}) {
                Measured sluice;
                if (wrk != null) {
                    sluice = Measured.of(wrk.post("/sluice/v1/query", lookup ? pointLookup : selectOne, concurrency, smallSeconds));
                } else {
                    sluice = load(concurrency, () -> {
                        String request = lookup
                                ? "{\"sql\": \"SELECT * FROM bench_points WHERE id = ?\", \"parameters\": [" + ThreadLocalRandom.current().nextInt(1_000_000) + "]}"
                                : "{\"sql\": \"SELECT 1\"}";
                        http.post("/sluice/v1/query", request);
                    }).measured();
                }
                Measured inProcess = load(concurrency, () -> {
                    if (lookup) {
                        baseline.consume("SELECT * FROM bench_points WHERE id = ?", List.of((long) ThreadLocalRandom.current().nextInt(1_000_000)));
                    } else {
                        baseline.consume("SELECT 1", List.of());
                    }
                }).measured();
                lines.add(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %,.0f | %.2f | %.2f | %,.0f |",
                        lookup ? "point lookup (1M-row table, primary key)" : "SELECT 1", concurrency,
                        sluice.p50(), sluice.p99(), sluice.perSecond(), inProcess.p50(), inProcess.p99(), inProcess.perSecond()));
            }
        }
        lines.add("");
        if (wrk != null) {
            WrkLoad.Result floor = wrk.get("/health/live", 32, smallSeconds);
            lines.add(String.format(Locale.ROOT, "HTTP client: wrk (C), one thread, keep-alive HTTP/1.1, %d s per row after %d s of "
                    + "warm-up per statement at concurrency 32. The same server's HTTP floor, `GET /health/live` (no "
                    + "credential, no statement) at concurrency 32: %,.0f requests/s, p50 %.2f ms, p99 %.2f ms.",
                    smallSeconds, smallWarmupSeconds, floor.perSecond(), floor.p50Millis(), floor.p99Millis()));
        } else {
            lines.add("HTTP client: the JDK HttpClient in the benchmark's JVM (wrk was not found; `apt-get install wrk` "
                    + "for figures that measure the server rather than the client).");
        }
        lines.add("");
    }

    /** One row's figures, from either load generator. */
    private record Measured(double p50, double p99, double perSecond) {
        static Measured of(WrkLoad.Result result) {
            return new Measured(result.p50Millis(), result.p99Millis(), result.perSecond());
        }
    }

    private void memory(HttpLoad http, ServerProcess server) throws Exception {
        lines.add("## 4. Memory (server JVM with -Xmx256m)");
        lines.add("");
        lines.add("| scenario | seconds | peak heap MB | peak RSS MB |");
        lines.add("|---|---:|---:|---:|");
        server.startSampling();
        long start = System.nanoTime();
        http.post("/sluice/v1/query?format=ndjson", body(bigRows));
        long[] peaks = server.stopSampling();
        lines.add(memoryRow("stream " + String.format(Locale.ROOT, "%,d", bigRows) + " rows as NDJSON", start, peaks));

        server.startSampling();
        start = System.nanoTime();
        for (int statement = 0; statement < 1000; statement++) {
            http.postJson("/sluice/v1/statements", "{\"sql\": \"SELECT i, 'row ' || i FROM range(100) t(i)\", \"waitMs\": 10000}");
        }
        peaks = server.stopSampling();
        lines.add(memoryRow("hold 1,000 finished asynchronous statements", start, peaks));

        server.startSampling();
        start = System.nanoTime();
        concurrentStreams(http, 200, 200_000);
        peaks = server.stopSampling();
        lines.add(memoryRow("200 clients streaming 200,000 rows each at once", start, peaks));
        lines.add("");
    }

    private void scaling(HttpLoad http, ServerProcess server) throws Exception {
        lines.add("## 5. Scaling");
        lines.add("");
        lines.add("| result rows (NDJSON) | seconds | rows/s | peak heap MB | peak RSS MB |");
        lines.add("|---:|---:|---:|---:|---:|");
        for (long size : new long[] {bigRows / 50, bigRows / 5, bigRows}) {
            server.startSampling();
            long start = System.nanoTime();
            http.post("/sluice/v1/query?format=ndjson", body(size));
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] peaks = server.stopSampling();
            lines.add(String.format(Locale.ROOT, "| %,d | %.2f | %,.0f | %.0f | %.0f |", size, seconds, size / seconds,
                    peaks[0] / 1e6, peaks[1] / 1e6));
        }
        lines.add("");
        lines.add("| concurrent clients (1,000,000 rows each, NDJSON) | seconds | total rows/s | peak heap MB | peak RSS MB |");
        lines.add("|---:|---:|---:|---:|---:|");
        for (int clients : new int[] {1, 4, 16, 64}) {
            server.startSampling();
            long start = System.nanoTime();
            concurrentStreams(http, clients, 1_000_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] peaks = server.stopSampling();
            lines.add(String.format(Locale.ROOT, "| %d | %.2f | %,.0f | %.0f | %.0f |", clients, seconds,
                    clients * 1_000_000L / seconds, peaks[0] / 1e6, peaks[1] / 1e6));
        }
    }

    private static void concurrentStreams(HttpLoad http, int clients, long rowsEach) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpLoad.Transfer>> transfers = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                transfers.add(pool.submit(() -> http.post("/sluice/v1/query?format=ndjson", body(rowsEach))));
            }
            for (Future<HttpLoad.Transfer> transfer : transfers) {
                transfer.get();
            }
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private record Load(long[] latencies, double seconds) {
        double p50() {
            return HttpLoad.percentileMillis(latencies, 50);
        }

        double p99() {
            return HttpLoad.percentileMillis(latencies, 99);
        }

        double perSecond() {
            return latencies.length / seconds;
        }

        Measured measured() {
            return new Measured(p50(), p99(), perSecond());
        }
    }

    /** Warm-up, then {@code smallRequests} actions spread over {@code concurrency} virtual threads. */
    private Load load(int concurrency, Action action) throws Exception {
        for (int warmup = 0; warmup < smallRequests; warmup++) {
            action.run();
        }
        long[] latencies = new long[smallRequests];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        // Platform threads: the in-process baseline calls native engine code, which would pin virtual threads.
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            List<Future<?>> workers = new ArrayList<>();
            for (int worker = 0; worker < concurrency; worker++) {
                workers.add(pool.submit(() -> {
                    int index;
                    while ((index = next.getAndIncrement()) < latencies.length) {
                        long begin = System.nanoTime();
                        action.run();
                        latencies[index] = System.nanoTime() - begin;
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        return new Load(latencies, (System.nanoTime() - start) / 1e9);
    }

    private static String body(long rowCount) {
        return bodyWith(rowCount, "");
    }

    private static String bodyWith(long rowCount, String extra) {
        return "{\"sql\": \"" + MIXED_SQL.replace("\"", "\\\"") + "\", \"parameters\": [" + rowCount + "]" + extra + "}";
    }

    private static String row(String name, double seconds, double rate, double megabytesPerSecond, double ratio) {
        return String.format(Locale.ROOT, "| %s | %.2f | %,.0f | %s | %.2f |", name, seconds, rate,
                megabytesPerSecond == 0 ? "–" : String.format(Locale.ROOT, "%.1f", megabytesPerSecond), ratio);
    }

    private static String row(String name, double seconds, double rate, double megabytesPerSecond, double ratio,
            double engineAloneRatio) {
        return row(name, seconds, rate, megabytesPerSecond, ratio) + String.format(Locale.ROOT, " %.2f |", engineAloneRatio);
    }

    private static String memoryRow(String scenario, long startNanos, long[] peaks) {
        return String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.0f |", scenario, (System.nanoTime() - startNanos) / 1e9,
                peaks[0] / 1e6, peaks[1] / 1e6);
    }

    private static String memoryTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kilobytes = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kilobytes / 1024.0 / 1024.0);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }
}
