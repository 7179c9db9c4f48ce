package io.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice sql}: the command-line client. One-shot with {@code -e "SELECT …"} or {@code -f file.sql},
 * otherwise an interactive shell. Output as an aligned table, CSV, NDJSON or JSON. Exit status 0 when every
 * statement succeeded, 1 when one failed or was cancelled, 2 for a usage or connection problem.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run SQL against a Sluice server: interactive shell, or one-shot with -e / -f.")
public final class SqlCommand implements Callable<Integer> {

    /** What the command reads and writes; the real process's by default, streams of their own in tests. */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment, Path home, boolean interactiveTerminal) {
        static Io system() {
            return new Io(System.in, System.out, System.err, System.getenv(), Path.of(System.getProperty("user.home")),
                    System.console() != null && System.console().isTerminal());
        }
    }

    @Option(names = "--url", description = "Sluice URL (default: SLUICE_URL, url= in the config file, or http://localhost:8080)")
    String url;

    @Option(names = "--key", description = "API key <keyId>.<secret> (default: SLUICE_API_KEY, or key= in the config file)")
    String key;

    @Option(names = "--config", description = "Config file with url= and key= lines (default ~/.sluice/config)")
    Path configFile;

    @Option(names = {"-e", "--execute"}, description = "Run these statements (separated by ;) and exit")
    String execute;

    @Option(names = {"-f", "--file"}, description = "Run the statements in this file and exit")
    Path file;

    @Option(names = {"-o", "--format"}, description = "Output: table (default), csv, ndjson or json")
    String format = "table";

    @Option(names = "--progress", negatable = true, description = "Show a progress line for long statements (default: when on a terminal)")
    Boolean progress;

    private final Io io;

    public SqlCommand() {
        this(Io.system());
    }

    SqlCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        OutputFormat output;
        try {
            output = OutputFormat.valueOf(format.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            io.err().println("Unknown format " + format + "; use table, csv, ndjson or json");
            return 2;
        }
        CliSettings settings;
        try {
            settings = CliSettings.resolve(url, key, configFile != null ? configFile : CliSettings.defaultConfigFile(io.home()),
                    io.environment());
        } catch (RuntimeException e) {
            io.err().println(e.getMessage());
            return 2;
        }
        if (settings.key() == null) {
            io.err().println("No API key: pass --key, set SLUICE_API_KEY, or put key=<keyId>.<secret> in ~/.sluice/config");
            return 2;
        }
        SluiceClient client = new SluiceClient(settings.url(), settings.key());
        boolean showProgress = progress != null ? progress : io.interactiveTerminal();
        StatementRunner runner = new StatementRunner(client, io.out(), io.err(), showProgress);
        if (execute != null || file != null) {
            return oneShot(runner, output);
        }
        return shell(runner, output, settings);
    }

    private int oneShot(StatementRunner runner, OutputFormat output) {
        String script;
        try {
            script = execute != null ? execute : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            io.err().println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        List<String> statements = SqlScript.split(script);
        // Ctrl-C ends a one-shot run, but not before the statement it was running is cancelled on the server.
        Thread cancelOnExit = new Thread(runner::cancelCurrent, "sluice-sql-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try {
            for (String sql : statements) {
                if (!runner.run(sql, output)) {
                    return 1;
                }
            }
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    private int shell(StatementRunner runner, OutputFormat output, CliSettings settings) {
        Path history = io.home().resolve(".sluice").resolve("history");
        try {
            Files.createDirectories(history.getParent());
            // A real terminal when there is one; piped input (scripts, tests) gets a dumb terminal that neither
            // echoes nor sends escape sequences.
            Terminal opened = io.in() == System.in && io.interactiveTerminal()
                    ? TerminalBuilder.builder().name("sluice").system(true).build()
                    : new DumbTerminal("sluice", Terminal.TYPE_DUMB, io.in(), io.out(), StandardCharsets.UTF_8);
            try (Terminal terminal = opened) {
                return new Shell(terminal, runner, io.out(), history, output).run("Sluice at " + settings.url());
            }
        } catch (IOException e) {
            io.err().println("Cannot open the terminal: " + e.getMessage());
            return 2;
        }
    }
}
