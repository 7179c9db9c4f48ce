package io.sluice.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's view of what tables exist: {@code \d}, {@code \dt}, {@code \d NAME} and the names Tab
 * completes. Everything comes from {@code information_schema}, which every principal may read and which shows
 * only what that principal may see (the engine's own {@code duckdb_*} functions are for admins only).
 */
final class Catalog {

    private static final String USER_SCHEMAS = "table_schema NOT IN ('information_schema', 'pg_catalog')";

    private Catalog() {
    }

    /** {@code \d} (tables and views) or {@code \dt} (tables only). */
    static String listSql(boolean tablesOnly) {
        return "SELECT table_catalog AS \"catalog\", table_schema AS \"schema\", table_name AS \"name\", "
                + "CASE table_type WHEN 'BASE TABLE' THEN 'table' WHEN 'VIEW' THEN 'view' ELSE lower(table_type) END AS \"type\" "
                + "FROM information_schema.tables WHERE " + USER_SCHEMAS
                + (tablesOnly ? " AND table_type = 'BASE TABLE'" : "") + " ORDER BY 1, 2, 3";
    }

    /** The SQL that describes a table named {@code name}, {@code schema.name} or {@code catalog.schema.name}. */
    static String describeSql(String name) {
        List<String> parts = nameParts(name);
        StringBuilder where = new StringBuilder(USER_SCHEMAS);
        String[] keys = {"table_name", "table_schema", "table_catalog"};
        for (int index = 0; index < parts.size() && index < keys.length; index++) {
            // Identifiers are case-insensitive in DuckDB, so \d WIKIPEDIA finds wikipedia.
            where.append(" AND lower(").append(keys[index]).append(") = lower(").append(literal(parts.get(parts.size() - 1 - index))).append(')');
        }
        return "SELECT column_name AS \"column\", data_type AS \"type\", is_nullable AS \"nullable\" "
                + "FROM information_schema.columns WHERE " + where + " ORDER BY table_catalog, table_schema, ordinal_position";
    }

    /**
     * {@code \d} or {@code \dt}. information_schema is the engine's own catalog functions underneath, which a
     * server may keep for admins; then one line says so, and {@code \d NAME} still works.
     */
    static StatementRunner.Outcome list(StatementRunner runner, boolean tablesOnly, Display display, PrintStream out, PrintStream err) {
        List<String[]> tables;
        try {
            tables = runner.client().rows(listSql(tablesOnly));
        } catch (SluiceClient.ClientException e) {
            if (SluiceClient.fatal(e)) {
                err.println(e.getMessage());
                err.flush();
                return StatementRunner.Outcome.FATAL;
            }
            err.println("Cannot list tables with this key (" + e.getMessage() + "); \\d NAME still describes a table it may read.");
            err.flush();
            return StatementRunner.Outcome.FAILED;
        }
        print(List.of("catalog", "schema", "name", "type"), tables, display, out);
        return StatementRunner.Outcome.SUCCEEDED;
    }

    /**
     * {@code \d NAME}: the columns, or one line saying there is no such table. Without access to
     * information_schema, the columns come from the schema of {@code SELECT * FROM NAME LIMIT 0}, which works
     * for every table the key may read.
     */
    static StatementRunner.Outcome describe(StatementRunner runner, String name, Display display, PrintStream out, PrintStream err) {
        List<String[]> columns;
        try {
            columns = runner.client().rows(describeSql(name));
        } catch (SluiceClient.ClientException e) {
            if (SluiceClient.fatal(e)) {
                err.println(e.getMessage());
                err.flush();
                return StatementRunner.Outcome.FATAL;
            }
            columns = fromSchema(runner.client(), name);
        }
        if (columns.isEmpty()) {
            err.println("Did not find any table or view named " + name + ".");
            err.flush();
            return StatementRunner.Outcome.FAILED;
        }
        print(List.of("column", "type", "nullable"), columns, display, out);
        return StatementRunner.Outcome.SUCCEEDED;
    }

    private static List<String[]> fromSchema(SluiceClient client, String name) {
        List<String[]> columns = new ArrayList<>();
        try {
            for (com.fasterxml.jackson.databind.JsonNode column : client.finished("SELECT * FROM " + name + " LIMIT 0").path("schema")) {
                columns.add(new String[] {column.path("name").asText(), column.path("type").asText(),
                        column.path("nullable").asBoolean(true) ? "YES" : "NO"});
            }
        } catch (SluiceClient.ClientException e) {
            // Not a table this key may read (or none at all): the caller says it was not found.
        }
        return columns;
    }

    private static void print(List<String> header, List<String[]> rows, Display display, PrintStream out) {
        TableWriter table = new TableWriter(header, new boolean[header.size()], out, display.width(), Expanded.OFF);
        rows.forEach(table::add);
        long count = table.finish();
        out.printf(java.util.Locale.ROOT, "(%,d row%s)%n", count, count == 1 ? "" : "s");
        out.flush();
    }

    /** Splits {@code a.b."c.d"} into its parts; double quotes keep dots. */
    static List<String> nameParts(String name) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int index = 0; index < name.length(); index++) {
            char c = name.charAt(index);
            if (c == '"') {
                if (quoted && index + 1 < name.length() && name.charAt(index + 1) == '"') {
                    part.append('"');
                    index++;
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

    /** Every table and column the principal may see, for completion: rows of catalog, schema, table, column. */
    static List<String[]> columns(SluiceClient client) {
        return client.rows("SELECT table_catalog, table_schema, table_name, column_name FROM information_schema.columns WHERE "
                + USER_SCHEMAS + " ORDER BY 1, 2, 3, ordinal_position");
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
