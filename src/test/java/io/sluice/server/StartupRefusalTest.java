package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} that cannot start says why in one line on stderr (the port, or the data directory and the pid
 * of the Sluice holding it), exits non-zero, and prints no stack trace anywhere.
 */
class StartupRefusalTest {

    @TempDir
    Path work;

    @Test
    void aDataDirectoryHeldByAnotherSluiceIsNamedWithThatProcess() throws Exception {
        Path data = work.resolve("data");
        try (SluiceTestServer running = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            Refusal refusal = serve("--port", "0", "--data-dir", data.toString());
            assertThat(refusal.stderr()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("sluice: cannot start: ")
                    .contains(data.toAbsolutePath().normalize().toString())
                    .contains("(pid " + ProcessHandle.current().pid() + ")"));
            assertThat(running.get("/health/ready").statusCode()).as("the running Sluice is untouched").isEqualTo(200);
        }
    }

    /** Worked before the data directory lock; kept so the lock's early exit never hides the port's message. */
    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            Refusal refusal = serve("--port", Integer.toString(taken.getLocalPort()), "--data-dir", work.resolve("d").toString());
            assertThat(refusal.stderr()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("sluice: cannot start: ").contains(Integer.toString(taken.getLocalPort())));
        }
    }

    private record Refusal(List<String> stdout, List<String> stderr) {
    }

    private Refusal serve(String... arguments) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(work, "out", ".log");
        Path stderr = Files.createTempFile(work, "err", ".log");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Dlogback.configurationFile=" + Path.of(java.net.URI.create(
                        SluiceConfig.class.getResource("/logback.xml").toString())),
                "-cp", System.getProperty("java.class.path"), "io.sluice.server.SluiceMain", "serve"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the refused server exits").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).isNotZero();
        Refusal refusal = new Refusal(Files.readAllLines(stdout), Files.readAllLines(stderr));
        assertThat(refusal.stdout()).noneMatch(line -> line.contains("\\tat ") || line.contains("\"throwable\":{"));
        assertThat(refusal.stderr()).noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Exception"));
        return refusal;
    }
}
