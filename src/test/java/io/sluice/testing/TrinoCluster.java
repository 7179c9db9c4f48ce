package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Trino for the Trino tests: one coordinator and one worker, two JVMs started from the server core and
 * the tpch and memory connector plugins that the build resolved from Maven Central and unpacked under
 * {@code target/trino} (maven-dependency-plugin, {@code unpack-trino-for-tests}). Started once per test JVM on
 * free ports with a modest heap, shared by every Trino test, and stopped when the JVM exits. The catalogs are
 * {@code tpch} (generated TPC-H data) and {@code memory} (writable tables).
 */
public final class TrinoCluster {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static TrinoCluster shared;

    private final Path home;
    private final Path plugins;
    private final Path runDirectory;
    private final int coordinatorPort;
    private final int workerPort;
    private Process coordinator;
    private Process worker;

    private TrinoCluster(int externalPort) {
        this.home = null;
        this.plugins = null;
        this.runDirectory = null;
        this.coordinatorPort = externalPort;
        this.workerPort = -1;
    }

    /** False for a Trino this class did not start, which it cannot stop or restart. */
    public boolean managed() {
        return home != null;
    }

    private TrinoCluster(Path home, Path plugins, Path runDirectory) {
        this.home = home;
        this.plugins = plugins;
        this.runDirectory = runDirectory;
        this.coordinatorPort = freePort();
        this.workerPort = freePort();
    }

    /**
     * The cluster of this JVM, started on first use. {@code -Dsluice.test.trinoUrl=http://host:port} uses a Trino
     * that is already running instead (quicker while developing; the tests that restart Trino then skip).
     */
    public static synchronized TrinoCluster shared() {
        String external = System.getProperty("sluice.test.trinoUrl");
        if (shared == null && external != null && !external.isBlank()) {
            shared = new TrinoCluster(java.net.URI.create(external).getPort());
        }
        if (shared == null) {
            Path target = Path.of("target", "trino").toAbsolutePath();
            Path home;
            try (Stream<Path> entries = Files.list(target)) {
                home = entries.filter(path -> path.getFileName().toString().startsWith("trino-server-core-")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no trino-server-core under " + target
                                + "; run the build (mvn verify) so maven-dependency-plugin unpacks it"));
            } catch (IOException e) {
                throw new UncheckedIOException("no " + target + "; run the build (mvn verify) so Trino is unpacked", e);
            }
            Path run;
            try {
                run = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trino-run-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TrinoCluster cluster = new TrinoCluster(home, target.resolve("plugins"), run);
            cluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "trino-cluster-stop"));
            shared = cluster;
        }
        return shared;
    }

    /** {@code http://127.0.0.1:port} of the coordinator. */
    public String url() {
        return "http://127.0.0.1:" + coordinatorPort;
    }

    public String jdbcUrl() {
        return "jdbc:trino://127.0.0.1:" + coordinatorPort;
    }

    private synchronized void start() {
        coordinator = launch("coordinator", coordinatorPort, true);
        worker = launch("worker", workerPort, false);
        awaitReady();
    }

    /** Kills the coordinator at once (SIGKILL, as a crash), leaving the worker running. */
    public synchronized void killCoordinator() {
        coordinator.destroyForcibly();
        try {
            coordinator.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the coordinator again on the same port and waits until the worker has registered with it. */
    public synchronized void restartCoordinator() {
        coordinator = launch("coordinator", coordinatorPort, true);
        awaitReady();
    }

    public synchronized void stop() {
        for (Process process : new Process[] {worker, coordinator}) {
            if (process != null && process.isAlive()) {
                process.destroy();
            }
        }
        for (Process process : new Process[] {worker, coordinator}) {
            try {
                if (process != null && !process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs SQL directly on Trino (not through Sluice), as {@code user}. */
    public List<List<String>> query(String user, String sql) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), properties);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<List<String>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(rows.getString(column));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("Trino query failed: " + sql, e);
        }
    }

    private Process launch(String node, int port, boolean isCoordinator) {
        Path directory = runDirectory.resolve(node);
        Path catalogs = directory.resolve("catalog");
        try {
            Files.createDirectories(catalogs);
            Files.writeString(catalogs.resolve("tpch.properties"), "connector.name=tpch\n");
            Files.writeString(catalogs.resolve("memory.properties"), "connector.name=memory\nmemory.max-data-per-node=256MB\n");
            String config = String.join("\n",
                    "coordinator=" + isCoordinator,
                    isCoordinator ? "node-scheduler.include-coordinator=false" : "",
                    "http-server.http.port=" + port,
                    "discovery.uri=http://127.0.0.1:" + coordinatorPort,
                    "node.environment=sluicetest",
                    "node.id=" + node,
                    "node.internal-address=127.0.0.1",
                    "plugin.dir=" + plugins,
                    "catalog.config-dir=" + catalogs,
                    "query.max-memory=512MB",
                    "query.max-memory-per-node=256MB",
                    // Two small cores are shared with the build: few threads, and no waiting for more workers.
                    "task.concurrency=2",
                    "task.max-worker-threads=4",
                    "query.min-expire-age=30m",
                    "") + "\n";
            Files.writeString(directory.resolve("config.properties"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true",
                "-Dconfig=" + directory.resolve("config.properties"),
                "-cp", home.resolve("lib") + "/*", "io.trino.server.TrinoServer");
        try {
            return new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("server.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Trino " + node, e);
        }
    }

    /** Waits until the coordinator answers queries with the worker registered, so tests never race its start. */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!coordinator.isAlive() || !worker.isAlive()) {
                throw new IllegalStateException("Trino exited during start; see " + runDirectory);
            }
            try {
                List<List<String>> workers = query("sluice-test",
                        "SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'");
                if (Integer.parseInt(workers.getFirst().getFirst()) >= 1) {
                    query("sluice-test", "SELECT count(*) FROM tpch.tiny.region");
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Trino did not become ready within " + START_TIMEOUT + "; see " + runDirectory, last);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
