package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testing.SluiceTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice sql} as scripts use it (-e, -f, -f -, piped input), in-process against a real Sluice: values
 * shown exactly, every format valid for several statements, the backslash commands, and failures reported in
 * one line with the right exit status.
 */
class SqlScriptRunTest {

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

    Result piped(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        var io = new SqlCommand.Io(in, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("SLUICE_URL", url, "SLUICE_API_KEY", SluiceTestServer.ADMIN_KEY), home, false);
        int exit = new CommandLine(new SqlCommand(io)).setOut(new java.io.PrintWriter(io.out(), true)).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return piped("", args);
    }

    @Test
    void aTableShowsEveryValueWholeAndDecimalsKeepTheirScale() {
        Result result = run("-e", "SELECT i FROM range(20000) t(i)");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> values = result.out().lines().map(String::strip).filter(line -> line.matches("\\d+")).toList();
        assertThat(values).hasSize(20_000);
        assertThat(values.get(10_000)).isEqualTo("10000");
        assertThat(values.getLast()).isEqualTo("19999");
        assertThat(result.out()).doesNotContain("…").endsWith("(20,000 rows)\n");

        Result decimals = run("-e", "SELECT 1.50::DECIMAL(5,2) AS price, [1.10, 2.00]::DECIMAL(4,2)[] AS prices, "
                + "123456789012345678901234567890::HUGEINT AS big");
        assertThat(decimals.out()).contains("1.50", "[1.10,2.00]", "123456789012345678901234567890");
    }

    @Test
    void everyFormatStaysValidForSeveralStatements() throws Exception {
        String two = "SELECT 1.50::DECIMAL(5,2) AS price, 'a\nb' AS text; SELECT 2 AS two";

        Result json = run("-o", "json", "-e", two);
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).endsWith("\n");
        ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        List<String> lines = json.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = exact.readTree(lines.get(0));
        assertThat(first.get(0).get("price").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(lines.get(0)).contains("\"price\":1.50");
        assertThat(first.get(0).get("text").asText()).isEqualTo("a\nb");
        assertThat(exact.readTree(lines.get(1)).get(0).get("two").asInt()).isEqualTo(2);

        Result csv = run("-o", "csv", "-e", two);
        assertThat(csv.out()).isEqualTo("price,text\n1.50,\"a\nb\"\n\ntwo\n2\n");

        Result ndjson = run("-o", "ndjson", "-e", two);
        assertThat(ndjson.out()).isEqualTo("{\"price\":1.50,\"text\":\"a\\nb\"}\n{\"two\":2}\n");
    }

    @Test
    void pipedInputAndDashFRunQuietly() {
        String script = "SELECT 1 AS one;\n\\format csv\nSELECT 2\n  AS two;\n";

        Result piped = piped(script);
        assertThat(piped.exitCode()).as(piped.err()).isZero();
        assertThat(piped.out()).isEqualTo("one\n---\n  1\n(1 row)\nOutput format: csv\ntwo\n2\n");

        Result dashF = piped(script, "-f", "-");
        assertThat(dashF.out()).isEqualTo(piped.out());
        assertThat(dashF.err()).isEmpty();
    }

    @Test
    void backslashCommandsListDescribeTimeAndRedirect() throws Exception {
        assertThat(run("-e", "\\d").out()).contains("wikipedia", "table", "exchange_rate");
        assertThat(run("-e", "\\dt").out()).contains("| wikipedia ");
        Result described = run("-e", "\\d WIKIPEDIA");
        assertThat(described.out()).contains("channel", "VARCHAR", "__time", "TIMESTAMP");
        Result missing = run("-e", "\\d no_such_table");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Did not find any table or view named no_such_table.\n");

        assertThat(piped("\\timing on\nSELECT 1;\n").out()).containsPattern("\\(1 row\\)\nTime: \\d+\\.\\d{3} ms\n");
        assertThat(piped("\\x on\nSELECT 1 AS a, 2 AS b;\n").out()).contains("-[ RECORD 1 ]", "a | 1\nb | 2\n");

        Path included = home.resolve("included.sql");
        Files.writeString(included, "SELECT 42 AS answer;\n");
        Path written = home.resolve("written.txt");
        Result redirected = piped("\\o " + written + "\n\\i " + included + "\n\\o\nSELECT 7 AS seven;\n");
        assertThat(redirected.exitCode()).as(redirected.err()).isZero();
        assertThat(Files.readString(written)).isEqualTo("answer\n------\n    42\n(1 row)\n");
        assertThat(redirected.out()).doesNotContain("answer").contains("seven");
    }

    @Test
    void aKeyWithoutTheEngineCatalogStillDescribesWhatItMayRead() {
        Result created = run("-o", "csv", "-e", "CREATE USER cli_reader; CREATE ROLE cli_readers; "
                + "GRANT SELECT ON TABLE wikipedia TO ROLE cli_readers; GRANT ROLE cli_readers TO USER cli_reader; "
                + "CREATE API KEY FOR USER cli_reader");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String key = created.out().lines().toList().getLast().split(",")[1];

        Result described = run("--key", key, "-e", "\\d wikipedia");
        assertThat(described.exitCode()).as(described.err()).isZero();
        assertThat(described.out()).contains("channel", "VARCHAR", "__time", "TIMESTAMP");

        Result listed = run("--key", key, "-e", "\\d");
        assertThat(listed.exitCode()).isEqualTo(1);
        assertThat(listed.err()).startsWith("Cannot list tables with this key (").endsWith("still describes a table it may read.\n")
                .hasLineCount(1);
    }

    @Test
    void aScriptStopsAtItsFirstErrorUnlessToldToGoOn() throws Exception {
        Path script = home.resolve("bad.sql");
        Files.writeString(script, "SELECT 1 AS first;\n\nSELEC 2;\nSELECT 3 AS third;\n");

        Result stopped = run("-f", script.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.out()).contains("first").doesNotContain("third");
        assertThat(stopped.err()).startsWith(script + ":3: ERROR SQL_SYNTAX_ERROR").doesNotContain("Exception", "\tat ");

        Result goesOn = run("--continue-on-error", "-f", script.toString());
        assertThat(goesOn.exitCode()).isEqualTo(1);
        assertThat(goesOn.out()).contains("first", "third");

        Result noFile = run("-f", home.resolve("missing.sql").toString());
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err()).isEqualTo("Cannot read " + home.resolve("missing.sql") + ": no such file\n");
    }

    @Test
    void printsItsVersion() {
        Result version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("sluice-sql \\d+\\.\\d+\\.\\d+\\S* \\(Java .+\\)\n");
    }
}
