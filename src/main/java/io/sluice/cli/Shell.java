package io.sluice.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The interactive shell: JLine line editing with a history file, statements that span lines until a
 * semicolon ends them, and Ctrl-C that cancels the running statement (or clears the line being typed)
 * instead of ending the shell. Ctrl-D or {@code \q} leaves.
 */
final class Shell {

    private static final String HELP = """
            Type SQL ending with ; (it may span lines). Ctrl-C cancels a running statement, Ctrl-D or \\q leaves.
              \\format table|csv|ndjson|json   choose the output format (now: %s)
              \\help                           this text
            """;

    private final Terminal terminal;
    private final StatementRunner runner;
    private final PrintStream out;
    private final Path historyFile;
    private OutputFormat format;

    Shell(Terminal terminal, StatementRunner runner, PrintStream out, Path historyFile, OutputFormat format) {
        this.terminal = terminal;
        this.runner = runner;
        this.out = out;
        this.historyFile = historyFile;
        this.format = format;
    }

    int run(String banner) {
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("sluice")
                .parser(new StatementParser())
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "    -> ")
                .build();
        // Outside readLine (while a statement runs) Ctrl-C cancels it; inside readLine JLine raises UserInterruptException.
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> runner.cancelCurrent());
        out.println(banner);
        out.println("Type \\help for help.");
        out.flush();
        try {
            while (true) {
                String input;
                try {
                    input = reader.readLine("sluice> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                String command = input.strip();
                if (command.isEmpty()) {
                    continue;
                }
                if (isMetaCommand(command)) {
                    if (!meta(command)) {
                        break;
                    }
                    continue;
                }
                for (String sql : SqlScript.split(command)) {
                    if (!runner.run(sql, format)) {
                        break;
                    }
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException ignored) {
                // history is a convenience
            }
        }
        return 0;
    }

    /** Handles a backslash command; false when the shell should end. */
    private boolean meta(String command) {
        String[] words = command.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "\\q", "quit", "exit", "quit;", "exit;" -> {
                return false;
            }
            case "\\format" -> {
                if (words.length == 2) {
                    try {
                        format = OutputFormat.valueOf(words[1].toUpperCase(Locale.ROOT));
                        out.println("Output format: " + format.name().toLowerCase(Locale.ROOT));
                        return true;
                    } catch (IllegalArgumentException e) {
                        // fall through to the usage
                    }
                }
                out.println("Usage: \\format table|csv|ndjson|json");
            }
            default -> out.printf(HELP, format.name().toLowerCase(Locale.ROOT));
        }
        out.flush();
        return true;
    }

    static boolean isMetaCommand(String line) {
        String lower = line.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("\\") || lower.equals("quit") || lower.equals("exit") || lower.equals("quit;") || lower.equals("exit;");
    }

    /** Keeps the line open (a secondary prompt) until a semicolon outside quotes and comments ends the statement. */
    static final class StatementParser extends DefaultParser {
        StatementParser() {
            setEscapeChars(new char[0]);
        }

        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && !isMetaCommand(line) && !SqlScript.complete(line)) {
                throw new EOFError(-1, -1, "the statement is not ended by ;");
            }
            return super.parse(line, cursor, context);
        }
    }
}
