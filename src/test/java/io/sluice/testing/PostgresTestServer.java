package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL from the Debian package (/usr/lib/postgresql/&lt;version&gt;/bin), started by the tests in
 * a temporary directory on a free port, its unix socket in that directory too. PostgreSQL refuses to run
 * as root, so as root every server command runs through {@code runuser -u postgres --}. One server per
 * test JVM ({@link #shared()}) serves the cluster tests, each class in a fresh database; a test that stops
 * the server starts a private one ({@link #startPrivate()}).
 */
public final class PostgresTestServer implements AutoCloseable {

    private static PostgresTestServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path root;
    private final Path data;
    private final Path socket;
    private final int port;

    private PostgresTestServer() {
        try {
            root = Files.createTempDirectory("sluice-pg-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            data = root.resolve("data");
            socket = root.resolve("socket");
            Files.createDirectories(socket);
            port = freePort();
            if (runningAsRoot()) {
                run("chown", "postgres:postgres", socket.toString(), root.toString());
            }
            runAsPostgres(binary("initdb"), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync");
            start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL for the tests", e);
        }
    }

    /** The server every cluster test in this JVM shares; stopped when the JVM exits. */
    public static synchronized PostgresTestServer shared() {
        if (shared == null) {
            shared = new PostgresTestServer();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A server of its own, for a test that stops and restarts it. */
    public static PostgresTestServer startPrivate() {
        return new PostgresTestServer();
    }

    /** Starts (or restarts) the server and waits until it accepts connections. */
    public void start() {
        runAsPostgres(binary("pg_ctl"), "-D", data.toString(), "-l", root.resolve("postgres.log").toString(), "-w",
                "-t", "60", "-o", "-p " + port + " -k " + socket + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start");
    }

    /** Stops the server at once, dropping every connection (fast shutdown). */
    public void stop() {
        runAsPostgres(binary("pg_ctl"), "-D", data.toString(), "-w", "-t", "60", "-m", "fast", "stop");
    }

    /** A new, empty database; its JDBC URL. */
    public String createDatabase(String prefix) {
        String name = prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "")) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        try {
            run("rm", "-rf", root.toString());
        } catch (RuntimeException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static String binary(String name) {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            Path bin = versions.sorted(java.util.Comparator.reverseOrder()).map(v -> v.resolve("bin").resolve(name))
                    .filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql (install the Debian package postgresql)"));
            return bin.toString();
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL is not installed (the Debian package postgresql)", e);
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void runAsPostgres(String... command) {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private void run(String... command) {
        try {
            Path log = Files.createTempFile(root == null ? Path.of(System.getProperty("java.io.tmpdir")) : root, "cmd-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(root.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
