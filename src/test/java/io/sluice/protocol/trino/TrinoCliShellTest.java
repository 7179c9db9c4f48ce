package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trino-cli's interactive session on a real pseudo-terminal (tmux, 120 columns by 40 rows), as its users run it,
 * against a real Sluice on DuckDB over TLS: USE changes the prompt and the schema the following statements
 * resolve in, SET SESSION shows in SHOW SESSION, and Ctrl-C during a long query stops it on the server and
 * brings the prompt back with the session as it was.
 */
class TrinoCliShellTest {

    @TempDir
    static Path data;
    static TlsSluice sluice;
    static String catalog;

    @TempDir
    Path home;

    private final String socket = "trino-cli-test-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(available("tmux", "-V"), "needs tmux");
        sluice = TlsSluice.start(data, Duration.ofSeconds(30));
        try (Connection connection = jdbc(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA cli_shop");
            statement.execute("CREATE TABLE cli_shop.baskets AS SELECT i AS id FROM range(7) t(i)");
            try (ResultSet rows = statement.executeQuery("SELECT current_database()")) {
                rows.next();
                catalog = rows.getString(1);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @AfterEach
    void endTmux() throws Exception {
        tmux("kill-server");
    }

    static Connection jdbc() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", sluice.keystore().toString());
        properties.setProperty("SSLTrustStorePassword", TlsSluice.PASSWORD);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
        properties.setProperty("user", "admin");
        properties.setProperty("accessToken", SluiceTestServer.ADMIN_KEY);
        return DriverManager.getConnection("jdbc:trino://localhost:" + sluice.port(), properties);
    }

    @Test
    void useSetSessionAndCtrlCInAnInteractiveSession() throws Exception {
        Path jar = Path.of("target", "trino-cli", "trino-cli.jar").toAbsolutePath();
        assertThat(jar).as("the build copies trino-cli's executable jar here").exists();
        Path script = home.resolve("trino.sh");
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --enable-native-access=ALL-UNNAMED -Duser.home='" + home + "' -jar '" + jar + "' --server https://localhost:" + sluice.port()
                + " --truststore-path '" + sluice.keystore() + "' --truststore-password " + TlsSluice.PASSWORD
                + " --truststore-type PKCS12 --user admin --access-token " + SluiceTestServer.ADMIN_KEY
                + " --catalog " + catalog + " --schema main\n");
        script.toFile().setExecutable(true);
        // No pager: a row wider than the terminal would otherwise open less.
        assertThat(tmux("new-session", "-d", "-x", "120", "-y", "40", "-e", "TRINO_PAGER=cat", script.toString())).isZero();
        screen(text -> text.contains("trino:main>"));

        // USE: the prompt follows, and unqualified names resolve in the new schema, statement after statement.
        type("USE cli_shop;");
        // Just the update type, as trino-cli shows it for Trino, and the prompt names the new schema. No query summary
        // ("Query …, FINISHED, 1 node" and its splits): Trino runs USE on no node, and trino-cli prints none for it.
        assertThat(after(screen(text -> text.contains("trino:cli_shop>")), "USE cli_shop")).contains("\nUSE\n")
                .doesNotContain("result").doesNotContain("FINISHED").doesNotContain("Splits");
        type("SELECT count(*) AS baskets FROM baskets;");
        assertThat(screen(text -> after(text, "FROM baskets").contains("(1 row)")))
                .containsPattern("baskets\\s*\\n-+\\s*\\n\\s*7\\s*\\n");
        type("SHOW TABLES;");
        assertThat(screen(text -> after(text, "SHOW TABLES").contains("(1 row)"))).contains(" baskets");

        type("SET SESSION query_max_run_time = '7m';");
        // The answer, then the next prompt (the prompt before the statement reads the same, so wait for the answer).
        assertThat(after(screen(text -> after(text, "\nSET SESSION\n").contains("trino:cli_shop>")), "SET SESSION query_max"))
                .contains("\nSET SESSION\n").doesNotContain("FINISHED");
        type("SHOW SESSION LIKE 'query_max%';");
        screen(text -> after(text, "SHOW SESSION").contains("(1 row)"));
        assertThat(after(capture(), "SHOW SESSION")).contains("query_max_run_time").contains("7m");

        // Ctrl-C during a long query: the client cancels it and the prompt comes back in the same schema.
        type("SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0;");
        screen(text -> after(text, "range(100000000000)").contains("RUNNING"));
        long before = runningStatements();
        assertThat(before).isPositive();
        tmux("send-keys", "C-c");
        screen(text -> after(text, "range(100000000000)").contains("trino:cli_shop>"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (runningStatements() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(runningStatements()).as("the cancelled statement stopped on the server").isZero();
        type("SELECT max(id) AS highest FROM baskets;");
        assertThat(screen(text -> after(text, "max(id)").contains("(1 row)"))).containsPattern("highest\\s*\\n-+\\s*\\n\\s*6\\s*\\n");
        type("quit");
    }

    /** The long query's statements running on the server now (the admin's listing of every statement). */
    private static long runningStatements() throws Exception {
        long running = 0;
        for (com.fasterxml.jackson.databind.JsonNode statement : SluiceTestServer.JSON.readTree(
                sluice.adminRequest("GET", "/sluice/v1/statements?all=true&limit=50", null)).get("statements")) {
            if (statement.path("sql").asText().contains("range(100000000000)")
                    && statement.path("state").asText().matches("QUEUED|RUNNING")) {
                running++;
            }
        }
        return running;
    }

    /** Types a line and Enter; a trailing semicolon is sent as tmux's escaped one (a bare one ends tmux's command). */
    private void type(String line) throws Exception {
        boolean statement = line.endsWith(";");
        tmux("send-keys", "-l", statement ? line.substring(0, line.length() - 1) : line);
        if (statement) {
            tmux("send-keys", "\\;");
        }
        tmux("send-keys", "Enter");
    }

    /** The screen after the last line that shows {@code marker}. */
    private static String after(String text, String marker) {
        int at = text.lastIndexOf(marker);
        return at < 0 ? "" : text.substring(at);
    }

    private String screen(Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = capture();
            if (ready.test(text)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the screen never showed what was expected; it shows:\n" + text);
    }

    private String capture() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-S", "-400")
                .redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return text.lines().map(String::stripTrailing).reduce("", (all, line) -> all + line + "\n");
    }

    private int tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor(20, TimeUnit.SECONDS);
        return process.exitValue();
    }

    private static boolean available(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
