package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * npm's trino-client, installed from its lock file (src/test/node/trino-client, {@code npm ci} into
 * target/trino-node once), against a real Sluice on DuckDB over TLS with the key as Basic password: a query
 * iterated through its pages, an error, and a cancel by query id.
 */
class TrinoNodeClientTest {

    private static final Path SOURCES = Path.of("src", "test", "node", "trino-client");
    private static final Path INSTALLED = Path.of("target", "trino-node");

    @TempDir
    static Path data;
    static TlsSluice sluice;

    @BeforeAll
    static void start() throws Exception {
        install();
        sluice = TlsSluice.start(data, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    /** npm ci from the lock file, once per build directory (npm's cache serves it after the first time). */
    private static void install() throws Exception {
        Files.createDirectories(INSTALLED);
        for (String file : List.of("package.json", "package-lock.json", "trino-client.mjs")) {
            Files.copy(SOURCES.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(INSTALLED.resolve("node_modules").resolve("trino-client"))) {
            run(INSTALLED, "npm", "ci", "--no-audit", "--no-fund");
        }
    }

    private static String run(Path directory, String... command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("trino-node", ".stderr");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectError(errors.toFile()).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String message = String.join(" ", command) + " exited " + process.exitValue() + "\n" + output + "\n"
                + Files.readString(errors);
        assertThat(process.exitValue()).as(message).isZero();
        Files.deleteIfExists(errors);
        return output;
    }

    @Test
    void queryIterateErrorAndCancelThroughTheNodeClient() throws Exception {
        Path pem = data.resolve("server.pem");
        run(data, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-exportcert", "-rfc",
                "-alias", "sluice", "-keystore", sluice.keystore().toString(), "-storepass", TlsSluice.PASSWORD,
                "-file", pem.toString());
        String output = run(INSTALLED, "node", "trino-client.mjs", "https://localhost:" + sluice.port(), "admin",
                SluiceTestServer.ADMIN_KEY, pem.toAbsolutePath().toString());
        JsonNode seen = SluiceTestServer.JSON.readTree(output.lines().reduce((first, second) -> second).orElseThrow());
        long rows = 200_000;
        assertThat(seen.path("big").path("rows").asLong()).isEqualTo(rows);
        assertThat(seen.path("big").path("sum").asLong()).isEqualTo(rows * (rows - 1) / 2);
        assertThat(seen.path("big").path("state").asText()).isEqualTo("FINISHED");
        assertThat(seen.path("big").path("error").isNull()).isTrue();
        assertThat(seen.path("big").path("columns").toString()).contains("i:bigint", "s:varchar");
        assertThat(seen.path("error").path("name").asText()).isEqualTo("TABLE_NOT_FOUND");
        assertThat(seen.path("error").path("message").asText()).contains("no_such_table");
        assertThat(seen.path("cancelled").path("error").asText()).isEqualTo("USER_CANCELED");
        assertThat(seen.path("cancelled").path("state").asText()).isEqualTo("FAILED");
    }
}
