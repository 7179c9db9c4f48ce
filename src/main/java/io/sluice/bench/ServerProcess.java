package io.sluice.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sluice server in its own JVM (with its own heap limit), so its memory can be measured apart from the
 * benchmark client and the in-process baseline: peak RSS from /proc, heap from its Prometheus metrics.
 */
final class ServerProcess implements AutoCloseable {

    static final String KEY = "benchadmin.bench-secret-0123456789";
    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+]+)$", Pattern.MULTILINE);

    private final Process process;
    final int port;
    private final boolean tls;
    private final HttpClient client;
    private volatile Thread sampler;
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong();

    ServerProcess(Path dataDirectory, String maxHeap) throws IOException, InterruptedException {
        this(dataDirectory, maxHeap, System.getProperty("java.class.path"), "", List.of());
    }

    /**
     * @param classpath this build's by default, another build's for a before/after comparison in one run
     * @param extraConfig more lines for the server's properties file (e.g. the Trino engine's keys)
     * @param extraJavaOptions more JVM options for the server (e.g. a JFR recording while profiling)
     */
    ServerProcess(Path dataDirectory, String maxHeap, String classpath, String extraConfig, List<String> extraJavaOptions)
            throws IOException, InterruptedException {
        this(dataDirectory, maxHeap, classpath, extraConfig, extraJavaOptions, null);
    }

    /** @param tls the certificate the server serves HTTPS with (its port then speaks only TLS); null for cleartext */
    ServerProcess(Path dataDirectory, String maxHeap, String classpath, String extraConfig, List<String> extraJavaOptions,
                  BenchTls tls) throws IOException, InterruptedException {
        this.tls = tls != null;
        try {
            client = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls.clientContext()).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot trust the benchmark's certificate", e);
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dataDirectory);
        Path config = dataDirectory.resolve("bench.properties");
        // Enough slots that 200 clients really stream at once instead of waiting in the queue, and principal
        // limits above the load the benchmark itself generates with one key.
        Files.writeString(config, "statements.maxRunning=256\nstatements.maxQueued=1024\nhttp.idleTimeoutMs=600000\n"
                + "limits.principalConcurrent=1024\nlimits.principalPerMinute=100000000\n" + extraConfig
                + (tls == null ? "" : tls.serverConfig()));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Darrow.enable_unsafe_memory_access=true",
                "-Darrow.enable_null_check_for_get=false"));
        command.addAll(extraJavaOptions);
        command.addAll(List.of("-cp", classpath, "io.sluice.server.SluiceMain", "serve", "--port", Integer.toString(port),
                "--data-dir", dataDirectory.toString(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDirectory.resolve("server.log").toFile());
        builder.environment().put("SLUICE_ADMIN_API_KEY", KEY);
        process = builder.start();
        waitUntilReady();
    }

    URI uri(String path) {
        // The certificate names localhost, which the client checks against the host it asked for.
        return URI.create(tls ? "https://localhost:" + port + path : "http://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    /** Starts sampling heap and RSS every 100 ms; {@link #stopSampling()} returns the peaks. */
    void startSampling() {
        peakHeap.set(0);
        peakRss.set(0);
        Thread thread = Thread.ofPlatform().daemon().name("bench-memory-sampler").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sampleOnce();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler = thread;
    }

    long[] stopSampling() throws InterruptedException {
        Thread thread = sampler;
        thread.interrupt();
        thread.join();
        sampleOnce();
        return new long[] {peakHeap.get(), peakRss.get()};
    }

    private void sampleOnce() {
        try {
            peakRss.accumulateAndGet(treeResidentBytes(process.toHandle()), Math::max);
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(uri("/metrics?name%5B%5D=jvm_memory_used_bytes"))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            Matcher heap = HEAP_USED.matcher(metrics.body());
            long used = 0;
            while (heap.find()) {
                used += (long) Double.parseDouble(heap.group(1));
            }
            peakHeap.accumulateAndGet(used, Math::max);
        } catch (IOException | RuntimeException e) {
            // a sample may fail while the server is saturated; the next one counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Resident bytes of a process and all its descendants: the server's engine processes count, or the figure
     * would leave out the memory the engine uses since it runs outside the server's JVM.
     */
    static long treeResidentBytes(ProcessHandle root) {
        long total = residentBytes(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            total += residentBytes(child.pid());
        }
        return total;
    }

    private static long residentBytes(long pid) {
        try {
            Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void waitUntilReady() throws InterruptedException, IOException {
        for (int attempt = 0; attempt < 600; attempt++) {
            if (!process.isAlive()) {
                throw new IOException("the benchmark server exited with " + process.exitValue());
            }
            try {
                if (client.send(HttpRequest.newBuilder(uri("/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IOException("the benchmark server did not become ready");
    }


    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
