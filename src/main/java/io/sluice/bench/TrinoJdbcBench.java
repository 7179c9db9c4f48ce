package io.sluice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Section 8b of the benchmarks: trino-jdbc, the client every Trino BI tool is built on, as the client of all three
 * (issue 20, item 6): (a) Trino directly, (b) Sluice's Trino protocol with the tpch catalog served by that Trino,
 * (c) Sluice's Trino protocol on its embedded DuckDB, the same rows copied into a local table first. Each reads a
 * large {@code SELECT *} value by value, and runs {@code SELECT 1} one after another for its latency. Sluice serves
 * HTTPS, since trino-jdbc sends an access token only over TLS; Trino is asked over plain HTTP, as it has no users here.
 */
final class TrinoJdbcBench {

    private static final String USER = "admin";

    private final String trinoUrl;
    private final Path work;
    private final long rows;
    private final int selectOneRuns;
    private final int rounds;
    private final boolean trinoStartedHere;

    /** @param trinoStartedHere whether the benchmark started that Trino itself ({@link BenchTrino}), for the report */
    TrinoJdbcBench(String trinoUrl, boolean trinoStartedHere, Path work, long rows, int selectOneRuns, int rounds) {
        this.trinoUrl = trinoUrl;
        this.trinoStartedHere = trinoStartedHere;
        this.work = work;
        this.rows = rows;
        this.selectOneRuns = selectOneRuns;
        this.rounds = rounds;
    }

    /** One client's figures. */
    private record Figures(String name, double seconds, long rows, double p50, double p99) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** How one of the three is reached. */
    @FunctionalInterface
    private interface Connector {
        Connection connect() throws SQLException;
    }

    List<String> measure() throws Exception {
        List<String> lines = new ArrayList<>();
        String loadBefore = loadAverage();
        String big = "SELECT * FROM " + TrinoBench.TABLE + " LIMIT " + rows;
        Path data = work.resolve("trino-jdbc-bench-server");
        Files.createDirectories(data.resolve("engine"));
        Connector direct = () -> DriverManager.getConnection(trinoUrl.replaceFirst("^http://", "jdbc:trino://"), user());
        String copied = copyOnce(direct, big, data.resolve("engine").resolve("sluice.duckdb"));
        BenchTls tls = BenchTls.generate(work.resolve("trino-jdbc-bench-tls"));
        List<Figures> figures = new ArrayList<>();
        try (ServerProcess server = new ServerProcess(data, "512m", System.getProperty("java.class.path"),
                "engines.trino.url=" + trinoUrl + "\nengines.trino.catalogs=tpch\n", List.of(), tls)) {
            String sluice = "jdbc:trino://localhost:" + server.port;
            Properties viaSluice = user();
            viaSluice.setProperty("accessToken", ServerProcess.KEY);
            tls.addTo(viaSluice);
            Connector onTrino = () -> DriverManager.getConnection(sluice + "/tpch/sf2", viaSluice);
            Connector onDuckDb = () -> DriverManager.getConnection(sluice, viaSluice);
            record Client(String name, Connector connector, String sql) {
            }
            List<Client> clients = List.of(new Client("(a) Trino directly, HTTP", direct, big),
                    new Client("(b) Sluice on Trino, HTTPS", onTrino, big),
                    new Client("(c) Sluice on DuckDB, HTTPS", onDuckDb, "SELECT * FROM lineitem LIMIT " + rows));
            // Each client warms up on a tenth of the rows, then the rounds take turns (a, b, c, a, b, c…), so a
            // slower minute of the shared machine falls on all three alike; the fastest round of each counts.
            double[] seconds = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            long[] read = new long[3];
            for (Client client : clients) {
                fetch(client.connector(), client.sql().replace("LIMIT " + rows, "LIMIT " + Math.max(1, rows / 10)));
            }
            for (int round = 0; round < rounds; round++) {
                for (int index = 0; index < clients.size(); index++) {
                    long start = System.nanoTime();
                    read[index] = fetch(clients.get(index).connector(), clients.get(index).sql());
                    seconds[index] = Math.min(seconds[index], (System.nanoTime() - start) / 1e9);
                }
            }
            for (int index = 0; index < clients.size(); index++) {
                long[] latencies = selectOne(clients.get(index).connector());
                figures.add(new Figures(clients.get(index).name(), seconds[index], read[index],
                        HttpLoad.percentileMillis(latencies, 50), HttpLoad.percentileMillis(latencies, 99)));
            }
        }
        Figures trino = figures.get(0);
        lines.add("## 8b. Trino protocol: trino-jdbc as the client of all three");
        lines.add("");
        lines.add("trino-jdbc " + trinoJdbcVersion() + " in the benchmark's JVM is the client of (a) Trino at " + trinoUrl
                + (trinoStartedHere ? " (started by the benchmark from the tests' unpacked trino-server-core: one coordinator "
                        + "and one worker, -Xmx2g each, the JVM's default JIT and collector, tpch connector)"
                        : " (started by hand, with the tpch catalog)") + " over plain HTTP; (b) Sluice's Trino protocol (`POST /v1/statement`) with `engines.trino.catalogs=tpch`, so the "
                + "statement goes on to that Trino; (c) the same Sluice on its embedded DuckDB. Sluice runs in its own JVM "
                + "(-Xmx512m) and serves **HTTPS** (a self-signed certificate, `http.tls.keystore`): trino-jdbc sends the "
                + "access token only over TLS. So (b) and (c) pay for TLS, (a) does not. Large result: `SELECT * FROM "
                + TrinoBench.TABLE + " LIMIT " + String.format(Locale.ROOT, "%,d", rows) + "` (16 columns), every value read "
                + "with getObject; for (c) " + copied + " Each client warms up on a tenth of the rows, then " + rounds
                + " round(s) take turns a, b, c; the fastest round counts. `SELECT 1`: " + selectOneRuns
                + " statements one after another on one connection after " + warmUps() + " unmeasured ones. Load average "
                + "(1, 5, 15 min) " + loadBefore + " before and " + loadAverage() + " after: two cores shared by Trino's two "
                + "JVMs, Sluice, the client and whatever else ran on the machine.");
        lines.add("");
        lines.add("| trino-jdbc against | large result s | rows/s | rows/s against (a) | `SELECT 1` p50 ms | `SELECT 1` p99 ms |");
        lines.add("|---|---:|---:|---:|---:|---:|");
        for (Figures row : figures) {
            lines.add(String.format(Locale.ROOT, "| %s | %.2f | %,.0f | %.2f× | %.2f | %.2f |", row.name(), row.seconds(),
                    row.rowsPerSecond(), row.rowsPerSecond() / trino.rowsPerSecond(), row.p50(), row.p99()));
        }
        lines.add("");
        double onTrino = figures.get(1).rowsPerSecond() / trino.rowsPerSecond();
        double onDuckDb = figures.get(2).rowsPerSecond() / trino.rowsPerSecond();
        lines.add(String.format(Locale.ROOT, "**Targets.** (c) at least 3× (a) for the large result: %.2f×, **%s**. "
                + "(b) within 10%% of (a): %.2f, **%s**.", onDuckDb, onDuckDb >= 3 ? "met" : "missed", onTrino,
                onTrino >= 0.9 ? "met" : "missed"));
        lines.add("");
        return lines;
    }

    private static Properties user() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return properties;
    }

    /** Reads every value of {@code sql}'s result; the number of rows. */
    private static long fetch(Connector connector, String sql) throws SQLException {
        long count = 0;
        long values = 0;
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                for (int column = 1; column <= columns; column++) {
                    values += result.getObject(column) == null ? 0 : 1;
                }
                count++;
            }
        }
        if (values < 0) {
            throw new IllegalStateException("unreachable");
        }
        return count;
    }

    private int warmUps() {
        return Math.max(100, selectOneRuns / 4);
    }

    /** {@code SELECT 1} round trips on one connection, after a warm-up; each one's nanoseconds. */
    private long[] selectOne(Connector connector) throws SQLException {
        long[] latencies = new long[selectOneRuns];
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement()) {
            for (int run = -warmUps(); run < selectOneRuns; run++) {
                long start = System.nanoTime();
                try (ResultSet result = statement.executeQuery("SELECT 1")) {
                    if (!result.next() || result.getInt(1) != 1) {
                        throw new IllegalStateException("SELECT 1 did not answer 1");
                    }
                }
                if (run >= 0) {
                    latencies[run] = System.nanoTime() - start;
                }
            }
        }
        return latencies;
    }

    /**
     * The rows of {@code select} copied from Trino into {@code lineitem} of the DuckDB file the Sluice server opens, unless
     * an earlier run in the same work directory left exactly that many rows there; says which.
     */
    private String copyOnce(Connector trino, String select, Path databaseFile) throws SQLException {
        if (Files.exists(databaseFile)) {
            try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:" + databaseFile.toAbsolutePath());
                 Statement statement = duckDb.createStatement();
                 ResultSet count = statement.executeQuery("SELECT count(*) FROM lineitem")) {
                if (count.next() && count.getLong(1) == rows) {
                    return "the rows were copied from Trino into a local DuckDB table by an earlier run in the same work directory.";
                }
            } catch (SQLException noTableYet) {
                // copy below
            }
        }
        try (Connection connection = trino.connect()) {
            double seconds = TrinoBench.copyIntoDuckDb(connection, select, databaseFile);
            return String.format(Locale.ROOT, "the rows Trino returned for the same statement were copied into a local DuckDB "
                    + "table first (trino-jdbc → DuckDB appender, %.1f s), so (c) reads the same rows.", seconds);
        }
    }

    private static String trinoJdbcVersion() {
        Package driver = io.trino.jdbc.TrinoDriver.class.getPackage();
        return driver == null || driver.getImplementationVersion() == null ? "" : driver.getImplementationVersion();
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
