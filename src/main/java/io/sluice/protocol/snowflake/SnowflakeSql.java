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
            boolean valueBefore = index > 0 && (Character.isLetterOrDigit(sql.charAt(index - 1))
                    || sql.charAt(index - 1) == '[' || sql.charAt(index - 1) == '_');
            if (!castBefore && !castAfter && digitAfter && !valueBefore) {
                colons.add(index);
            }
        });
        for (int index : colons) {
            out.setCharAt(index, '$');
        }
        return out.toString();
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
