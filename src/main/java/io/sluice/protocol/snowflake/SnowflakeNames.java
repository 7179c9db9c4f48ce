package io.sluice.protocol.snowflake;

import java.util.Locale;
import java.util.Set;

/**
 * Result column names as Snowflake reports them. Snowflake folds unquoted identifiers to upper case and keeps
 * quoted ones as written; a column without an alias is named after its expression, upper-cased the same way
 * ({@code count(*)} is {@code COUNT(*)}). DuckDB resolves names case-insensitively (so {@code "EDITS"} finds a
 * column aliased {@code edits}) but names result columns as written, and unaliased expressions by its own
 * printing ({@code count_star()}). So the adapter folds the engine's names: a name the statement wrote as a
 * quoted identifier stays as it is; any other is upper-cased outside the quoted identifiers inside it.
 */
final class SnowflakeNames {

    private SnowflakeNames() {
    }

    /**
     * @param engineName the column name the engine gave
     * @param quoted the quoted identifiers of the statement's text ({@link SnowflakeSql#quotedIdentifiers})
     */
    static String columnName(String engineName, Set<String> quoted) {
        if (quoted.contains(engineName)) {
            return engineName;
        }
        String name = engineName.replace("count_star()", "COUNT(*)");
        StringBuilder folded = new StringBuilder(name.length());
        boolean inQuotes = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
                folded.append(c);
            } else {
                folded.append(inQuotes ? String.valueOf(c) : String.valueOf(c).toUpperCase(Locale.ROOT));
            }
        }
        return folded.toString();
    }
}
