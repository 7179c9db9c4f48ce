package io.sluice.engine.duckdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small lexer that finds parameter placeholders and bare keywords in DuckDB SQL while skipping string
 * literals ('...', E'...'), quoted identifiers ("..."), dollar-quoted strings ($$...$$, $tag$...$tag$),
 * comments (-- and /* *&#47;) and {@code ::} casts. It does not parse SQL; it only needs to know what is
 * code and what is text.
 */
final class SqlScanner {

    enum PlaceholderKind { QUESTION_MARK, NUMBERED, NAMED }

    /** One placeholder: its characters [start, end) in the SQL, the number of $n, the name of :name/$name. */
    record Placeholder(int start, int end, PlaceholderKind kind, int number, String name) {
    }

    /**
     * Placeholders in order of appearance, the upper-cased unquoted words (keywords, identifiers), the
     * upper-cased contents of quoted identifiers, and where each statement ends (the index of the
     * semicolon that closes it; the last statement may end without one).
     */
    record Scan(List<Placeholder> placeholders, List<String> words, int statements, List<String> quotedIdentifiers,
            List<Integer> statementEnds) {
        Scan(List<Placeholder> placeholders, List<String> words) {
            this(placeholders, words, 1, List.of(), List.of());
        }

        /** The texts of the statements, in order, without their semicolons; blanks and empty statements in front of each left out. */
        List<String> statementTexts(String sql) {
            List<String> texts = new ArrayList<>();
            int start = 0;
            for (int end : statementEnds) {
                // Empty statements (";;") end nowhere: skip the blanks and semicolons they leave in front.
                while (start < end && (sql.charAt(start) == ';' || Character.isWhitespace(sql.charAt(start)))) {
                    start++;
                }
                texts.add(sql.substring(start, end));
                start = end + 1;
            }
            while (start < sql.length() && (sql.charAt(start) == ';' || Character.isWhitespace(sql.charAt(start)))) {
                start++;
            }
            if (start < sql.length() && !sql.substring(start).isBlank()) {
                texts.add(sql.substring(start));
            }
            return texts;
        }
    }

    private final String sql;
    private final List<Placeholder> placeholders = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    private final List<String> quotedIdentifiers = new ArrayList<>();
    private final List<Integer> statementEnds = new ArrayList<>();
    private int position;
    private int statements;
    private boolean codeSinceSemicolon;

    private SqlScanner(String sql) {
        this.sql = sql;
    }

    static Scan scan(String sql) {
        SqlScanner scanner = new SqlScanner(sql);
        scanner.run();
        if (scanner.codeSinceSemicolon) {
            scanner.statements++;
        }
        return new Scan(List.copyOf(scanner.placeholders), List.copyOf(scanner.words), scanner.statements,
                List.copyOf(scanner.quotedIdentifiers), List.copyOf(scanner.statementEnds));
    }

    private void run() {
        while (position < sql.length()) {
            char c = sql.charAt(position);
            if (c == ';') {
                // Statements are counted by the semicolons between code, outside literals and comments.
                if (codeSinceSemicolon) {
                    statements++;
                    statementEnds.add(position);
                }
                codeSinceSemicolon = false;
                position++;
                continue;
            }
            boolean comment = (c == '-' && next(1) == '-') || (c == '/' && next(1) == '*');
            if (!comment && !Character.isWhitespace(c)) {
                codeSinceSemicolon = true;
            }
            if (c == '\'') {
                skipQuoted('\'', isEscapeStringPrefix());
            } else if (c == '"') {
                int start = position;
                skipQuoted('"', false);
                quotedIdentifiers.add(sql.substring(start + 1, Math.max(start + 1, position - 1)).replace("\"\"", "\"")
                        .toUpperCase(Locale.ROOT));
            } else if (c == '-' && next(1) == '-') {
                int end = sql.indexOf('\n', position);
                position = end < 0 ? sql.length() : end + 1;
            } else if (c == '/' && next(1) == '*') {
                int end = sql.indexOf("*/", position + 2);
                position = end < 0 ? sql.length() : end + 2;
            } else if (c == ':' && next(1) == ':') {
                position += 2; // a cast: the type name after it is a word, never a parameter
            } else if (c == ':' && isIdentifierStart(next(1)) && !followsValue()) {
                int end = identifierEnd(position + 1);
                placeholders.add(new Placeholder(position, end, PlaceholderKind.NAMED, 0, sql.substring(position + 1, end)));
                position = end;
            } else if (c == '?') {
                placeholders.add(new Placeholder(position, position + 1, PlaceholderKind.QUESTION_MARK, 0, null));
                position++;
            } else if (c == '$') {
                dollar();
            } else if (isIdentifierStart(c)) {
                int end = identifierEnd(position);
                words.add(sql.substring(position, end).toUpperCase(Locale.ROOT));
                position = end;
            } else if (Character.isDigit(c)) {
                // Numbers such as 1e5 must not yield the word E.
                while (position < sql.length() && (Character.isLetterOrDigit(sql.charAt(position)) || sql.charAt(position) == '.')) {
                    position++;
                }
            } else {
                position++;
            }
        }
    }

    private void dollar() {
        char following = next(1);
        if (Character.isDigit(following)) {
            int end = position + 1;
            while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
                end++;
            }
            placeholders.add(new Placeholder(position, end, PlaceholderKind.NUMBERED,
                    Integer.parseInt(sql.substring(position + 1, end)), null));
            position = end;
        } else if (following == '$') {
            skipDollarQuoted("$$");
        } else if (isIdentifierStart(following)) {
            int end = identifierEnd(position + 1);
            if (end < sql.length() && sql.charAt(end) == '$') {
                skipDollarQuoted(sql.substring(position, end + 1));
            } else {
                placeholders.add(new Placeholder(position, end, PlaceholderKind.NAMED, 0, sql.substring(position + 1, end)));
                position = end;
            }
        } else {
            position++;
        }
    }

    private void skipDollarQuoted(String tag) {
        int end = sql.indexOf(tag, position + tag.length());
        position = end < 0 ? sql.length() : end + tag.length();
    }

    private void skipQuoted(char quote, boolean backslashEscapes) {
        position++;
        while (position < sql.length()) {
            char c = sql.charAt(position);
            if (backslashEscapes && c == '\\') {
                position += 2;
            } else if (c == quote) {
                if (next(1) == quote) {
                    position += 2;
                } else {
                    position++;
                    return;
                }
            } else {
                position++;
            }
        }
    }

    /** E'...' strings allow backslash escapes, so \' does not end them. */
    private boolean isEscapeStringPrefix() {
        if (position == 0 || Character.toUpperCase(sql.charAt(position - 1)) != 'E') {
            return false;
        }
        return position == 1 || !isIdentifierPart(sql.charAt(position - 2));
    }

    /**
     * A colon right after a value is not a parameter: {@code {'a':x}} (struct literal) or
     * {@code list[1:n]} (slice). Parameters follow spaces, operators, commas and opening brackets.
     */
    private boolean followsValue() {
        if (position == 0) {
            return false;
        }
        char previous = sql.charAt(position - 1);
        return isIdentifierPart(previous) || previous == ']' || previous == ')' || previous == '\'' || previous == '"'
                || previous == '[';
    }

    private int identifierEnd(int start) {
        int end = start;
        while (end < sql.length() && isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        return end;
    }

    private char next(int ahead) {
        int index = position + ahead;
        return index < sql.length() ? sql.charAt(index) : '\0';
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
