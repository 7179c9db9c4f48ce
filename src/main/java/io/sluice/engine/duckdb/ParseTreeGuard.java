package io.sluice.engine.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses files before DuckDB binds a statement. Binding already opens files: a glob in {@code read_parquet} lists a
 * directory, {@code read_csv} sniffs a file's first bytes into column names, {@code FROM '<path>'} opens the path. So
 * the plan check of {@link FileAccessGuard} comes too late for what binding reveals; this check reads DuckDB's parse
 * tree ({@code json_serialize_sql}, which parses without binding) and refuses file table functions and table
 * references that are paths, and reports {@code current_setting} of the settings that hold paths. Statements DuckDB cannot
 * serialize (anything but queries) are read by their text: a string literal used as a table is refused.
 */
final class ParseTreeGuard {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Settings whose values are paths of the server's (data directory, spill directory, allowed paths). */
    private static final Set<String> PATH_SETTINGS = Set.of("temp_directory", "allowed_paths", "allowed_directories",
            "home_directory", "extension_directory", "secret_directory", "log_query_path", "custom_extension_repository",
            "autoinstall_extension_repository", "profile_output", "profiling_output");

    private ParseTreeGuard() {
    }

    /** How deep SQL in strings ({@code query('…')}) is followed; deeper nesting is refused. */
    private static final int NESTING = 4;

    /**
     * Checks {@code sql} through {@code connection}'s parser; nothing is bound or run. Returns the functions it calls
     * that only administrators may use (reading a setting that holds a path): the access analysis reports them
     * with the table functions, which access control refuses to everyone else.
     */
    static Set<String> check(Connection connection, String sql) throws SQLException {
        Set<String> restricted = new java.util.TreeSet<>();
        check(connection, sql, 0, restricted);
        return restricted;
    }

    private static void check(Connection connection, String sql, int depth, Set<String> restricted) throws SQLException {
        if (depth > NESTING) {
            throw FileAccessGuard.denied("query");
        }
        String tree;
        try (PreparedStatement serialize = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            serialize.setString(1, sql);
            try (ResultSet rows = serialize.executeQuery()) {
                tree = rows.next() ? rows.getString(1) : null;
            }
        }
        for (String nested : checkTree(tree, sql, restricted)) {
            check(connection, nested, depth + 1, restricted);
        }
    }

    /** Refuses what the tree shows; returns the SQL held in strings ({@code query('…')}) to be checked in turn. */
    static java.util.List<String> checkTree(String tree, String sql, Set<String> restricted) {
        JsonNode root;
        try {
            root = tree == null ? null : JSON.readTree(tree);
        } catch (IOException unreadable) {
            root = null;
        }
        if (root == null || root.path("error").asBoolean(true)) {
            // Not a query (or not parseable, and then DuckDB refuses it before binding anything): its text instead.
            checkText(sql);
            return java.util.List.of();
        }
        java.util.List<String> nested = new java.util.ArrayList<>();
        walk(root.get("statements"), nested, restricted);
        return nested;
    }

    private static void walk(JsonNode node, java.util.List<String> nested, Set<String> restricted) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, nested, restricted));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        String type = node.path("type").asText("");
        if (type.equals("TABLE_FUNCTION")) {
            String name = node.path("function").path("function_name").asText("");
            if (FileAccessGuard.fileOperator(name)) {
                throw FileAccessGuard.denied(name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("query") || lower.equals("query_table")) {
                for (JsonNode argument : node.path("function").path("arguments")) {
                    JsonNode expression = argument.has("expression") ? argument.get("expression") : argument;
                    String text = expression.path("literal").path("text").asText(null);
                    if (!expression.path("class").asText("").equals("CONSTANT") || text == null) {
                        throw FileAccessGuard.denied(name); // SQL built at run time: nothing to check before binding
                    }
                    if (lower.equals("query")) {
                        nested.add(text);
                    } else if (pathLike(text)) {
                        throw FileAccessGuard.denied("a file path used as a table");
                    }
                }
            }
        } else if (type.equals("BASE_TABLE") && pathLike(node.path("table_name").asText(""))) {
            throw FileAccessGuard.denied("a file path used as a table");
        } else if (type.equals("FUNCTION") && node.path("function_name").asText("").equalsIgnoreCase("current_setting")) {
            if (revealsPath(node.get("arguments"))) {
                restricted.add("CURRENT_SETTING");
            }
        }
        node.forEach(child -> walk(child, nested, restricted));
    }

    /** A table name no catalog object has: a path, a glob or a file name with its extension. */
    private static boolean pathLike(String name) {
        return name.contains("/") || name.contains("\\") || name.contains("*") || name.contains("?") || name.contains(".")
                || name.contains(":") || name.startsWith("~");
    }

    /** A setting named at run time could be any of them. */
    private static boolean revealsPath(JsonNode arguments) {
        if (arguments == null) {
            return false;
        }
        for (JsonNode argument : arguments) {
            JsonNode expression = argument.has("expression") ? argument.get("expression") : argument;
            String value = expression.path("literal").path("text").asText(null);
            if (!expression.path("class").asText("").equals("CONSTANT") || value == null
                    || PATH_SETTINGS.contains(value.strip().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** For statements DuckDB does not serialize: a string literal right after FROM or JOIN is a file reference. */
    static void checkText(String sql) {
        String previousWord = "";
        int index = 0;
        while (index < sql.length()) {
            char c = sql.charAt(index);
            if (c == '\'') {
                if (previousWord.equals("FROM") || previousWord.equals("JOIN")) {
                    throw FileAccessGuard.denied("a file path used as a table");
                }
                index = io.sluice.core.engine.SqlText.skipQuoted(sql, index, '\'');
                previousWord = "";
            } else if (c == '"') {
                index = io.sluice.core.engine.SqlText.skipQuoted(sql, index, '"');
                previousWord = "";
            } else if (c == '-' && index + 1 < sql.length() && sql.charAt(index + 1) == '-') {
                int end = sql.indexOf('\n', index);
                index = end < 0 ? sql.length() : end + 1;
            } else if (c == '/' && index + 1 < sql.length() && sql.charAt(index + 1) == '*') {
                int end = sql.indexOf("*/", index + 2);
                index = end < 0 ? sql.length() : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = index;
                while (index < sql.length() && (Character.isLetterOrDigit(sql.charAt(index)) || sql.charAt(index) == '_')) {
                    index++;
                }
                previousWord = sql.substring(start, index).toUpperCase(Locale.ROOT);
            } else {
                if (!Character.isWhitespace(c) && c != '(') {
                    previousWord = "";
                }
                index++;
            }
        }
    }
}
