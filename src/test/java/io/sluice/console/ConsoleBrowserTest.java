package io.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core from console/e2e against a
 * Sluice with the demo data. Screenshots of every step land in target/console-screenshots/.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path data;

    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void signInRunChartCancelInChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) || "true".equals(System.getenv("CI")),
                "Chromium is not installed (.ci/run installs it); skipping the browser test");
        assertThat(Path.of("console", "node_modules", "playwright-core")).as("npm ci ran in the build").isDirectory();
        if (Files.isDirectory(SCREENSHOTS)) {
            try (var old = Files.list(SCREENSHOTS)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(SCREENSHOTS);
        String url = "http://127.0.0.1:" + sluice.server.port() + "/";
        // Another user's statement, for the admin's "all users" list.
        assertThat(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", "SELECT 'bob was here' AS note", "waitMs", 5000),
                sluice.otherUserKey).statusCode()).isEqualTo(200);

        Run run = node("console/e2e/console.e2e.mjs", url, SluiceTestServer.ADMIN_KEY, SCREENSHOTS.toAbsolutePath().toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("PASS sign-in-page", "PASS signed-in", "PASS catalog-browser",
                "PASS completion-table", "PASS completion-column", "PASS grid", "PASS chart-bar", "PASS download-csv",
                "PASS async-result", "PASS grid-100k-bottom", "PASS error-at-line", "PASS cancelled-in-list", "PASS cancelled-streamed",
                "PASS cancelled-from-list", "PASS admin-sees-everyone", "PASS signed-out", "E2E OK");
        for (String step : new String[] {"01-sign-in-page", "07-grid", "08-chart-bar", "11-grid-100k-bottom",
                "12-error-at-line", "14-cancelled-in-list"}) {
            assertThat(SCREENSHOTS.resolve(step + ".png")).isNotEmptyFile();
        }
        // The running statements were really stopped: none of the admin's statements is still running.
        assertThat(sluice.get("/sluice/v1/statements").body()).doesNotContain("\"RUNNING\"");
    }

    record Run(int exitCode, String output) {
    }

    static Run node(String... arguments) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<String>();
        command.add("node");
        command.addAll(java.util.List.of(arguments));
        Path log = Files.createTempFile("console-e2e", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new Run(-1, "timed out after 4 minutes\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(output);
        return new Run(process.exitValue(), output);
    }
}
