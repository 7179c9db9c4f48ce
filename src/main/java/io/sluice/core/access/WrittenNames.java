package io.sluice.core.access;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a statement's text writes that could name a table or view: identifiers and dotted paths of up to three
 * parts, quoted ({@code "a"."b"}) or not, outside strings and comments, and not called like functions. Only used to
 * say an object is hidden in the words the client used; the engine decides what each name resolves to.
 */
final class WrittenNames {

    /** More names than this in one text are not looked at: each one costs the engine a lookup. */
    static final int LIMIT = 64;
    /** Words of standard SQL that name no table unless quoted: not worth a lookup each. */
    private static final Set<String> KEYWORDS = Set.of("SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "JOIN", "ON", "AS",
            "GROUP", "BY", "ORDER", "LIMIT", "OFFSET", "WITH", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE",
            "UNION", "ALL", "DISTINCT", "HAVING", "CASE", "WHEN", "THEN", "ELSE", "END", "IN", "IS", "NULL", "LIKE",
            "TRUE", "FALSE", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "USING", "ASC", "DESC", "BETWEEN",
            "EXISTS", "RETURNING", "INTERVAL", "OVER", "PARTITION");

    private WrittenNames() {
    }

    static List<List<String>> in(String sql) {
        Set<List<String>> names = new LinkedHashSet<>();
        if (sql == null) {
            return List.of();
        }
        int position = 0;
        int length = sql.length();
        while (position < length && names.size() < LIMIT) {
            char c = sql.charAt(position);
            if (c == '\'') {
                position = io.sluice.core.engine.SqlText.skipQuoted(sql, position, '\'');
            } else if (c == '-' && position + 1 < length && sql.charAt(position + 1) == '-') {
                int end = sql.indexOf('\n', position);
                position = end < 0 ? length : end + 1;
            } else if (c == '/' && position + 1 < length && sql.charAt(position + 1) == '*') {
                int end = sql.indexOf("*/", position + 2);
                position = end < 0 ? length : end + 2;
            } else if (c == '"' || isIdentifierStart(c)) {
                List<String> parts = new ArrayList<>();
                boolean quoted = c == '"';
                position = readPath(sql, position, parts);
                int next = skipSpace(sql, position);
                boolean call = next < length && sql.charAt(next) == '(';
                boolean keyword = !quoted && parts.size() == 1 && KEYWORDS.contains(parts.getFirst().toUpperCase(java.util.Locale.ROOT));
                if (!parts.isEmpty() && parts.size() <= 3 && !call && !keyword) {
                    names.add(List.copyOf(parts));
                }
            } else {
                position++;
            }
        }
        return List.copyOf(names);
    }

    private static int readPath(String sql, int position, List<String> parts) {
        while (true) {
            int start = position;
            if (position < sql.length() && sql.charAt(position) == '"') {
                int end = io.sluice.core.engine.SqlText.skipQuoted(sql, position, '"');
                parts.add(sql.substring(start + 1, Math.max(start + 1, end - 1)).replace("\"\"", "\""));
                position = end;
            } else if (position < sql.length() && isIdentifierStart(sql.charAt(position))) {
                while (position < sql.length() && isIdentifierPart(sql.charAt(position))) {
                    position++;
                }
                parts.add(sql.substring(start, position));
            } else {
                return position;
            }
            int dot = skipSpace(sql, position);
            if (dot < sql.length() && sql.charAt(dot) == '.') {
                int after = skipSpace(sql, dot + 1);
                if (after < sql.length() && (sql.charAt(after) == '"' || isIdentifierStart(sql.charAt(after)))) {
                    position = after;
                    continue;
                }
            }
            return position;
        }
    }

    private static int skipSpace(String sql, int position) {
        while (position < sql.length() && Character.isWhitespace(sql.charAt(position))) {
            position++;
        }
        return position;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
