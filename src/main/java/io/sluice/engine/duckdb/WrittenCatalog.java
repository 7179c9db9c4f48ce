package io.sluice.engine.duckdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What one DuckDB statement writes, read from its text before it runs: the name written after INSERT INTO,
 * UPDATE, DELETE FROM, MERGE INTO, TRUNCATE, and the object CREATE, DROP, ALTER and COMMENT ON name (for CREATE
 * INDEX, the table after ON). Empty for statements that write no table (queries, SHOW, DESCRIBE, EXPLAIN …);
 * statements that reach files are refused elsewhere.
 *
 * @param name the written name as its parts, unquoted; empty when it could not be read
 * @param schemaOnly the object is a schema, so two parts are {@code catalog.schema}
 * @param temporary CREATE TEMP …: lives in DuckDB's {@code temp} catalog
 */
record WrittenCatalog(List<String> name, boolean schemaOnly, boolean temporary) {

    private static final Set<String> DML = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
    private static final Set<String> DDL = Set.of("CREATE", "DROP", "ALTER", "COMMENT", "TRUNCATE");

    static Optional<WrittenCatalog> of(String statement) {
        List<Token> tokens = Token.all(statement);
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        int start = 0;
        if (tokens.getFirst().is("WITH")) {
            // WITH … INSERT/UPDATE/DELETE: the write follows the CTEs, outside their parentheses.
            start = -1;
            int depth = 0;
            for (int i = 1; i < tokens.size() && start < 0; i++) {
                Token token = tokens.get(i);
                depth += token.is("(") ? 1 : token.is(")") ? -1 : 0;
                if (depth == 0 && !token.quoted() && DML.contains(token.upper())) {
                    start = i;
                }
            }
            if (start < 0) {
                return Optional.empty();
            }
        }
        Cursor cursor = new Cursor(tokens, start);
        String first = cursor.next();
        if (DML.contains(first)) {
            return Optional.of(new WrittenCatalog(dmlTarget(first, cursor), false, false));
        }
        if (!DDL.contains(first)) {
            return Optional.empty();
        }
        if (first.equals("TRUNCATE")) {
            cursor.skip("TABLE");
            return Optional.of(new WrittenCatalog(cursor.name(), false, false));
        }
        if (first.equals("COMMENT") && !cursor.skip("ON")) {
            return Optional.of(new WrittenCatalog(List.of(), false, false));
        }
        if (cursor.skip("OR")) {
            cursor.next(); // REPLACE
        }
        boolean temporary = cursor.skip("TEMP") || cursor.skip("TEMPORARY");
        cursor.skip("PERSISTENT");
        cursor.skip("UNIQUE");
        String kind = cursor.next();
        if (kind.equals("INDEX")) {
            while (cursor.more() && !cursor.skip("ON")) {
                cursor.next();
            }
        }
        if (cursor.skip("IF")) {
            cursor.skip("NOT");
            cursor.next(); // EXISTS
        }
        return Optional.of(new WrittenCatalog(cursor.name(), kind.equals("SCHEMA"), temporary));
    }

    private static List<String> dmlTarget(String first, Cursor cursor) {
        switch (first) {
            case "INSERT" -> {
                if (cursor.skip("OR")) {
                    cursor.next(); // REPLACE or IGNORE
                }
                return cursor.skip("INTO") ? cursor.name() : List.of();
            }
            case "DELETE", "MERGE" -> {
                return cursor.skip(first.equals("DELETE") ? "FROM" : "INTO") ? cursor.name() : List.of();
            }
            default -> {
                return cursor.name();
            }
        }
    }

    /** A word, a quoted name, or one other character; strings and comments are skipped. */
    private record Token(String text, boolean quoted) {

        boolean is(String word) {
            return !quoted && text.equalsIgnoreCase(word);
        }

        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }

        static List<Token> all(String sql) {
            List<Token> tokens = new ArrayList<>();
            int i = 0;
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (sql.startsWith("--", i)) {
                    int end = sql.indexOf('\n', i);
                    i = end < 0 ? sql.length() : end + 1;
                } else if (sql.startsWith("/*", i)) {
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? sql.length() : end + 2;
                } else if (c == '\'') {
                    i = io.sluice.core.engine.SqlText.skipQuoted(sql, i, '\'');
                    tokens.add(new Token("'", false));
                } else if (c == '"') {
                    int end = io.sluice.core.engine.SqlText.skipQuoted(sql, i, '"');
                    String inner = sql.substring(i + 1, Math.max(i + 1, Math.min(sql.length(), end) - 1));
                    tokens.add(new Token(inner.replace("\"\"", "\""), true));
                    i = end;
                } else if (Character.isLetterOrDigit(c) || c == '_') {
                    int start = i;
                    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                        i++;
                    }
                    tokens.add(new Token(sql.substring(start, i), false));
                } else {
                    tokens.add(new Token(String.valueOf(c), false));
                    i++;
                }
            }
            return tokens;
        }
    }

    private static final class Cursor {
        private final List<Token> tokens;
        private int index;

        Cursor(List<Token> tokens, int index) {
            this.tokens = tokens;
            this.index = index;
        }

        boolean more() {
            return index < tokens.size();
        }

        String next() {
            return more() ? tokens.get(index++).upper() : "";
        }

        boolean skip(String word) {
            if (more() && tokens.get(index).is(word)) {
                index++;
                return true;
            }
            return false;
        }

        /** A dotted name, each part a word or a quoted name; empty when none follows. */
        List<String> name() {
            List<String> parts = new ArrayList<>();
            while (more()) {
                Token part = tokens.get(index);
                if (!part.quoted() && !(Character.isLetterOrDigit(part.text().charAt(0)) || part.text().charAt(0) == '_')) {
                    return List.of();
                }
                parts.add(part.text());
                index++;
                if (more() && tokens.get(index).is(".")) {
                    index++;
                } else {
                    return parts;
                }
            }
            return parts;
        }
    }
}
