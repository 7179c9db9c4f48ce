package io.sluice.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Trino for the benchmark ({@code --start-trino}): one coordinator and one worker, each its own JVM with
 * {@code -Xmx2g} and otherwise the JVM's defaults (the tests' Trino runs C1-only with the serial collector, right for a
 * quick start but wrong for a measurement), started from the trino-server-core and plugins the build unpacks for the
 * tests under {@code target/trino}, with the tpch catalog. Stopped when closed.
 */
final class BenchTrino implements AutoCloseable {

    private static final long START_MILLIS = 300_000;

    private final Path home;
    private final Path plugins;
    private final Path run;
    private final int coordinatorPort;
    private final List<Process> nodes = new ArrayList<>();

    private BenchTrino(Path home, Path plugins, Path run) throws IOException {
        this.home = home;
        this.plugins = plugins;
        this.run = run;
        this.coordinatorPort = freePort();
    }

    /**
     * Starts Trino from {@code unpacked} (the directory holding trino-server-core-* and plugins/, by default the
     * target/trino beside the Sluice jar) and waits until it answers with its worker registered.
     */
    static BenchTrino start(Path unpacked, Path work) throws IOException, InterruptedException {
        Path home;
        try (Stream<Path> entries = Files.list(unpacked)) {
            home = entries.filter(path -> path.getFileName().toString().startsWith("trino-server-core-")).findFirst()
                    .orElseThrow(() -> new IOException("no trino-server-core-* under " + unpacked));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no " + unpacked + ": build with tests once (mvn -o test-compile, or ./sluice test) so "
                    + "Maven unpacks Trino there, or pass --trino-home", e);
        }
        BenchTrino trino = new BenchTrino(home, unpacked.resolve("plugins"), Files.createDirectories(work.resolve("trino")));
        try {
            trino.nodes.add(trino.launch("coordinator", trino.coordinatorPort, true));
            trino.nodes.add(trino.launch("worker", freePort(), false));
            trino.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            trino.close();
            throw e;
        }
        return trino;
    }

    /** The unpacked Trino the tests use: target/trino beside the jar (or the classes directory) this runs from. */
    static Path defaultHome() {
        try {
            Path code = Path.of(BenchTrino.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("trino");
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of("target", "trino");
        }
    }

    String url() {
        return "http://127.0.0.1:" + coordinatorPort;
    }

    private Process launch(String node, int port, boolean coordinator) throws IOException {
        Path directory = Files.createDirectories(run.resolve(node));
        Path catalogs = Files.createDirectories(directory.resolve("catalog"));
        Files.writeString(catalogs.resolve("tpch.properties"), "connector.name=tpch\n");
        Files.writeString(directory.resolve("config.properties"), String.join("\n",
                "coordinator=" + coordinator,
                coordinator ? "node-scheduler.include-coordinator=false" : "",
                "http-server.http.port=" + port,
                "discovery.uri=http://127.0.0.1:" + coordinatorPort,
                "node.environment=sluicebench",
                "node.id=" + node,
                "node.internal-address=127.0.0.1",
                "plugin.dir=" + plugins,
                "catalog.config-dir=" + catalogs,
                "") + "\n");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "--enable-native-access=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true",
                "-Dconfig=" + directory.resolve("config.properties"), "-cp", home.resolve("lib") + "/*",
                "io.trino.server.TrinoServer");
        return new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("server.log").toFile()).start();
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + START_MILLIS;
        SQLException last = null;
        Properties properties = new Properties();
        properties.setProperty("user", "bench");
        while (System.currentTimeMillis() < deadline) {
            for (Process node : nodes) {
                if (!node.isAlive()) {
                    throw new IOException("Trino exited while starting; see the server.log files under " + run);
                }
            }
            try (Connection connection = DriverManager.getConnection("jdbc:trino://127.0.0.1:" + coordinatorPort, properties);
                 Statement statement = connection.createStatement();
                 ResultSet workers = statement.executeQuery(
                         "SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'")) {
                if (workers.next() && workers.getLong(1) >= 1) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw new IOException("Trino did not become ready within " + START_MILLIS / 1000 + " s; see " + run, last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process node : nodes.reversed()) {
            node.destroy();
        }
        for (Process node : nodes) {
            try {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
