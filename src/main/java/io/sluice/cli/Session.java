package io.sluice.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * What the client runs, line by line, from wherever it comes: a file ({@code -f}, {@code -f -}, {@code \i}),
 * piped standard input, {@code -e}, or the interactive shell. A line that starts with a backslash (outside a
 * statement) is a command such as {@code \d}; other lines gather into statements that a semicolon ends.
 * The session keeps the settings those commands change: format, expanded mode, timing, pager and output file.
 *
 * <p>A failed statement stops a script unless {@code continueOnError}; a server that cannot be reached or
 * refuses the key stops it always, since every further statement would fail the same way.
 */
final class Session {

    static final String HELP = """
            Type SQL ending with ; (it may span lines). Ctrl-C cancels a running statement, Ctrl-D or \\q leaves.
              \\d                     list tables and views          \\d NAME   describe a table or view
              \\dt                    list tables
              \\x [on|off|auto]       expanded records (auto: when the table is wider than the terminal)
              \\timing [on|off]       show how long each statement took
              \\pset pager on|off     page long results (through $PAGER, or less -FRSX)
              \\format table|csv|ndjson|json   choose the output format
              \\o [FILE]              send results to FILE (no FILE: back to the terminal)
              \\i FILE                run the statements in FILE
              \\q                     leave
            """;

    private static final String DEFAULT_PAGER = "less -FRSX";

    /** The exit status a script ends with: 0 when all went well, 1 when a statement failed, 2 when the server could not be used. */
    enum Status {
        OK(0), FAILED(1), FATAL(2), QUIT(0);

        final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final StatementRunner runner;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean continueOnError;
    private final IntSupplier terminalWidth;
    private final IntSupplier terminalHeight;
    private OutputFormat format;
    private Expanded expanded = Expanded.OFF;
    private boolean timing;
    private final String pager;
    private boolean paging;
    private PrintStream outputFile;
    private Status status = Status.OK;

    /**
     * @param terminalWidth 0 when the output is no terminal; tables then take the width their values need
     * @param pager         the pager command line, or null for none ($PAGER set empty); used on a terminal only
     */
    Session(StatementRunner runner, PrintStream out, PrintStream err, OutputFormat format, boolean continueOnError,
            IntSupplier terminalWidth, IntSupplier terminalHeight, String pager) {
        this.runner = runner;
        this.out = out;
        this.err = err;
        this.format = format;
        this.continueOnError = continueOnError;
        this.terminalWidth = terminalWidth;
        this.terminalHeight = terminalHeight;
        this.pager = pager;
        this.paging = pager != null;
        if (terminalWidth.getAsInt() > 0) {
            expanded = Expanded.AUTO;
        }
    }

    /** The pager people expect: $PAGER when set (empty: none), otherwise less that quits when the output fits. */
    static String pagerFrom(java.util.Map<String, String> environment) {
        String pager = environment.get("PAGER");
        if (pager == null) {
            return DEFAULT_PAGER;
        }
        return pager.isBlank() ? null : pager;
    }

    Status status() {
        return status;
    }

    boolean ended() {
        return status == Status.QUIT || status == Status.FATAL || (status == Status.FAILED && !continueOnError);
    }

    /** Runs every line of a script; {@code name} labels its errors ("file.sql:12"). */
    Status runScript(Reader source, String name) throws IOException {
        BufferedReader lines = source instanceof BufferedReader buffered ? buffered : new BufferedReader(source);
        StringBuilder statement = new StringBuilder();
        int lineNumber = 0;
        int statementLine = 1;
        String line;
        while (!ended() && (line = lines.readLine()) != null) {
            lineNumber++;
            if (statement.isEmpty() && line.isBlank()) {
                continue;
            }
            if (statement.isEmpty() && line.strip().startsWith("\\")) {
                command(line.strip(), name == null ? null : name + ":" + lineNumber);
                continue;
            }
            if (statement.isEmpty()) {
                statementLine = lineNumber;
            }
            statement.append(line).append('\n');
            if (SqlScript.complete(statement.toString())) {
                statements(statement.toString(), name, statementLine);
                statement.setLength(0);
            }
        }
        if (!ended() && !statement.isEmpty()) {
            // The last statement may go without a semicolon, as with -e "SELECT 1".
            statements(statement.toString(), name, statementLine);
        }
        return status;
    }

    /** Runs the statements in text (which starts at firstLine of the script called name). */
    void statements(String text, String name, int firstLine) {
        int searchFrom = 0;
        for (String sql : SqlScript.split(text)) {
            if (ended()) {
                return;
            }
            int at = text.indexOf(sql, searchFrom);
            int line = firstLine + (at < 0 ? 0 : (int) text.substring(0, at).chars().filter(c -> c == '\n').count());
            searchFrom = at < 0 ? searchFrom : at + sql.length();
            run(sql, name == null ? null : name + ":" + line);
        }
    }

    void run(String sql, String where) {
        boolean toTerminal = outputFile == null;
        Display display = displayFor();
        PrintStream target = toTerminal ? out : outputFile;
        PrintStream paged = null;
        if (toTerminal && paging && display.width() > 0 && terminalHeight.getAsInt() > 1) {
            paged = new PrintStream(new PagerOutput(PagerOutput.shellCommand(pager), terminalHeight.getAsInt(), out), false, StandardCharsets.UTF_8);
            target = paged;
        }
        StatementRunner.Outcome outcome;
        try {
            outcome = runner.run(sql, display, target, where);
        } finally {
            if (paged != null) {
                paged.close();
            }
        }
        record(outcome);
    }

    private void record(StatementRunner.Outcome outcome) {
        switch (outcome) {
            case FATAL -> status = Status.FATAL;
            case FAILED -> status = status == Status.FATAL ? status : Status.FAILED;
            case SUCCEEDED -> { }
        }
    }

    /** A backslash command; {@code where} labels its errors when it comes from a file. */
    void command(String line, String where) {
        String[] words = line.strip().split("\\s+", 2);
        String argument = words.length > 1 ? words[1].strip() : "";
        if (argument.endsWith(";")) {
            argument = argument.substring(0, argument.length() - 1).strip();
        }
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "\\q", "\\quit" -> status = Status.QUIT;
            case "\\d" -> {
                if (argument.isEmpty()) {
                    record(Catalog.list(runner, false, displayFor(), out, err));
                } else {
                    record(Catalog.describe(runner, argument, displayFor(), out, err));
                }
            }
            case "\\dt" -> record(Catalog.list(runner, true, displayFor(), out, err));
            case "\\x" -> {
                expanded = switch (argument.toLowerCase(Locale.ROOT)) {
                    case "on" -> Expanded.ON;
                    case "off" -> Expanded.OFF;
                    case "auto" -> Expanded.AUTO;
                    default -> expanded == Expanded.ON ? Expanded.OFF : Expanded.ON;
                };
                info("Expanded display is " + expanded.name().toLowerCase(Locale.ROOT) + ".");
            }
            case "\\timing" -> {
                timing = argument.isEmpty() ? !timing : argument.equalsIgnoreCase("on");
                info("Timing is " + (timing ? "on" : "off") + ".");
            }
            case "\\pset" -> pset(argument, where);
            case "\\format" -> {
                try {
                    format = OutputFormat.valueOf(argument.toUpperCase(Locale.ROOT));
                    info("Output format: " + format.name().toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    fail(where, "Usage: \\format table|csv|ndjson|json");
                }
            }
            case "\\o", "\\out" -> output(argument, where);
            case "\\i", "\\include" -> include(argument, where);
            case "\\?", "\\h", "\\help" -> {
                out.print(HELP);
                out.flush();
            }
            default -> fail(where, "Unknown command " + words[0] + "; \\? lists the commands");
        }
    }

    /** The settings for the next result; auto expansion needs a width to decide by, so without a terminal it is off. */
    private Display displayFor() {
        int width = outputFile == null ? terminalWidth.getAsInt() : 0;
        return new Display(format, width > 0 ? expanded : expanded == Expanded.AUTO ? Expanded.OFF : expanded, timing, width);
    }

    private void pset(String argument, String where) {
        String[] words = argument.split("\\s+");
        if (words.length >= 1 && words[0].equalsIgnoreCase("pager")) {
            String value = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : (paging ? "off" : "on");
            paging = !value.equals("off") && pager != null;
            info("Pager is " + (paging ? "on (" + pager + ")" : "off") + ".");
            return;
        }
        fail(where, "Usage: \\pset pager on|off");
    }

    private void output(String file, String where) {
        if (outputFile != null) {
            outputFile.close();
            outputFile = null;
        }
        if (file.isEmpty()) {
            return;
        }
        try {
            OutputStream stream = Files.newOutputStream(Path.of(file));
            outputFile = new PrintStream(new java.io.BufferedOutputStream(stream, 1 << 16), false, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            fail(where, "Cannot write " + file + ": " + e.getMessage());
        }
    }

    private void include(String file, String where) {
        if (file.isEmpty()) {
            fail(where, "Usage: \\i FILE");
            return;
        }
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            runScript(reader, file);
        } catch (IOException | RuntimeException e) {
            fail(where, "Cannot read " + file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Closes the output file, if one is open. */
    void close() {
        output("", null);
        out.flush();
    }

    private void info(String message) {
        out.println(message);
        out.flush();
    }

    private void fail(String where, String message) {
        err.println((where == null ? "" : where + ": ") + message);
        err.flush();
        if (status != Status.FATAL) {
            status = Status.FAILED;
        }
    }

    /** For the shell: a failed statement is reported and the shell goes on (only \\q ends it). */
    void forgetFailure() {
        if (status != Status.QUIT) {
            status = Status.OK;
        }
    }
}
