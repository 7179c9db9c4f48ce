package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice sql} run in-process against a real Sluice with the demo data. */
class SqlCommandTest {

    private static final String TOP_CHANNELS =
            "SELECT channel, count(*) AS edits FROM wikipedia GROUP BY channel ORDER BY edits DESC, channel LIMIT 3";

    @TempDir
    static Path data;

    @TempDir
    Path home;

    static SluiceTestServer sluice;
    static String url;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        url = "http://127.0.0.1:" + sluice.server.port();
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    record Result(int exitCode, String out, String err) {
    }

    Result run(Map<String, String> environment, InputStream in, String... args) {
        return run(false, environment, in, args);
    }

    /** interactive: as on a terminal (the shell, on a dumb terminal over the given input); otherwise as with piped input. */
    Result run(boolean interactive, Map<String, String> environment, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var io = new SqlCommand.Io(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, home, interactive);
        int exit = new CommandLine(new SqlCommand(io)).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return run(Map.of(), InputStream.nullInputStream(), args);
    }

    @Test
    void executesOneStatementAsAnAlignedTable() {
        Result result = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-e", TOP_CHANNELS);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("""
                channel       | edits
                --------------+------
                #en.wikipedia |  7337
                #vi.wikipedia |  5375
                #de.wikipedia |  1953
                (3 rows)
                """);
    }

    @Test
    void writesCsvNdjsonAndJson() throws Exception {
        Result csv = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-o", "csv", "-e", TOP_CHANNELS);
        assertThat(csv.out()).isEqualTo("channel,edits\n#en.wikipedia,7337\n#vi.wikipedia,5375\n#de.wikipedia,1953\n");

        Result ndjson = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "--format", "ndjson", "-e", TOP_CHANNELS);
        assertThat(ndjson.out()).isEqualTo("""
                {"channel":"#en.wikipedia","edits":7337}
                {"channel":"#vi.wikipedia","edits":5375}
                {"channel":"#de.wikipedia","edits":1953}
                """);

        Result json = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "--format", "JSON", "-e", TOP_CHANNELS);
        JsonNode rows = SluiceTestServer.JSON.readTree(json.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("channel").asText()).isEqualTo("#en.wikipedia");
        assertThat(rows.get(0).get("edits").asLong()).isEqualTo(7337);
    }

    @Test
    void runsEveryStatementOfAFile() throws Exception {
        Path script = home.resolve("two.sql");
        Files.writeString(script, """
                -- two statements; the semicolon inside the string does not split them
                SELECT 'a;b' AS text;
                /* the exchange rates */
                SELECT count(*) AS rates FROM public_data.korea_trade_insurance.exchange_rate WHERE currency_code = 'CNY';
                """);

        Result result = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-o", "csv", "-f", script.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("text\na;b\n\nrates\n");
    }

    @Test
    void pointsAtTheErrorAndExitsWithOne() {
        Result result = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-e", "SELECT channel\nFROM wikipedia\nWHERE nope = 1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ERROR SQL_ERROR at line 3, column 7:", "  WHERE nope = 1\n        ^");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void takesTheKeyFromTheEnvironmentOrTheConfigFile() throws Exception {
        Result fromEnvironment = run(Map.of("SLUICE_API_KEY", SluiceTestServer.ADMIN_KEY, "SLUICE_URL", url),
                InputStream.nullInputStream(), "-o", "csv", "-e", "SELECT 42 AS answer");
        assertThat(fromEnvironment.out()).isEqualTo("answer\n42\n");

        Files.createDirectories(home.resolve(".sluice"));
        Files.writeString(home.resolve(".sluice").resolve("config"), "url=" + url + "/\nkey=" + SluiceTestServer.ADMIN_KEY + "\n");
        Result fromFile = run("-o", "csv", "-e", "SELECT 43 AS answer");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo("answer\n43\n");

        Result flagWins = run(Map.of("SLUICE_API_KEY", "wrong.0000000000000000000000"), InputStream.nullInputStream(),
                "--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-o", "csv", "-e", "SELECT 44 AS answer");
        assertThat(flagWins.out()).isEqualTo("answer\n44\n");
    }

    @Test
    void refusesAMissingOrWrongKeyClearly() {
        Result missing = run("--url", url, "-e", "SELECT 1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("No API key");

        Result wrong = run("--url", url, "--key", "nobody.0000000000000000000000", "-e", "SELECT 1; SELECT 2");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).isEqualTo("Sluice at " + url + " refused the API key (pass --key, set SLUICE_API_KEY, or put key= in ~/.sluice/config)\n");

        Result unreachable = run("--url", "http://127.0.0.1:1", "--key", SluiceTestServer.ADMIN_KEY, "--continue-on-error", "-e", "SELECT 1; SELECT 2");
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).isEqualTo("Cannot reach Sluice at http://127.0.0.1:1: connection refused\n");

        Result badFormat = run("--url", url, "--key", SluiceTestServer.ADMIN_KEY, "-o", "xml", "-e", "SELECT 1");
        assertThat(badFormat.exitCode()).isEqualTo(2);
    }

    @Test
    void shellRunsMultiLineStatementsAndKeepsHistory() throws Exception {
        String typed = "SELECT 1 AS one,\n  'two' AS two\n;\n\\format csv\nSELECT 3 AS three;\n\\q\n";

        Result result = run(true, Map.of(), new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                "--url", url, "--key", SluiceTestServer.ADMIN_KEY);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Sluice at " + url, "one | two", "  1 | two", "(1 row)", "Output format: csv", "three\n3\n");
        Path historyFile = home.resolve(".sluice").resolve("history");
        assertThat(Files.readString(historyFile)).contains("SELECT 3 AS three;");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(historyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(historyFile.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void cancellingStopsTheRunningStatementOnTheServer() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var runner = new StatementRunner(new SluiceClient(url, SluiceTestServer.ADMIN_KEY),
                new PrintStream(err, true, StandardCharsets.UTF_8), true);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        CompletableFuture<StatementRunner.Outcome> run = CompletableFuture.supplyAsync(() -> runner.run(
                "SELECT sum(a.range * b.range) FROM range(300000) a CROSS JOIN range(300000) b", Display.of(OutputFormat.TABLE), out, null));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!runner.running() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(1_300); // long enough for the progress line
        runner.cancelCurrent(); // what Ctrl-C does

        assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(StatementRunner.Outcome.FAILED);
        String shown = err.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("running s", "rows", "(Ctrl-C cancels)", "Cancelled");
        JsonNode statements = SluiceTestServer.json(sluice.get("/sluice/v1/statements?limit=1")).get("statements");
        assertThat(statements.get(0).get("state").asText()).isEqualTo("CANCELLED");
    }
}
