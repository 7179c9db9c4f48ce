package io.sluice.protocol.trino;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.statement.CatalogColumn;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trino's metadata statements in DuckDB SQL over its {@code information_schema}: SHOW CATALOGS, SHOW SCHEMAS,
 * SHOW TABLES, SHOW COLUMNS and DESCRIBE answer with Trino's column names, and each {@code system.jdbc.*} table
 * trino-jdbc's DatabaseMetaData reads becomes a subquery with that table's columns, so the driver's own
 * filters and ordering run unchanged. The statements run as the caller, under the same access control as any
 * other statement: an admin's read information_schema; anyone else's read the columns access control lists as
 * visible to it, inlined ({@link Sources}), since reading the catalog itself would list what grants hide. Names
 * come from the statement's own text and are quoted as SQL strings here.
 */
final class TrinoMetadata {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_@$]*)";
    private static final String QUALIFIED = NAME + "(?:\\s*\\.\\s*" + NAME + ")?(?:\\s*\\.\\s*" + NAME + ")?";
    private static final String LIKE = "(?:\\s+LIKE\\s+'((?:[^']|'')*)'(?:\\s+ESCAPE\\s+'((?:[^']|'')*)')?)?";
    private static final Pattern SHOW_CATALOGS = Pattern.compile("SHOW\\s+CATALOGS" + LIKE, FLAGS);
    private static final Pattern SHOW_SCHEMAS = Pattern.compile("SHOW\\s+SCHEMAS(?:\\s+(?:FROM|IN)\\s+" + NAME + ")?" + LIKE, FLAGS);
    private static final Pattern SHOW_TABLES =
            Pattern.compile("SHOW\\s+TABLES(?:\\s+(?:FROM|IN)\\s+" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?)?" + LIKE, FLAGS);
    private static final Pattern SHOW_COLUMNS =
            Pattern.compile("(?:SHOW\\s+COLUMNS\\s+(?:FROM|IN)|DESCRIBE|DESC)\\s+" + QUALIFIED, FLAGS);
    private static final Pattern SYSTEM_JDBC =
            Pattern.compile("\\b\"?system\"?\\s*\\.\\s*\"?jdbc\"?\\s*\\.\\s*\"?([A-Za-z_]+)\"?", FLAGS);

    /**
     * Catalogs DuckDB lists that are its own internals, not the user's; trino_functions holds the Trino functions
     * that Trino statements resolve on DuckDB.
     */
    private static final String USER_CATALOGS = "NOT IN ('system', 'temp', 'trino_functions')";

    /** DuckDB's type text in Trino's spelling (the common types; others lower-cased). */
    private static final String TRINO_TYPE = "CASE WHEN data_type = 'VARCHAR' THEN 'varchar' "
            + "WHEN data_type = 'TIMESTAMP' THEN 'timestamp(6)' "
            + "WHEN data_type = 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp(6) with time zone' "
            + "WHEN data_type = 'TIME' THEN 'time(6)' WHEN data_type = 'BLOB' THEN 'varbinary' "
            + "WHEN data_type = 'FLOAT' THEN 'real' WHEN data_type = 'HUGEINT' THEN 'decimal(38,0)' "
            + "WHEN data_type LIKE 'DECIMAL(%' THEN lower(replace(data_type, ' ', '')) "
            + "WHEN data_type LIKE '%[]' THEN 'array(' || lower(replace(data_type, '[]', '')) || ')' "
            + "ELSE lower(data_type) END";

    /**
     * java.sql.Types of an engine's type text, as the DATA_TYPE column of getColumns reports it: DuckDB's spelling
     * (upper case, VARCHAR without a length) or Trino's (lower case, varchar(25), timestamp(3) with time zone), for
     * catalogs Trino serves.
     */
    private static final String JDBC_TYPE = "CASE WHEN upper(data_type) = 'BOOLEAN' THEN 16 "
            + "WHEN upper(data_type) = 'TINYINT' THEN -6 WHEN upper(data_type) = 'SMALLINT' THEN 5 "
            + "WHEN upper(data_type) = 'INTEGER' THEN 4 WHEN upper(data_type) = 'BIGINT' THEN -5 "
            + "WHEN upper(data_type) IN ('FLOAT', 'REAL') THEN 7 WHEN upper(data_type) = 'DOUBLE' THEN 8 "
            + "WHEN upper(data_type) LIKE 'DECIMAL%' OR upper(data_type) = 'HUGEINT' THEN 3 "
            + "WHEN upper(data_type) = 'VARCHAR' OR upper(data_type) LIKE 'VARCHAR(%' THEN 12 "
            + "WHEN upper(data_type) LIKE 'CHAR(%' THEN 1 WHEN upper(data_type) IN ('BLOB', 'VARBINARY') THEN -3 "
            + "WHEN upper(data_type) = 'DATE' THEN 91 "
            + "WHEN upper(data_type) LIKE 'TIMESTAMP%WITH TIME ZONE' THEN 2014 "
            + "WHEN upper(data_type) LIKE 'TIME%WITH TIME ZONE' THEN 2013 "
            + "WHEN upper(data_type) = 'TIME' OR upper(data_type) LIKE 'TIME(%' THEN 92 "
            + "WHEN upper(data_type) = 'TIMESTAMP' OR upper(data_type) LIKE 'TIMESTAMP(%' THEN 93 "
            + "WHEN upper(data_type) LIKE '%[]' OR upper(data_type) LIKE 'ARRAY(%' THEN 2003 ELSE 2000 END";

    private static final String NULL_TEXT = "CAST(NULL AS VARCHAR)";
    private static final String NULL_INT = "CAST(NULL AS INTEGER)";

    /** The system.jdbc tables that read no catalog, each a query with the columns trino-jdbc reads from it. */
    private static final Map<String, String> FIXED_JDBC_TABLES = Map.ofEntries(
            Map.entry("table_types", "SELECT * FROM (VALUES ('TABLE'), ('VIEW')) AS t(TABLE_TYPE)"),
            Map.entry("types", "SELECT * FROM (VALUES " + String.join(", ",
                    type("bigint", -5, 19), type("integer", 4, 10), type("smallint", 5, 5), type("tinyint", -6, 3),
                    type("boolean", 16, 1), type("double", 8, 53), type("real", 7, 24), type("decimal", 3, 38),
                    type("varchar", 12, 2147483647), type("varbinary", -3, 2147483647), type("date", 91, 10),
                    type("time", 92, 15), type("timestamp", 93, 26), type("timestamp with time zone", 2014, 32),
                    type("array", 2003, 0), type("map", 2000, 0), type("row", 2000, 0), type("json", 2000, 0),
                    type("uuid", 2000, 0))
                    + ") AS t(TYPE_NAME, DATA_TYPE, PRECISION, LITERAL_PREFIX, LITERAL_SUFFIX, CREATE_PARAMS, NULLABLE, "
                    + "CASE_SENSITIVE, SEARCHABLE, UNSIGNED_ATTRIBUTE, FIXED_PREC_SCALE, AUTO_INCREMENT, LOCAL_TYPE_NAME, "
                    + "MINIMUM_SCALE, MAXIMUM_SCALE, SQL_DATA_TYPE, SQL_DATETIME_SUB, NUM_PREC_RADIX)"),
            Map.entry("procedures", empty("PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME", "REMARKS",
                    "PROCEDURE_TYPE", "SPECIFIC_NAME")),
            Map.entry("procedure_columns", empty("PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME", "COLUMN_NAME",
                    "COLUMN_TYPE", "DATA_TYPE", "TYPE_NAME", "PRECISION", "LENGTH", "SCALE", "RADIX", "NULLABLE", "REMARKS",
                    "COLUMN_DEF", "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION",
                    "IS_NULLABLE", "SPECIFIC_NAME")),
            Map.entry("udts", empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "CLASS_NAME", "DATA_TYPE", "REMARKS",
                    "BASE_TYPE")),
            Map.entry("super_types", empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "SUPERTYPE_CAT", "SUPERTYPE_SCHEM",
                    "SUPERTYPE_NAME")),
            Map.entry("super_tables", empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "SUPERTABLE_NAME")),
            Map.entry("attributes", empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "ATTR_NAME", "DATA_TYPE",
                    "ATTR_TYPE_NAME", "ATTR_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "ATTR_DEF",
                    "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
                    "SCOPE_CATALOG", "SCOPE_SCHEMA", "SCOPE_TABLE", "SOURCE_DATA_TYPE")),
            Map.entry("pseudo_columns", empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE",
                    "COLUMN_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "COLUMN_USAGE", "REMARKS", "CHAR_OCTET_LENGTH",
                    "IS_NULLABLE")));

    private TrinoMetadata() {
    }

    /** The system.jdbc table {@code name} (lower case) as a query over {@code sources}; null for one there is not. */
    private static String jdbcTable(String name, Sources sources) {
        return switch (name) {
            case "catalogs" -> "SELECT DISTINCT catalog_name AS TABLE_CAT FROM " + sources.schemata() + " "
                    + "WHERE catalog_name " + USER_CATALOGS;
            case "schemas" -> "SELECT schema_name AS TABLE_SCHEM, catalog_name AS TABLE_CATALOG "
                    + "FROM " + sources.schemata() + " WHERE catalog_name " + USER_CATALOGS;
            case "tables" -> "SELECT table_catalog AS TABLE_CAT, table_schema AS TABLE_SCHEM, table_name AS TABLE_NAME, "
                    + "CASE WHEN table_type = 'BASE TABLE' THEN 'TABLE' WHEN table_type = 'LOCAL TEMPORARY' THEN 'TABLE' "
                    + "ELSE table_type END AS TABLE_TYPE, " + NULL_TEXT + " AS REMARKS, " + NULL_TEXT + " AS TYPE_CAT, "
                    + NULL_TEXT + " AS TYPE_SCHEM, " + NULL_TEXT + " AS TYPE_NAME, " + NULL_TEXT
                    + " AS SELF_REFERENCING_COL_NAME, " + NULL_TEXT + " AS REF_GENERATION "
                    + "FROM " + sources.tables() + " WHERE table_catalog " + USER_CATALOGS;
            case "columns" -> "SELECT table_catalog AS TABLE_CAT, table_schema AS TABLE_SCHEM, table_name AS TABLE_NAME, "
                    + "column_name AS COLUMN_NAME, " + JDBC_TYPE + " AS DATA_TYPE, " + TRINO_TYPE + " AS TYPE_NAME, "
                    + "CAST(coalesce(numeric_precision, character_maximum_length) AS INTEGER) AS COLUMN_SIZE, "
                    + NULL_INT + " AS BUFFER_LENGTH, CAST(numeric_scale AS INTEGER) AS DECIMAL_DIGITS, "
                    + "CAST(numeric_precision_radix AS INTEGER) AS NUM_PREC_RADIX, "
                    + "CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS NULLABLE, " + NULL_TEXT + " AS REMARKS, "
                    + "column_default AS COLUMN_DEF, " + NULL_INT + " AS SQL_DATA_TYPE, " + NULL_INT + " AS SQL_DATETIME_SUB, "
                    + "CAST(character_octet_length AS INTEGER) AS CHAR_OCTET_LENGTH, "
                    + "CAST(ordinal_position AS INTEGER) AS ORDINAL_POSITION, is_nullable AS IS_NULLABLE, "
                    + NULL_TEXT + " AS SCOPE_CATALOG, " + NULL_TEXT + " AS SCOPE_SCHEMA, " + NULL_TEXT + " AS SCOPE_TABLE, "
                    + "CAST(NULL AS SMALLINT) AS SOURCE_DATA_TYPE, 'NO' AS IS_AUTOINCREMENT, 'NO' AS IS_GENERATEDCOLUMN "
                    + "FROM " + sources.columns() + " WHERE table_catalog " + USER_CATALOGS;
            default -> FIXED_JDBC_TABLES.get(name);
        };
    }

    /**
     * Where listings read the catalog: the engine's information_schema, or, for a principal that may not read it,
     * the columns access control says it sees ({@link io.sluice.core.statement.StatementService#visibleCatalog}),
     * inlined as VALUES under information_schema's column names, so the same queries run over either.
     */
    record Sources(String tables, String columns, String schemata) {

        static final Sources ENGINE = new Sources("information_schema.tables", "information_schema.columns",
                "information_schema.schemata");

        private static final String COLUMN_NAMES = "table_catalog, table_schema, table_name, table_type, column_name, "
                + "ordinal_position, data_type, is_nullable, numeric_precision, numeric_scale, numeric_precision_radix, "
                + "character_maximum_length, column_default, character_octet_length";

        static Sources of(List<CatalogColumn> visible) {
            StringBuilder rows = new StringBuilder();
            for (CatalogColumn column : visible) {
                rows.append(rows.isEmpty() ? "" : ", ").append('(').append(String.join(", ", quote(column.catalog()),
                        quote(column.schema()), quote(column.table()), quote(column.tableType()), quote(column.column()),
                        integer(column.ordinal()), quote(column.dataType()), quote(column.nullable() ? "YES" : "NO"),
                        integer(column.numericPrecision()), integer(column.numericScale()),
                        integer(column.numericPrecisionRadix()), integer(column.characterMaximumLength()), NULL_TEXT,
                        NULL_INT)).append(')');
            }
            String columns = rows.isEmpty()
                    ? "(SELECT * FROM (VALUES (" + NULL_TEXT + ", " + NULL_TEXT + ", " + NULL_TEXT + ", " + NULL_TEXT + ", "
                            + NULL_TEXT + ", " + NULL_INT + ", " + NULL_TEXT + ", " + NULL_TEXT + ", " + NULL_INT + ", "
                            + NULL_INT + ", " + NULL_INT + ", " + NULL_INT + ", " + NULL_TEXT + ", " + NULL_INT
                            + ")) AS visible_columns(" + COLUMN_NAMES + ") WHERE false)"
                    : "(SELECT * FROM (VALUES " + rows + ") AS visible_columns(" + COLUMN_NAMES + "))";
            return new Sources("(SELECT DISTINCT table_catalog, table_schema, table_name, table_type FROM " + columns
                    + " AS visible_tables)", columns, "(SELECT DISTINCT table_catalog AS catalog_name, "
                    + "table_schema AS schema_name FROM " + columns + " AS visible_schemata)");
        }

        private static String integer(Integer value) {
            return value == null ? NULL_INT : "CAST(" + value + " AS INTEGER)";
        }
    }

    /** {@code sql} as the engine should run it: metadata statements rewritten, anything else as sent. */
    static TrinoStatements.Run rewrite(String sql, List<ParameterValue> parameters, ClientSession session,
                                       Supplier<Sources> sources) {
        Matcher match;
        if ((match = SHOW_CATALOGS.matcher(sql)).matches()) {
            return run("SELECT DISTINCT catalog_name AS \"Catalog\" FROM " + sources.get().schemata() + " WHERE catalog_name "
                    + USER_CATALOGS + like("catalog_name", match.group(1), match.group(2)) + " ORDER BY 1", session);
        }
        if ((match = SHOW_SCHEMAS.matcher(sql)).matches()) {
            String catalog = match.group(1) == null ? null : TrinoStatements.identifier(match.group(1));
            return run("SELECT DISTINCT schema_name AS \"Schema\" FROM " + sources.get().schemata() + " WHERE catalog_name = "
                    + catalogOf(catalog, session) + like("schema_name", match.group(2), match.group(3)) + " ORDER BY 1",
                    session);
        }
        if ((match = SHOW_TABLES.matcher(sql)).matches()) {
            String first = match.group(1) == null ? null : TrinoStatements.identifier(match.group(1));
            String second = match.group(2) == null ? null : TrinoStatements.identifier(match.group(2));
            String catalog = second == null ? session.catalog() : first;
            String schema = second == null ? (first == null ? session.schema() : first) : second;
            return run("SELECT table_name AS \"Table\" FROM " + sources.get().tables() + " WHERE table_catalog = "
                    + catalogOf(catalog, session) + " AND table_schema = " + schemaOf(schema)
                    + like("table_name", match.group(3), match.group(4)) + " ORDER BY 1", session);
        }
        if ((match = SHOW_COLUMNS.matcher(sql)).matches()) {
            return describe(match, session, sources.get());
        }
        Matcher jdbc = SYSTEM_JDBC.matcher(sql);
        StringBuilder rewritten = new StringBuilder();
        boolean found = false;
        Sources listed = null;
        while (jdbc.find()) {
            String name = jdbc.group(1).toLowerCase(Locale.ROOT);
            if (listed == null && !FIXED_JDBC_TABLES.containsKey(name)) {
                listed = sources.get();
            }
            String table = jdbcTable(name, listed == null ? Sources.ENGINE : listed);
            if (table != null) {
                found = true;
                jdbc.appendReplacement(rewritten, Matcher.quoteReplacement("(" + table + ") AS " + jdbc.group(1)));
            }
        }
        jdbc.appendTail(rewritten);
        return new TrinoStatements.Run(found ? rewritten.toString() : sql, parameters, session);
    }

    private static TrinoStatements.Run describe(Matcher match, ClientSession session, Sources sources) {
        String[] parts = {match.group(1), match.group(2), match.group(3)};
        int count = parts[2] != null ? 3 : parts[1] != null ? 2 : 1;
        String table = TrinoStatements.identifier(parts[count - 1]);
        String schema = count >= 2 ? TrinoStatements.identifier(parts[count - 2]) : session.schema();
        String catalog = count == 3 ? TrinoStatements.identifier(parts[0]) : session.catalog();
        return run("SELECT column_name AS \"Column\", " + TRINO_TYPE + " AS \"Type\", '' AS \"Extra\", '' AS \"Comment\" "
                + "FROM " + sources.columns() + " WHERE table_catalog = " + catalogOf(catalog, session)
                + " AND table_schema = " + schemaOf(schema) + " AND table_name = " + quote(table)
                + " ORDER BY ordinal_position", session);
    }

    private static TrinoStatements.Run run(String sql, ClientSession session) {
        return new TrinoStatements.Run(sql, List.of(), session);
    }

    private static String catalogOf(String catalog, ClientSession session) {
        return catalog == null ? "current_database()" : quote(catalog);
    }

    private static String schemaOf(String schema) {
        return schema == null ? "current_schema()" : quote(schema);
    }

    private static String like(String column, String pattern, String escape) {
        if (pattern == null) {
            return "";
        }
        return " AND " + column + " LIKE " + quote(pattern.replace("''", "'"))
                + (escape == null ? "" : " ESCAPE " + quote(escape.replace("''", "'")));
    }

    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** A LIKE pattern (% and _) as a regular expression, for the lists answered without the engine. */
    static String likeToRegex(String like) {
        StringBuilder regex = new StringBuilder();
        for (char c : like.toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private static String type(String name, int jdbcType, int precision) {
        return "(" + quote(name) + ", " + jdbcType + ", " + precision + ", NULL, NULL, NULL, 1, "
                + (name.equals("varchar") ? "true" : "false") + ", 3, " + (precision > 0 && jdbcType != 12 ? "false" : "NULL")
                + ", false, false, NULL, 0, " + (name.equals("decimal") ? 38 : 0) + ", NULL, NULL, "
                + (jdbcType == -5 || jdbcType == 4 || jdbcType == 5 || jdbcType == -6 || jdbcType == 3 ? 10 : "NULL") + ")";
    }

    private static String empty(String... columns) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(NULL_TEXT).append(" AS ").append(columns[i]);
        }
        return sql.append(" WHERE false").toString();
    }
}
