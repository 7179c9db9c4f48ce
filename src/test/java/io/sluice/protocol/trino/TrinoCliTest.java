package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trino-cli, the executable jar from Maven Central (copied to target/trino-cli by the build), started the way its
 * users start it, against a real Sluice on DuckDB over TLS: {@code --execute} in every output format, with the
 * key as access token or as password, and {@code --file} with USE carrying the schema to the next statement.
 */
class TrinoCliTest {

    private static final String QUERY = "SELECT n, 'v' || n AS label FROM range(3) t(n) ORDER BY n";
    private static final int ROWS = 3;

    @TempDir
    static Path data;
    static TlsSluice sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = TlsSluice.start(data, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    /** The client's standard output (what its users pipe on), and its standard error for failure messages. */
    record Result(int exit, String output, String errors) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + output + "\n--- stderr ---\n" + errors;
        }
    }

    static Result cli(Map<String, String> environment, String... arguments) throws Exception {
        Path jar = Path.of("target", "trino-cli", "trino-cli.jar");
        assertThat(jar).as("the build copies trino-cli's executable jar here").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server", "https://localhost:" + sluice.port(),
                "--truststore-path", sluice.keystore().toString(), "--truststore-password", TlsSluice.PASSWORD,
                "--truststore-type", "PKCS12", "--user", "admin"));
        command.addAll(List.of(arguments));
        Path errors = Files.createTempFile(data, "cli", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        return new Result(process.exitValue(), output, Files.readString(errors));
    }

    static String execute(String format) throws Exception {
        Result result = cli(Map.of(), "--access-token", SluiceTestServer.ADMIN_KEY, "--execute", QUERY,
                "--output-format", format);
        assertThat(result.exit()).as(result.toString()).isZero();
        return result.output();
    }

    @Test
    void executeAnswersInEveryOutputFormat() throws Exception {
        List<String> csv = new ArrayList<>();
        List<String> unquoted = new ArrayList<>();
        List<String> tsv = new ArrayList<>();
        List<String> json = new ArrayList<>();
        for (int n = 0; n < ROWS; n++) {
            csv.add("\"" + n + "\",\"v" + n + "\"");
            unquoted.add(n + ",v" + n);
            tsv.add(n + "\tv" + n);
            json.add("{\"n\":" + n + ",\"label\":\"v" + n + "\"}");
        }
        assertThat(execute("CSV").lines().toList()).containsExactlyElementsOf(csv);
        assertThat(execute("CSV_HEADER").lines().toList()).containsExactlyElementsOf(prepend("\"n\",\"label\"", csv));
        assertThat(execute("CSV_UNQUOTED").lines().toList()).containsExactlyElementsOf(unquoted);
        assertThat(execute("CSV_HEADER_UNQUOTED").lines().toList()).containsExactlyElementsOf(prepend("n,label", unquoted));
        assertThat(execute("TSV").lines().toList()).containsExactlyElementsOf(tsv);
        assertThat(execute("TSV_HEADER").lines().toList()).containsExactlyElementsOf(prepend("n\tlabel", tsv));
        assertThat(execute("JSON").lines().toList()).containsExactlyElementsOf(json);
        String aligned = execute("ALIGNED");
        assertThat(aligned).contains("label").contains("v2").contains("(" + ROWS + " rows)");
        assertThat(execute("VERTICAL")).contains("-[ RECORD " + ROWS + " ]").contains("v1");
        assertThat(execute("MARKDOWN")).contains("| n ").contains("| v2 ");
        assertThat(execute("NULL")).isBlank();
    }

    @Test
    void theKeyAsPasswordWorksAndAnErrorIsReportedWithItsName() throws Exception {
        Result ok = cli(Map.of("TRINO_PASSWORD", SluiceTestServer.ADMIN_KEY), "--password", "--execute", "SELECT 6 * 7",
                "--output-format", "CSV_UNQUOTED");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.output().strip()).isEqualTo("42");
        Result failed = cli(Map.of(), "--access-token", SluiceTestServer.ADMIN_KEY, "--execute",
                "SELECT * FROM no_such_table");
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.output() + failed.errors()).contains("no_such_table");
    }

    @Test
    void aFileKeepsTheSessionAcrossItsStatements() throws Exception {
        Path script = data.resolve("script.sql");
        Files.writeString(script, "CREATE SCHEMA IF NOT EXISTS cli_schema;\n"
                + "CREATE OR REPLACE TABLE cli_schema.numbers AS SELECT 5 AS five;\n"
                + "USE cli_schema;\n"
                + "SELECT five FROM numbers;\n");
        Result result = cli(Map.of(), "--access-token", SluiceTestServer.ADMIN_KEY, "--catalog", catalog(), "--schema",
                "main", "--file", script.toString(), "--output-format", "CSV_UNQUOTED");
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.output().lines().toList()).contains("5");
    }

    private static String catalog() throws Exception {
        Result result = cli(Map.of(), "--access-token", SluiceTestServer.ADMIN_KEY, "--execute",
                "SELECT current_database()", "--output-format", "CSV_UNQUOTED");
        assertThat(result.exit()).as(result.toString()).isZero();
        return result.output().strip();
    }

    private static List<String> prepend(String header, List<String> rows) {
        List<String> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }
}
