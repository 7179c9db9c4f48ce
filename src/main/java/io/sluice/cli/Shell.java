package io.sluice.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The interactive shell: JLine line editing with a history file only its owner can read, Tab completion,
 * statements that span lines until a semicolon ends them, and Ctrl-C that cancels the running statement (or
 * clears the line being typed) instead of ending the shell. Ctrl-D or {@code \q} leaves.
 */
final class Shell {

    private final Terminal terminal;
    private final Session session;
    private final StatementRunner runner;
    private final PrintStream out;
    private final Path historyFile;
    private final SqlCompleter completer;

    Shell(Terminal terminal, Session session, StatementRunner runner, PrintStream out, Path historyFile, SqlCompleter completer) {
        this.terminal = terminal;
        this.session = session;
        this.runner = runner;
        this.out = out;
        this.historyFile = historyFile;
        this.completer = completer;
    }

    int run(String banner) throws IOException {
        privateHistory(historyFile);
        LineReader reader = lineReader(terminal, historyFile, completer);
        // Outside readLine (while a statement runs) Ctrl-C cancels it; inside readLine JLine raises UserInterruptException.
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> runner.cancelCurrent());
        out.println(banner);
        out.println("Type \\? for help.");
        out.flush();
        // Only now, so that reading the names (HTTP, TLS set-up, Jackson) does not hold up the prompt.
        completer.load(runner.client());
        try {
            while (session.status() != Session.Status.QUIT) {
                String input;
                try {
                    input = reader.readLine("sluice> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                String command = input.strip();
                if (command.equalsIgnoreCase("quit") || command.equalsIgnoreCase("exit")
                        || command.equalsIgnoreCase("quit;") || command.equalsIgnoreCase("exit;")) {
                    break;
                }
                session.runScript(new StringReader(input), null);
                session.forgetFailure();
                out.flush();
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException ignored) {
                // history is a convenience
            }
            privateHistory(historyFile);
            session.close();
        }
        return 0;
    }

    static LineReader lineReader(Terminal terminal, Path historyFile, SqlCompleter completer) {
        return LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("sluice")
                .parser(new StatementParser())
                .completer(completer)
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "    -> ")
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .build();
    }

    /** The history holds every statement typed, values and all: only its owner may read it (0600, in a 0700 folder). */
    static void privateHistory(Path historyFile) throws IOException {
        Files.createDirectories(historyFile.getParent());
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Files.setPosixFilePermissions(historyFile.getParent(), PosixFilePermissions.fromString("rwx------"));
        if (Files.notExists(historyFile)) {
            Files.createFile(historyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.setPosixFilePermissions(historyFile, PosixFilePermissions.fromString("rw-------"));
        }
    }

    static boolean isMetaCommand(String line) {
        return line.strip().startsWith("\\");
    }

    /**
     * Keeps the line open (a secondary prompt) until a semicolon outside quotes and comments ends the statement;
     * for completion, a word ends at anything that cannot be part of a (qualified) name, such as "(" or ",".
     */
    static final class StatementParser extends DefaultParser {
        StatementParser() {
            setEscapeChars(new char[0]);
        }

        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && !isMetaCommand(line) && !SqlScript.complete(line)
                    && !line.strip().matches("(?i)(quit|exit);?")) {
                throw new EOFError(-1, -1, "the statement is not ended by ;");
            }
            // SqlScript decided the statement is whole; JLine's own quote check would wrongly keep the line open
            // for a lone apostrophe in a comment, so parse it the way completion does.
            return super.parse(line, cursor, context == ParseContext.ACCEPT_LINE ? ParseContext.SPLIT_LINE : context);
        }

        @Override
        public boolean isDelimiterChar(CharSequence buffer, int position) {
            char c = buffer.charAt(position);
            return !(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '\\' || c == '$');
        }
    }
}
