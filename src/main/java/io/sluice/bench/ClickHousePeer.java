package io.sluice.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code clickhouse-server} on a free port with a throw-away data directory: the peer of section 11. The
 * benchmark installs the package when it is missing and it runs as root; when ClickHouse cannot be had, the
 * section says why and the rest of the run goes on.
 */
final class ClickHousePeer implements AutoCloseable {

    private static final String SERVER = "clickhouse-server";

    private final Process process;
    final int httpPort;
    final String version;

    private ClickHousePeer(Process process, int httpPort, String version) {
        this.process = process;
        this.httpPort = httpPort;
        this.version = version;
    }

    /** Why ClickHouse cannot run here, or null when it is installed (possibly just now). */
    static String unavailableReason() throws InterruptedException {
        if (ExternalTools.startable(SERVER, "--version")) {
            return null;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "clickhouse-server is not installed, and the benchmark installs it only when it runs as root";
        }
        try {
            ProcessBuilder install = new ProcessBuilder("apt-get", "install", "-y", "-q", "clickhouse-server")
                    .redirectErrorStream(true);
            install.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process apt = install.start();
            String output = new String(apt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!apt.waitFor(15, TimeUnit.MINUTES) || apt.exitValue() != 0) {
                apt.destroyForcibly();
                List<String> lines = output.lines().toList();
                return "`apt-get install clickhouse-server` failed: " + (lines.isEmpty() ? "" : lines.getLast());
            }
        } catch (IOException e) {
            return "clickhouse-server is not installed and apt-get could not run: " + e.getMessage();
        }
        return ExternalTools.startable(SERVER, "--version") ? null : "clickhouse-server did not start after its install";
    }

    static ClickHousePeer start(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory.resolve("data"));
        Files.createDirectories(directory.resolve("tmp"));
        int httpPort = freePort();
        int tcpPort = freePort();
        // The least configuration ClickHouse 18.16 starts with: its own ports on loopback, its files in our
        // directory, one password-less user for loopback clients, default settings otherwise.
        Path users = Files.writeString(directory.resolve("users.xml"), """
                <yandex>
                  <profiles><default></default></profiles>
                  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
                    <profile>default</profile><quota>default</quota></default></users>
                  <quotas><default></default></quotas>
                </yandex>
                """);
        Path config = Files.writeString(directory.resolve("config.xml"), """
                <yandex>
                  <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/error.log</errorlog></logger>
                  <http_port>%2$d</http_port>
                  <tcp_port>%3$d</tcp_port>
                  <listen_host>127.0.0.1</listen_host>
                  <path>%1$s/data/</path>
                  <tmp_path>%1$s/tmp/</tmp_path>
                  <users_config>%4$s</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <mark_cache_size>1073741824</mark_cache_size>
                </yandex>
                """.formatted(directory.toAbsolutePath(), httpPort, tcpPort, users.toAbsolutePath()));
        ProcessBuilder builder = new ProcessBuilder(SERVER, "--config-file=" + config.toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(directory.resolve("console.log").toFile());
        // Timestamps render in UTC, as Sluice's do, so both servers send the same text.
        builder.environment().put("TZ", "UTC");
        Process process = builder.start();
        HttpClient client = HttpClient.newHttpClient();
        for (int attempt = 0; attempt < 300; attempt++) {
            if (!process.isAlive()) {
                throw new IOException("clickhouse-server exited with " + process.exitValue() + "; see " + directory);
            }
            try {
                HttpResponse<String> ping = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/?query=" + URLEncoder.encode("SELECT version()", StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ping.statusCode() == 200) {
                    return new ClickHousePeer(process, httpPort, ping.body().strip());
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("clickhouse-server did not answer within 30 s; see " + directory);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
