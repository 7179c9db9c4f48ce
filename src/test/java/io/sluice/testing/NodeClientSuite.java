package io.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * A conformance suite of a vendor's real npm client under src/test/npm/&lt;client&gt;/: its packages locked by a
 * committed package-lock.json, a {@code run.mjs} that lists its scenarios ({@code --list}) and runs one by name
 * (exit 0 when it passes). Each scenario becomes one JUnit test, run by {@code node} with the environment the
 * test gives (the port of the Sluice it started, keys). Node.js is required, not optional: .ci/run installs it
 * and {@code npm ci}s every suite; a local run installs the locked packages when they are missing.
 */
public final class NodeClientSuite {

    /** What one node (or npm) run printed, and how it ended (-1: killed after its time). */
    public record Run(int exitCode, String output) {
    }

    private final Path directory;
    private final String client;

    /** @param client the npm package the suite drives, for messages */
    public NodeClientSuite(Path directory, String client) {
        this.directory = directory;
        this.client = client;
    }

    /** One test per scenario, at least {@code minimum} of them, each run with {@code environment}. */
    public Stream<DynamicTest> scenarios(Map<String, String> environment, int minimum) throws Exception {
        installLockedPackages();
        Run list = node(List.of("run.mjs", "--list"), environment, 30);
        assertThat(list.exitCode()).as("node run.mjs --list:\n" + list.output()).isZero();
        List<String> scenarios = list.output().lines().filter(line -> !line.isBlank()).toList();
        assertThat(scenarios).as("scenarios of the " + client + " suite").hasSizeGreaterThanOrEqualTo(minimum);
        return scenarios.stream().map(scenario -> DynamicTest.dynamicTest(scenario, () -> {
            Run run = node(List.of("run.mjs", scenario), environment, 90);
            if (run.exitCode() != 0) {
                fail(client + " scenario failed: " + scenario + "\n" + run.output());
            }
        }));
    }

    private Run node(List<String> arguments, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return run(builder, timeoutSeconds);
    }

    private static Run run(ProcessBuilder builder, int timeoutSeconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(builder.command().getFirst() + " is required for the npm client conformance tests and"
                    + " could not be started (install Node.js 20 or newer with npm; .ci/run does): " + e.getMessage(), e);
        }
        // Read while it runs: a child that fills the pipe would otherwise block and never exit.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
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
     * The locked packages, installed with {@code npm ci} when they are missing or older than the lockfile; in CI
     * .ci/run has installed them already and nothing runs here. Every suite has a package-lock.json, even one that
     * locks no packages, so .ci/run treats all alike.
     */
    private void installLockedPackages() throws IOException, InterruptedException {
        Path installed = directory.resolve("node_modules").resolve(".package-lock.json");
        Path lock = directory.resolve("package-lock.json");
        if (!Files.readString(lock).contains("\"node_modules/")) {
            return; // a suite of Node.js alone (node:crypto, fetch) locks no packages
        }
        if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return;
        }
        Run install = run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(directory.toFile()).redirectErrorStream(true), 300);
        if (install.exitCode() != 0) {
            throw new AssertionError("npm ci in " + directory + " failed:\n" + install.output());
        }
    }
}
