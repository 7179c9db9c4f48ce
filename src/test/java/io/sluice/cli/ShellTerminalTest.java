package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell on a real pseudo-terminal (tmux, 80 columns by 20 rows), against a real Sluice:
 * Tab completion of keywords, tables and columns, tables that fit the terminal, expanded auto, the pager,
 * and a history file only its owner can read.
 */
class ShellTerminalTest {

    @TempDir
    static Path data;

    @TempDir
    Path home;

    static SluiceTestServer sluice;
    private final String socket = "sluice-test-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        assumeTrue(available("tmux", "-V"), "needs tmux");
        sluice = SluiceTestServer.start(data);
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

    @Test
    void completesShowsFittingTablesPagesAndKeepsAPrivateHistory() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path script = home.resolve("shell.sh");
        // The flags the launcher and the jar's manifest give; a private home for the history file.
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -Duser.home='" + home
                + "' -cp '" + System.getProperty("java.class.path") + "' io.sluice.cli.SqlMain --url http://127.0.0.1:"
                + sluice.server.port() + " --key " + SluiceTestServer.ADMIN_KEY + "\n");
        script.toFile().setExecutable(true);
        assertThat(tmux("new-session", "-d", "-x", "80", "-y", "20", "-e", "PAGER=less -FRSX", script.toString())).isZero();
        screen(text -> text.contains("sluice>"));

        // The names load in the background after the prompt shows: Tab again until they are there.
        tmux("send-keys", "SELECT chan");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!capture().contains("sluice> SELECT channel") && System.nanoTime() < deadline) {
            tmux("send-keys", "Tab");
            Thread.sleep(500);
        }
        tmux("send-keys", " FROM wikiped", "Tab");
        screen(text -> text.contains("FROM wikipedia"));
        tmux("send-keys", " GROUP BY 1 ORDER BY 1 LIMIT 2\\;", "Enter");
        String table = screen(text -> text.contains("(2 rows)"));
        assertThat(table).containsPattern("\nchannel\n-+\n#\\S+\n#\\S+\n\\(2 rows\\)\n");

        tmux("send-keys", "SELECT 1 AS id, repeat('x', 60) AS a, repeat('y', 60) AS b\\;", "Enter");
        String expanded = screen(text -> text.contains("(1 row)"));
        assertThat(expanded).contains("-[ RECORD 1 ]", "id | 1\n", "a  | " + "x".repeat(60) + "\n");

        tmux("send-keys", "\\x off", "Enter", "SELECT 1 AS id, repeat('x', 60) AS a, repeat('y', 60) AS b\\;", "Enter");
        String wrapped = screen(text -> text.lines().filter(line -> line.startsWith(" 1 |")).count() == 1 && text.contains("(1 row)\nsluice>"));
        assertThat(wrapped.lines().filter(line -> line.contains("xxxx"))).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(wrapped).contains("~|");

        tmux("send-keys", "SELECT i FROM range(100) t(i)\\;", "Enter");
        String paged = screen(text -> text.lines().anyMatch(line -> line.startsWith(":")));
        assertThat(paged).doesNotContain("(100 rows)");
        tmux("send-keys", "G");
        screen(text -> text.contains("(100 rows)"));
        tmux("send-keys", "q");
        screen(text -> text.strip().endsWith("sluice>"));

        tmux("send-keys", "\\q", "Enter");
        Path history = home.resolve(".sluice").resolve("history");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(history).contains("\\\\q") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(history)).contains("SELECT i FROM range(100) t(i);");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history))).isEqualTo("rw-------");
    }

    @Test
    void aOneShotRunOnATerminalFitsItsWidth() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path script = home.resolve("one-shot.sh");
        Files.writeString(script, "#!/bin/sh\n'" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                + "' io.sluice.cli.SqlMain --url http://127.0.0.1:" + sluice.server.port() + " --key " + SluiceTestServer.ADMIN_KEY
                + " -e \"SELECT 1 AS id, repeat('x', 50) AS a, repeat('y', 50) AS b\"\necho done\nsleep 60\n");
        script.toFile().setExecutable(true);
        assertThat(tmux("new-session", "-d", "-x", "60", "-y", "20", script.toString())).isZero();

        String shown = screen(text -> text.contains("\ndone\n"));

        assertThat(shown).contains("-[ RECORD 1 ]", "a  | " + "x".repeat(50) + "\n", "(1 row)");
        assertThat(shown.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(60));
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
        Process process = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-S", "-200").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return text.lines().map(String::stripTrailing).reduce("", (all, line) -> all + line + "\n");
    }

    private int tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor(20, TimeUnit.SECONDS);
        return process.exitValue();
    }

    private static boolean available(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
