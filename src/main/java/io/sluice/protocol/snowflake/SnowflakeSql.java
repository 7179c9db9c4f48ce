package io.sluice.protocol.snowflake;

import io.sluice.core.engine.SqlText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the Snowflake adapter needs to know about SQL text without parsing it: where one statement ends
 * (multi-statement requests), where {@code :1}-style bind placeholders are, and the leading keyword.
 * A small lexer tells code from text: single-quoted strings ('' doubles a quote), quoted identifiers
 * ("" doubles), dollar-quoted strings ($$…$$), and comments (--, // and /* *&#47;). Semicolons, colons
 * and keywords inside text never count.
 */
final class SnowflakeSql {

    private SnowflakeSql() {
    }

    /** Calls back for every character that is code (not inside a string, identifier or comment). */
    private interface CodeVisitor {
        void code(int index);
    }

    private static void scan(String sql, CodeVisitor visitor) {
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : '\0';
            if (c == '\'' || c == '"') {
                i = SqlText.skipQuoted(sql, i, c);
            } else if (c == '$' && next == '$') {
                int end = sql.indexOf("$$", i + 2);
                i = end < 0 ? length : end + 2;
            } else if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && next == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            } else {
                visitor.code(i);
                i++;
            }
        }
    }

    /** One statement of a request: its text and where it starts (1-based line and column) in the request. */
    record Piece(String sql, int line, int column) {
    }

    /**
     * Splits the request text at semicolons that are code. Pieces holding only whitespace and comments
     * are dropped (a trailing semicolon does not make an empty statement).
     */
    static List<Piece> split(String sql) {
        List<Integer> cuts = new ArrayList<>();
        scan(sql, index -> {
            if (sql.charAt(index) == ';') {
                cuts.add(index);
            }
        });
        cuts.add(sql.length());
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        for (int cut : cuts) {
            String text = sql.substring(start, cut);
            if (hasCode(text)) {
                int lead = 0;
                while (lead < text.length() && Character.isWhitespace(text.charAt(lead))) {
                    lead++;
                }
                pieces.add(new Piece(text.strip(), lineOf(sql, start + lead), columnOf(sql, start + lead)));
            }
            start = cut + 1;
        }
        return pieces;
    }

    private static boolean hasCode(String text) {
        boolean[] found = new boolean[1];
        scan(text, index -> {
            if (!Character.isWhitespace(text.charAt(index))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private static int lineOf(String sql, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (sql.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int columnOf(String sql, int index) {
        int lineStart = sql.lastIndexOf('\n', index - 1) + 1;
        return index - lineStart + 1;
    }

    /**
     * Rewrites Snowflake's numbered binds {@code :1}, {@code :2}… into the engine's {@code $1}, {@code $2}…
     * Casts ({@code ::}), text and comments are left alone; values stay bound, never spliced.
     * Snowflake reads {@code :N} as a bind only where a value may start: not right after a name, a number, a
     * literal or a closing bracket, where the colon is a path step ({@code v:1}) or separates an object
     * constant's key from its value ({@code {'a':1}}, {@code {'a' : 1}}).
     */
    static String numberedPlaceholdersToDollar(String sql) {
        StringBuilder out = new StringBuilder(sql);
        List<Integer> colons = new ArrayList<>();
        scan(sql, index -> {
            if (sql.charAt(index) != ':') {
                return;
            }
            boolean castBefore = index > 0 && sql.charAt(index - 1) == ':';
            boolean castAfter = index + 1 < sql.length() && sql.charAt(index + 1) == ':';
            boolean digitAfter = index + 1 < sql.length() && Character.isDigit(sql.charAt(index + 1));
            if (!castBefore && !castAfter && digitAfter && !endsValue(sql, index)) {
                colons.add(index);
            }
        });
        for (int index : colons) {
            out.setCharAt(index, '$');
        }
        return out.toString();
    }

    /**
     * True when the code before {@code index} (spaces skipped) ends a value: a name, a number, a quoted string
     * or identifier, or a closing bracket. A {@code :N} there is not a bind. A keyword such as SELECT ends in
     * a letter too, so a colon right after a space that follows a word still is a bind ({@code SELECT :1}).
     */
    private static boolean endsValue(String sql, int index) {
        if (index == 0) {
            return false;
        }
        char before = sql.charAt(index - 1);
        // Right after a name or number it is a path step; right after '[' a slice bound (x[:1]).
        if (Character.isLetterOrDigit(before) || before == '_' || before == '$' || before == '[') {
            return true;
        }
        int i = index - 1;
        while (i >= 0 && Character.isWhitespace(sql.charAt(i))) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        char last = sql.charAt(i);
        return last == '\'' || last == '"' || last == ')' || last == ']' || last == '}';
    }

    /**
     * The quoted identifiers of the text, as written between the double quotes (doubled quotes undone):
     * Snowflake keeps their case, where it folds unquoted names to upper case.
     */
    static java.util.Set<String> quotedIdentifiers(String sql) {
        java.util.Set<String> names = new java.util.HashSet<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : '\0';
            if (c == '"') {
                int end = SqlText.skipQuoted(sql, i, c);
                names.add(sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\""));
                i = end;
            } else if (c == '\'') {
                i = SqlText.skipQuoted(sql, i, c);
            } else if (c == '$' && next == '$') {
                int end = sql.indexOf("$$", i + 2);
                i = end < 0 ? length : end + 2;
            } else if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && next == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            } else {
                i++;
            }
        }
        return names;
    }

    /** The first word that is code, upper-cased ("SELECT", "INSERT", "WITH"…); empty when there is none. */
    static String firstKeyword(String sql) {
        StringBuilder word = new StringBuilder();
        boolean[] done = new boolean[1];
        scan(sql, index -> {
            if (done[0]) {
                return;
            }
            char c = sql.charAt(index);
            if (Character.isLetter(c) || (word.length() > 0 && (Character.isLetterOrDigit(c) || c == '_'))) {
                word.append(c);
            } else if (word.length() > 0 || !Character.isWhitespace(c) && c != '(') {
                done[0] = true;
            }
        });
        return word.toString().toUpperCase(Locale.ROOT);
    }
}
