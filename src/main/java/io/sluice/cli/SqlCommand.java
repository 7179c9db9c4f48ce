package io.sluice.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice sql}: the command-line client. One-shot with {@code -e "SELECT …"} or {@code -f file.sql}
 * ({@code -f -}: standard input), a quiet script run when standard input is piped, otherwise an interactive
 * shell. Output as an aligned table, CSV, NDJSON or JSON. Exit status 0 when every statement succeeded, 1 when
 * one failed or was cancelled, 2 for a usage or connection problem (no server, a refused key).
 */
@Command(name = "sql", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "Run SQL against a Sluice server: interactive shell, or one-shot with -e / -f / piped input.")
public final class SqlCommand implements Callable<Integer> {

    /** What the command reads and writes; the real process's by default, streams of their own in tests. */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment, Path home, boolean interactiveTerminal) {
        static Io system() {
            // Buffered and flushed by the client itself: System.out flushes at every line, one write(2) per row.
            PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                    StandardCharsets.UTF_8);
            return new Io(System.in, out, System.err, System.getenv(), Path.of(System.getProperty("user.home")),
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

    @Option(names = {"-f", "--file"}, description = "Run the statements in this file (- for standard input) and exit")
    String file;

    @Option(names = {"-o", "--format"}, description = "Output: table (default), csv, ndjson or json (one array per statement, a line each)")
    String format = "table";

    @Option(names = "--continue-on-error", description = "In a script, go on after a failed statement (the exit status is still 1)")
    boolean continueOnError;

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
        try {
            return execute();
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    private int execute() {
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
        StatementRunner runner = new StatementRunner(client, io.err(), showProgress);
        if (execute != null || file != null || !io.interactiveTerminal()) {
            int width = io.interactiveTerminal() && io.in() == System.in ? terminalWidth() : 0;
            Session session = new Session(runner, io.out(), io.err(), output, continueOnError, () -> width, () -> 0, null);
            return script(runner, session);
        }
        return shell(runner, output, settings);
    }

    /** -e, -f, -f - or piped standard input: no banner, no prompt, stops at the first failure unless told otherwise. */
    private int script(StatementRunner runner, Session session) {
        // Ctrl-C ends a one-shot run, but not before the statement it was running is cancelled on the server.
        Thread cancelOnExit = new Thread(runner::cancelCurrent, "sluice-sql-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try (Reader source = source()) {
            String name = execute != null ? null : file == null || file.equals("-") ? "<stdin>" : file;
            return session.runScript(source, name).exitCode;
        } catch (NoSuchFileException e) {
            io.err().println("Cannot read " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            io.err().println("Cannot read " + (file == null ? "standard input" : file) + ": " + e.getMessage());
            return 2;
        } finally {
            session.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    private Reader source() throws IOException {
        if (execute != null) {
            return new StringReader(execute);
        }
        if (file == null || file.equals("-")) {
            return new InputStreamReader(io.in(), StandardCharsets.UTF_8);
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    /** The terminal's width for a one-shot run printed on a terminal (0 when it cannot be told): tables fit it there too. */
    private static int terminalWidth() {
        try (Terminal terminal = SystemTerminal.open()) {
            return Math.max(0, terminal.getWidth());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private int shell(StatementRunner runner, OutputFormat output, CliSettings settings) {
        Path history = io.home().resolve(".sluice").resolve("history");
        try {
            // The real terminal; tests hand in their own streams and get a dumb terminal that neither echoes
            // nor sends escape sequences.
            Terminal opened = io.in() == System.in
                    ? SystemTerminal.open()
                    : new DumbTerminal("sluice", Terminal.TYPE_DUMB, io.in(), io.out(), StandardCharsets.UTF_8);
            try (Terminal terminal = opened) {
                // A dumb terminal reports no size; its output is then laid out as for a file.
                Session session = new Session(runner, io.out(), io.err(), output, true,
                        () -> terminal.getWidth(), () -> terminal.getHeight(), Session.pagerFrom(io.environment()));
                return new Shell(terminal, session, runner, io.out(), history, new SqlCompleter()).run("Sluice at " + settings.url());
            }
        } catch (IOException e) {
            io.err().println("Cannot open the terminal: " + e.getMessage());
            return 2;
        }
    }
}
