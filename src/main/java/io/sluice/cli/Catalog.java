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

    /** {@code \d NAME}: the columns, or one line saying there is no such table. */
    static StatementRunner.Outcome describe(StatementRunner runner, String name, Display display, PrintStream out, PrintStream err) {
        List<String[]> columns;
        try {
            columns = runner.client().rows(describeSql(name));
        } catch (SluiceClient.ClientException e) {
            err.println(e.getMessage());
            err.flush();
            return SluiceClient.fatal(e) ? StatementRunner.Outcome.FATAL : StatementRunner.Outcome.FAILED;
        }
        if (columns.isEmpty()) {
            err.println("Did not find any table or view named " + name + ".");
            err.flush();
            return StatementRunner.Outcome.FAILED;
        }
        TableWriter table = new TableWriter(List.of("column", "type", "nullable"), new boolean[3], out, display.width(), Expanded.OFF);
        columns.forEach(table::add);
        table.finish();
        out.flush();
        return StatementRunner.Outcome.SUCCEEDED;
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
