package io.sluice.protocol.ksql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real npm client, {@code ksqldb-client} 1.0.5 (locked in src/test/npm/ksqldb/package-lock.json), driven
 * through its public API against a Sluice started here: each scenario in src/test/npm/ksqldb/scenarios.mjs is one
 * test, run by {@code node run.mjs <scenario>}. Node.js and the locked packages are required, not optional:
 * .ci/run installs them, and a local run installs the locked packages with {@code npm ci} when they are missing.
 */
class KsqldbClientConformanceTest {

    private static final Path CLIENT = Path.of("src", "test", "npm", "ksqldb");
    /** Small enough that the oversized-body scenario sends little, large enough for every other request. */
    private static final long MAX_REQUEST_BYTES = 256 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() throws Exception {
        installLockedPackages();
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), MAX_REQUEST_BYTES,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), false);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> ksqldbClientScenarios() throws Exception {
        Run list = node(List.of("run.mjs", "--list"), 30);
        assertThat(list.exitCode()).as("node run.mjs --list:\n" + list.output()).isZero();
        List<String> scenarios = list.output().lines().filter(line -> !line.isBlank()).toList();
        assertThat(scenarios).as("scenarios in scenarios.mjs").hasSizeGreaterThanOrEqualTo(15);
        return scenarios.stream().map(scenario -> DynamicTest.dynamicTest(scenario, () -> {
            Run run = node(List.of("run.mjs", scenario), 90);
            if (run.exitCode() != 0) {
                fail("ksqldb-client scenario failed: " + scenario + "\n" + run.output());
            }
        }));
    }

    private record Run(int exitCode, String output) {
    }

    private static Run node(List<String> arguments, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("node"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true);
        if (sluice != null) {
            builder.environment().put("SLUICE_PORT", Integer.toString(sluice.server.port()));
            builder.environment().put("SLUICE_KEY", SluiceTestServer.ADMIN_KEY);
            builder.environment().put("SLUICE_MAX_REQUEST_BYTES", Long.toString(MAX_REQUEST_BYTES));
        }
        return run(builder, timeoutSeconds);
    }

    private static Run run(ProcessBuilder builder, int timeoutSeconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(builder.command().getFirst() + " is required for the ksqldb-client conformance tests and"
                    + " could not be started (install Node.js 20 or newer with npm; .ci/run does): " + e.getMessage(), e);
        }
        // Read while it runs: a child that fills the pipe would otherwise block and never exit.
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return new Run(-1, "timed out after " + timeoutSeconds + " s\n" + output.join());
        }
        return new Run(process.exitValue(), output.join());
    }

    /**
     * The locked packages, installed with {@code npm ci} when they are missing or older than the lockfile, as
     * console/build.sh does for the console; in CI .ci/run has installed them already and nothing runs here.
     */
    private static void installLockedPackages() throws IOException, InterruptedException {
        Path installed = CLIENT.resolve("node_modules").resolve(".package-lock.json");
        Path lock = CLIENT.resolve("package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return;
        }
        Run install = run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(CLIENT.toFile()).redirectErrorStream(true), 300);
        if (install.exitCode() != 0) {
            throw new AssertionError("npm ci in " + CLIENT + " failed:\n" + install.output());
        }
    }
}
