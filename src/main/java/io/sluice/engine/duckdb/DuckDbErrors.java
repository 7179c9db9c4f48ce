package io.sluice.engine.duckdb;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that turns DuckDB failures into Sluice errors. DuckDB's JDBC driver gives no SQLSTATE, so
 * the class is read from the message prefix ("Parser Error: ..."), and the position from the
 * "LINE n: ..." context line and the caret line below it.
 */
public final class DuckDbErrors {

    static final String FILES_NOT_ALLOWED = "Access to files outside Sluice's data is not allowed";
    static final String SETTINGS_NOT_ALLOWED = "Changing engine settings is not allowed";
    static final String EXTENSIONS_NOT_ALLOWED = "Loading extensions is not allowed";
    static final String CANCELLED_MESSAGE = "The statement was cancelled";

    private static final Pattern CONTEXT_LINE = Pattern.compile("^(LINE (\\d+): )(.*)$");

    private DuckDbErrors() {
    }

    public static SluiceException cancelled() {
        return new SluiceException(new SluiceError(ErrorCode.CANCELLED, CANCELLED_MESSAGE, "57014", null));
    }

    /**
     * The SQL DuckDB ran and the SQL the client sent. They differ when parameter placeholders were
     * rewritten; {@code toOriginalOffset} maps a character offset in the first to one in the second.
     */
    public record SqlSource(String executed, String original, IntUnaryOperator toOriginalOffset) {
        public static SqlSource unchanged(String sql) {
            return new SqlSource(sql, sql, IntUnaryOperator.identity());
        }

        /** This source as DuckDB saw it behind {@code prefix} (a check's EXPLAIN): positions past the prefix map back. */
        public SqlSource prefixed(String prefix) {
            int length = prefix.length();
            return new SqlSource(prefix + executed, original,
                    offset -> toOriginalOffset.applyAsInt(Math.max(0, offset - length)));
        }

        /** The executed text from {@code start} on, run by DuckDB as a statement of its own. */
        public SqlSource from(int start) {
            return new SqlSource(executed.substring(start), original, offset -> toOriginalOffset.applyAsInt(offset + start));
        }
    }

    /** Maps a DuckDB failure; a cancelled statement always reports CANCELLED, whatever DuckDB said. */
    public static SluiceException map(Throwable failure, boolean cancelled, SqlSource source) {
        if (cancelled) {
            return new SluiceException(cancelled().error(), failure);
        }
        String raw = failure.getMessage() == null ? "" : failure.getMessage();
        // The cause stays for server logs; adapters never render it.
        return new SluiceException(classify(raw, source), failure);
    }

    private static SluiceError classify(String raw, SqlSource source) {
        String message = meaningfulText(raw);
        SluiceError.Position position = source == null ? null : position(raw, source);
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("configuration has been locked")) {
            return new SluiceError(ErrorCode.SQL_PERMISSION_DENIED, SETTINGS_NOT_ALLOWED, "42501", null);
        }
        if (raw.startsWith("Permission Error:")) {
            String clear = lower.contains("extension") ? EXTENSIONS_NOT_ALLOWED : FILES_NOT_ALLOWED;
            return new SluiceError(ErrorCode.SQL_PERMISSION_DENIED, clear, "42501", null);
        }
        String errorClass = raw.contains(":") ? raw.substring(0, raw.indexOf(':')) : "";
        return switch (errorClass) {
            case "Parser Error" -> new SluiceError(ErrorCode.SQL_SYNTAX_ERROR, message, "42601", position);
            case "Catalog Error" -> new SluiceError(ErrorCode.SQL_CATALOG_ERROR, message,
                    lower.contains("table with name") ? "42P01" : "42704", position);
            case "Binder Error" -> new SluiceError(ErrorCode.SQL_ERROR, message,
                    lower.contains("referenced column") ? "42703" : "42000", position);
            case "Conversion Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22018", position);
            case "Constraint Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "23000", position);
            case "Invalid Input Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22023", position);
            case "Out of Range Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22003", position);
            case "Not implemented Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "0A000", position);
            case "Dependency Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "2BP01", position);
            case "TransactionContext Error", "Transaction Error" ->
                    new SluiceError(ErrorCode.SQL_ERROR, message, "25000", position);
            case "Out of Memory Error" -> new SluiceError(ErrorCode.SQL_ERROR, message, "53200", null);
            default -> new SluiceError(ErrorCode.INTERNAL_ERROR,
                    message.isEmpty() ? "The engine failed to run the statement" : message, null, null);
        };
    }

    /** "Catalog Error: Table with name x does not exist!" and its kin (views, schemas, functions, types, …). */
    private static final Pattern MISSING_OBJECT = Pattern.compile("^Catalog Error: [A-Za-z ]+? with name \"?(.+?)\"? does not exist");
    private static final Pattern SUGGESTION = Pattern.compile("\\s*Did you mean \"([^\"]+)\"\\?");
    /** Names in a message: "quoted" (doubled quotes inside) or bare, dotted. */
    private static final Pattern NAME = Pattern.compile("\"((?:[^\"]|\"\")+)\"|[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)*");
    /** Names in one message looked up at most; past that the message is not shown at all. */
    private static final int NAMES_CHECKED = 64;

    /**
     * {@code error} for a reader that may not see every object ({@link io.sluice.core.engine.Engine#withoutHiddenObjects}):
     * a missing object is worded as a hidden one would be, suggestions of names the reader may not see are dropped,
     * and a message that still names one (candidate bindings, a view's text) is replaced as a whole.
     */
    public static SluiceError withoutHiddenObjects(SluiceError error, java.util.function.Predicate<java.util.List<String>> visible) {
        String message = error.message();
        Matcher missing = MISSING_OBJECT.matcher(message);
        if (missing.find()) {
            java.util.List<String> parts = DuckDbAccessAnalysis.parts(missing.group(1));
            return io.sluice.core.error.HiddenObjects.notAuthorized(parts.getLast());
        }
        String kept = SUGGESTION.matcher(message).replaceAll(suggestion ->
                visibleWithPrefixes(DuckDbAccessAnalysis.parts(suggestion.group(1)), visible)
                        ? Matcher.quoteReplacement(suggestion.group()) : "");
        java.util.Set<java.util.List<String>> names = new java.util.LinkedHashSet<>();
        Matcher name = NAME.matcher(kept);
        while (name.find()) {
            names.add(DuckDbAccessAnalysis.parts(name.group(1) != null ? name.group(1).replace("\"\"", "\"") : name.group()));
            if (names.size() > NAMES_CHECKED) {
                return withMessage(error, io.sluice.core.error.HiddenObjects.UNNAMED);
            }
        }
        for (java.util.List<String> parts : names) {
            if (!visibleWithPrefixes(parts, visible)) {
                return withMessage(error, io.sluice.core.error.HiddenObjects.UNNAMED);
            }
        }
        return kept.equals(message) ? error : withMessage(error, kept);
    }

    /** "t.col" is a column of table t: the name and each of its leading parts must be visible. */
    private static boolean visibleWithPrefixes(java.util.List<String> parts, java.util.function.Predicate<java.util.List<String>> visible) {
        for (int length = 1; length <= Math.min(3, parts.size()); length++) {
            if (!visible.test(java.util.List.copyOf(parts.subList(0, length)))) {
                return false;
            }
        }
        return true;
    }

    private static SluiceError withMessage(SluiceError error, String message) {
        return new SluiceError(error.code(), message, error.sqlState(), error.position());
    }

    /** DuckDB's text without the "LINE n:" context and caret lines, which the position replaces. */
    static String meaningfulText(String raw) {
        StringBuilder text = new StringBuilder();
        for (String line : raw.split("\n")) {
            if (CONTEXT_LINE.matcher(line).matches()) {
                break;
            }
            if (!line.isBlank()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(line.stripTrailing());
            }
        }
        return text.toString();
    }

    private static SluiceError.Position position(String raw, SqlSource source) {
        String[] lines = raw.split("\n");
        for (int index = 0; index + 1 < lines.length; index++) {
            Matcher context = CONTEXT_LINE.matcher(lines[index]);
            if (!context.matches()) {
                continue;
            }
            int prefixLength = context.group(1).length();
            int caret = lines[index + 1].indexOf('^');
            if (caret < prefixLength) {
                return null;
            }
            int lineNumber = Integer.parseInt(context.group(2));
            String[] executedLines = source.executed().split("\n", -1);
            if (lineNumber < 1 || lineNumber > executedLines.length) {
                return null;
            }
            String shown = context.group(3);
            int offsetInShown = caret - prefixLength;
            int columnOffset = offsetInShown;
            // DuckDB trims long lines to a window marked with "..."; find the window in the SQL it ran.
            if (shown.startsWith("...")) {
                String fragment = shown.substring(3);
                if (fragment.endsWith("...")) {
                    fragment = fragment.substring(0, fragment.length() - 3);
                }
                int windowStart = executedLines[lineNumber - 1].indexOf(fragment);
                if (windowStart < 0) {
                    return null;
                }
                columnOffset = windowStart + offsetInShown - 3;
            }
            int executedOffset = columnOffset;
            for (int line = 0; line < lineNumber - 1; line++) {
                executedOffset += executedLines[line].length() + 1;
            }
            return lineAndColumn(source.original(), source.toOriginalOffset().applyAsInt(executedOffset));
        }
        return null;
    }

    private static SluiceError.Position lineAndColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int index = 0; index < Math.min(offset, text.length()); index++) {
            if (text.charAt(index) == '\n') {
                line++;
                lineStart = index + 1;
            }
        }
        return new SluiceError.Position(line, offset - lineStart + 1);
    }
}
