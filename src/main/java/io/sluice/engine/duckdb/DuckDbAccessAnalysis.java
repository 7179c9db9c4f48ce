package io.sluice.engine.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.engine.AccessedTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads DuckDB's own plan of a statement ({@code EXPLAIN (FORMAT JSON)}, the unoptimised logical plan so
 * nothing is folded away) to learn which tables it reads: the binder has already expanded views and table
 * macros, resolved CTEs, aliases, quoting, case and the search path. Leaf operators that are neither table
 * scans nor harmless generators are table functions (DUCKDB_TABLES, PRAGMA_TABLE_INFO, …) and are reported
 * as such.
 */
final class DuckDbAccessAnalysis {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Leaf operators that read no catalog object. */
    private static final Set<String> HARMLESS_LEAVES = Set.of("DUMMY_SCAN", "EXPRESSION_GET", "RANGE",
            "GENERATE_SERIES", "CHUNK_GET", "COLUMN_DATA_GET", "COLUMN_DATA_SCAN", "CTE_REF", "CTE_SCAN",
            "DELIM_GET", "DELIM_SCAN", "EMPTY_RESULT", "UNNEST", "RECURSIVE_CTE_SCAN", "RECURSIVE_CTE");
    private static final Set<String> DML_ROOTS = Set.of("INSERT", "BATCH_INSERT", "UPDATE", "DELETE");
    private static final Set<String> QUERY_WORDS = Set.of("SELECT", "WITH", "VALUES", "FROM", "TABLE");

    private DuckDbAccessAnalysis() {
    }

    /** The plan rows of {@code EXPLAIN (FORMAT JSON)}: key → JSON text. */
    static Set<String> tablesIn(String planJson, Set<String> functions) throws java.io.IOException {
        Set<String> tables = new LinkedHashSet<>();
        walk(JSON.readTree(planJson), tables, functions);
        return tables;
    }

    static String rootOperator(String planJson) throws java.io.IOException {
        JsonNode root = JSON.readTree(planJson);
        JsonNode first = root.isArray() && !root.isEmpty() ? root.get(0) : root;
        return first.path("name").asText("");
    }

    /** Statements whose plan tells what they touch: queries and INSERT/UPDATE/DELETE; the rest is OTHER at once. */
    static boolean analysable(String firstWord) {
        return QUERY_WORDS.contains(firstWord) || DML_ROOTS.contains(firstWord);
    }

    static AccessedTables.Kind kind(String firstWord, String root) {
        if (DML_ROOTS.contains(root)) {
            return switch (firstWord) {
                case "INSERT" -> AccessedTables.Kind.INSERT;
                case "UPDATE" -> AccessedTables.Kind.UPDATE;
                case "DELETE" -> AccessedTables.Kind.DELETE;
                default -> AccessedTables.Kind.OTHER;
            };
        }
        if (QUERY_WORDS.contains(firstWord) && !root.startsWith("CREATE") && !root.equals("DROP")
                && !root.startsWith("ALTER") && !root.contains("COPY") && !root.equals("PRAGMA")) {
            return AccessedTables.Kind.QUERY;
        }
        return AccessedTables.Kind.OTHER;
    }

    private static void walk(JsonNode node, Set<String> tables, Set<String> functions) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, tables, functions));
            return;
        }
        JsonNode table = node.path("extra_info").get("Table");
        JsonNode children = node.get("children");
        String name = node.path("name").asText("");
        if (table != null && table.isTextual()) {
            tables.add(canonical(table.asText()));
        } else if ((children == null || children.isEmpty()) && !HARMLESS_LEAVES.contains(name) && !name.isEmpty()) {
            functions.add(name.toUpperCase(Locale.ROOT));
        }
        if (children != null) {
            walk(children, tables, functions);
        }
    }

    /** {@code memory.main."secret"} → {@code memory.main.secret}: parts split on dots outside quotes, lower-cased. */
    static String canonical(String qualified) {
        return String.join(".", parts(qualified)).toLowerCase(Locale.ROOT);
    }

    static List<String> parts(String qualified) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char c = qualified.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < qualified.length() && qualified.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /**
     * The name written after INSERT INTO / UPDATE / DELETE FROM as its parts (quotes removed), or empty when
     * it cannot be read; DuckDB then resolves those parts itself.
     */
    static List<String> dmlTarget(String sql) {
        Lexer lexer = new Lexer(sql);
        String first = lexer.word();
        if (first == null) {
            return List.of();
        }
        switch (first) {
            case "INSERT" -> {
                String next = lexer.word();
                if ("OR".equals(next)) {
                    lexer.word();
                    next = lexer.word();
                }
                if (!"INTO".equals(next)) {
                    return List.of();
                }
            }
            case "DELETE" -> {
                if (!"FROM".equals(lexer.word())) {
                    return List.of();
                }
            }
            case "UPDATE" -> {
            }
            default -> {
                return List.of();
            }
        }
        return lexer.qualifiedName();
    }

    /** Just enough of a lexer to read keywords and one possibly quoted, dotted name, skipping comments. */
    private static final class Lexer {
        private final String sql;
        private int position;

        Lexer(String sql) {
            this.sql = sql;
        }

        private void skipSpace() {
            while (position < sql.length()) {
                char c = sql.charAt(position);
                if (Character.isWhitespace(c)) {
                    position++;
                } else if (c == '-' && position + 1 < sql.length() && sql.charAt(position + 1) == '-') {
                    int end = sql.indexOf('\n', position);
                    position = end < 0 ? sql.length() : end + 1;
                } else if (c == '/' && position + 1 < sql.length() && sql.charAt(position + 1) == '*') {
                    int end = sql.indexOf("*/", position + 2);
                    position = end < 0 ? sql.length() : end + 2;
                } else {
                    return;
                }
            }
        }

        String word() {
            skipSpace();
            int start = position;
            while (position < sql.length() && (Character.isLetterOrDigit(sql.charAt(position)) || sql.charAt(position) == '_')) {
                position++;
            }
            return position == start ? null : sql.substring(start, position).toUpperCase(Locale.ROOT);
        }

        List<String> qualifiedName() {
            List<String> parts = new ArrayList<>();
            while (true) {
                skipSpace();
                if (position >= sql.length()) {
                    return parts;
                }
                if (sql.charAt(position) == '"') {
                    StringBuilder part = new StringBuilder();
                    position++;
                    while (position < sql.length()) {
                        char c = sql.charAt(position++);
                        if (c == '"') {
                            if (position < sql.length() && sql.charAt(position) == '"') {
                                part.append('"');
                                position++;
                            } else {
                                break;
                            }
                        } else {
                            part.append(c);
                        }
                    }
                    parts.add(part.toString());
                } else {
                    int start = position;
                    while (position < sql.length() && (Character.isLetterOrDigit(sql.charAt(position)) || sql.charAt(position) == '_')) {
                        position++;
                    }
                    if (position == start) {
                        return List.of();
                    }
                    parts.add(sql.substring(start, position));
                }
                skipSpace();
                if (position < sql.length() && sql.charAt(position) == '.') {
                    position++;
                } else {
                    return parts;
                }
            }
        }
    }
}
