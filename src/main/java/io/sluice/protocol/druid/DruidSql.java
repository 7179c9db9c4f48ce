package io.sluice.protocol.druid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns Druid SQL into SQL the engine runs, touching only what differs and never inserting a client value:
 * <ul>
 *   <li>{@code INFORMATION_SCHEMA.TABLES / COLUMNS / SCHEMATA} become fixed subqueries over DuckDB's
 *       information_schema that answer in Druid's columns and vocabulary (catalog {@code druid}, the default
 *       schema as {@code druid}, Druid SQL type names); for a principal that is not an admin they read the part of
 *       the catalog it may see instead ({@link DruidCatalogSources});</li>
 *   <li>{@code druid.<table>} loses its qualifier: Druid's schema of datasources is the engine's default schema
 *       (unless the query declares an alias {@code AS druid}; an engine schema named {@code druid} is not reachable);</li>
 *   <li>{@code APPROX_COUNT_DISTINCT(x)} becomes {@code druid_count_distinct(x)}, an exact count (see
 *       {@link DruidFunctions});</li>
 *   <li>{@code LATEST(x…)} / {@code EARLIEST(x…)} become {@code druid_latest("__time", x…)}, because Druid
 *       takes their time from {@code __time}, which a DuckDB macro cannot name;</li>
 *   <li>a literal Joda pattern in {@code TIME_PARSE(s, 'pattern'…)} is rewritten to DuckDB's strptime spelling,
 *       as DuckDB needs a constant format.</li>
 * </ul>
 * Text inside string literals, quoted identifiers and comments is left alone.
 */
final class DruidSql {

    /** The schema Druid's catalog shows Sluice's own tables in (to admins only). */
    static final String INTERNAL_SCHEMA = "sluice";

    /**
     * Sluice's own tables: the audit table ({@code sluice.audit}, i.e. {@code main.audit} of the database) and
     * anything in a schema named {@code sluice}. Only admins may read them, so only admins see them, and then
     * in schema {@code sluice}, never among the {@code druid} datasources.
     */
    private static final String INTERNAL_TABLE = "(table_schema = '" + INTERNAL_SCHEMA + "' OR (table_catalog = current_database() "
            + "AND table_schema = 'main' AND table_name = 'audit'))";
    private static final String SCHEMA_NAME = "CASE WHEN " + INTERNAL_TABLE + " THEN '" + INTERNAL_SCHEMA + "' "
            + "WHEN table_catalog = current_database() AND table_schema = 'main' "
            + "THEN 'druid' WHEN table_catalog = current_database() THEN table_schema "
            + "ELSE table_catalog || '.' || table_schema END";
    private static final String REAL_SCHEMAS = "table_catalog NOT IN ('system', 'temp', 'trino_functions') "
            + "AND table_schema NOT IN ('information_schema', 'pg_catalog')";
    private static final String VISIBLE_TO_ALL = REAL_SCHEMAS + " AND NOT " + INTERNAL_TABLE;

    static String tables(boolean admin, DruidCatalogSources sources) {
        return "(SELECT 'druid' AS \"TABLE_CATALOG\", " + SCHEMA_NAME + " AS \"TABLE_SCHEMA\", "
            + "table_name AS \"TABLE_NAME\", CASE WHEN table_type = 'VIEW' THEN 'VIEW' ELSE 'TABLE' END AS \"TABLE_TYPE\", "
            + "'NO' AS \"IS_JOINABLE\", 'NO' AS \"IS_BROADCAST\" FROM " + sources.tables() + " WHERE " + visible(admin)
            + " UNION ALL SELECT 'druid', 'INFORMATION_SCHEMA', t, 'SYSTEM_TABLE', 'NO', 'NO' "
            + "FROM (VALUES ('COLUMNS'), ('SCHEMATA'), ('TABLES')) AS s(t))";
    }

    private static String visible(boolean admin) {
        return admin ? REAL_SCHEMAS : VISIBLE_TO_ALL;
    }

    private static final String DRUID_TYPE = "CASE WHEN data_type IN ('VARCHAR', 'UUID', 'TIME', 'INTERVAL') "
            + "OR data_type LIKE 'ENUM%' THEN 'VARCHAR' "
            + "WHEN data_type IN ('BIGINT', 'UBIGINT', 'UINTEGER') THEN 'BIGINT' "
            + "WHEN data_type IN ('INTEGER', 'USMALLINT') THEN 'INTEGER' "
            + "WHEN data_type IN ('SMALLINT', 'UTINYINT') THEN 'SMALLINT' "
            + "WHEN data_type = 'TINYINT' THEN 'TINYINT' "
            + "WHEN data_type = 'DOUBLE' THEN 'DOUBLE' "
            + "WHEN data_type IN ('FLOAT', 'REAL') THEN 'FLOAT' "
            + "WHEN data_type = 'BOOLEAN' THEN 'BOOLEAN' "
            + "WHEN data_type = 'DATE' THEN 'DATE' "
            + "WHEN data_type LIKE 'TIMESTAMP%' THEN 'TIMESTAMP' "
            + "WHEN data_type LIKE 'DECIMAL%' OR data_type IN ('HUGEINT', 'UHUGEINT') THEN 'DECIMAL' "
            + "WHEN data_type LIKE '%[]' THEN 'ARRAY' ELSE 'OTHER' END";

    static String columns(boolean admin, DruidCatalogSources sources) {
        return "(SELECT \"TABLE_CATALOG\", \"TABLE_SCHEMA\", \"TABLE_NAME\", \"COLUMN_NAME\", "
            + "\"ORDINAL_POSITION\", \"COLUMN_DEFAULT\", \"IS_NULLABLE\", \"DATA_TYPE\", "
            + "CAST(NULL AS BIGINT) AS \"CHARACTER_MAXIMUM_LENGTH\", CAST(NULL AS BIGINT) AS \"CHARACTER_OCTET_LENGTH\", "
            + "\"NUMERIC_PRECISION\", \"NUMERIC_PRECISION_RADIX\", \"NUMERIC_SCALE\", "
            + "CAST(NULL AS BIGINT) AS \"DATETIME_PRECISION\", "
            + "CASE WHEN \"DATA_TYPE\" = 'VARCHAR' THEN 'UTF-16LE' END AS \"CHARACTER_SET_NAME\", "
            + "CASE WHEN \"DATA_TYPE\" = 'VARCHAR' THEN 'UTF-16LE$en_US$primary' END AS \"COLLATION_NAME\", "
            + "CASE \"DATA_TYPE\" WHEN 'VARCHAR' THEN 12 WHEN 'BIGINT' THEN -5 WHEN 'INTEGER' THEN 4 "
            + "WHEN 'SMALLINT' THEN 5 WHEN 'TINYINT' THEN -6 WHEN 'DOUBLE' THEN 8 WHEN 'FLOAT' THEN 6 "
            + "WHEN 'BOOLEAN' THEN 16 WHEN 'DATE' THEN 91 WHEN 'TIMESTAMP' THEN 93 WHEN 'DECIMAL' THEN 3 "
            + "WHEN 'ARRAY' THEN 2003 ELSE 1111 END AS \"JDBC_TYPE\" FROM ("
            + "SELECT 'druid' AS \"TABLE_CATALOG\", " + SCHEMA_NAME + " AS \"TABLE_SCHEMA\", table_name AS \"TABLE_NAME\", "
            + "column_name AS \"COLUMN_NAME\", CAST(ordinal_position AS BIGINT) AS \"ORDINAL_POSITION\", "
            + "CAST(NULL AS VARCHAR) AS \"COLUMN_DEFAULT\", is_nullable AS \"IS_NULLABLE\", " + DRUID_TYPE + " AS \"DATA_TYPE\", "
            + "CAST(numeric_precision AS BIGINT) AS \"NUMERIC_PRECISION\", "
            + "CAST(numeric_precision_radix AS BIGINT) AS \"NUMERIC_PRECISION_RADIX\", "
            + "CAST(numeric_scale AS BIGINT) AS \"NUMERIC_SCALE\" "
            + "FROM " + sources.columns() + " WHERE " + visible(admin) + ") AS c)";
    }

    static String schemata(boolean admin, DruidCatalogSources sources) {
        return "(SELECT 'druid' AS \"CATALOG_NAME\", "
            + "CASE WHEN catalog_name = current_database() AND schema_name = 'main' THEN 'druid' "
            + "WHEN catalog_name = current_database() THEN schema_name ELSE catalog_name || '.' || schema_name END "
            + "AS \"SCHEMA_NAME\", CAST(NULL AS VARCHAR) AS \"SCHEMA_OWNER\", "
            + "CAST(NULL AS VARCHAR) AS \"DEFAULT_CHARACTER_SET_CATALOG\", CAST(NULL AS VARCHAR) AS \"DEFAULT_CHARACTER_SET_SCHEMA\", "
            + "CAST(NULL AS VARCHAR) AS \"DEFAULT_CHARACTER_SET_NAME\", CAST(NULL AS VARCHAR) AS \"SQL_PATH\" "
            + "FROM " + sources.schemata() + " WHERE catalog_name NOT IN ('system', 'temp', 'trino_functions') "
            + "AND schema_name NOT IN ('information_schema', 'pg_catalog') "
            + (admin ? "" : "AND schema_name <> '" + INTERNAL_SCHEMA + "' ")
            + "UNION ALL SELECT 'druid', 'INFORMATION_SCHEMA', NULL, NULL, NULL, NULL, NULL"
            + (admin ? " UNION SELECT 'druid', '" + INTERNAL_SCHEMA + "', NULL, NULL, NULL, NULL, NULL" : "") + ")";
    }

    private enum Kind { WORD, QUOTED, STRING, SYMBOL }

    private record Token(Kind kind, int start, int end, String text) {
        boolean is(String word) {
            return (kind == Kind.WORD || kind == Kind.QUOTED) && text.equalsIgnoreCase(word);
        }

        boolean symbol(char c) {
            return kind == Kind.SYMBOL && text.charAt(0) == c;
        }
    }

    private DruidSql() {
    }

    /**
     * @param admin whether the principal may read Sluice's own tables (the catalog views show them only then)
     */
    static String rewrite(String sql, boolean admin) {
        return rewrite(sql, admin, () -> DruidCatalogSources.ENGINE);
    }

    /**
     * @param sources what the INFORMATION_SCHEMA views read from (asked for only when the statement names one)
     */
    static String rewrite(String sql, boolean admin, java.util.function.Supplier<DruidCatalogSources> sources) {
        DruidCatalogSources read = null;
        List<Token> tokens = tokenize(sql);
        boolean druidIsAnAlias = declaresAliasDruid(tokens);
        StringBuilder out = new StringBuilder(sql.length() + 64);
        int copied = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            boolean qualified = i > 0 && tokens.get(i - 1).symbol('.');
            // druid.<table>: Druid's one schema of datasources is the engine's default schema, so the qualifier goes
            // (unless the query names a table or subquery "druid", whose columns druid.<column> then means).
            if (!druidIsAnAlias && isDruidSchema(token) && !qualified && i + 2 < tokens.size() && tokens.get(i + 1).symbol('.')
                    && (tokens.get(i + 2).kind() == Kind.WORD || tokens.get(i + 2).kind() == Kind.QUOTED)) {
                out.append(sql, copied, token.start());
                copied = tokens.get(i + 1).end();
                i += 1;
                continue;
            }
            if (token.is("INFORMATION_SCHEMA") && !qualified && i + 2 < tokens.size() && tokens.get(i + 1).symbol('.')
                    && !(i + 3 < tokens.size() && tokens.get(i + 3).symbol('.'))) {
                String name = tokens.get(i + 2).text().toUpperCase(Locale.ROOT);
                if (read == null && List.of("TABLES", "COLUMNS", "SCHEMATA").contains(name)
                        && tokens.get(i + 2).kind() != Kind.STRING) {
                    read = sources.get();
                }
                String view = switch (name) {
                    case "TABLES" -> tables(admin, read);
                    case "COLUMNS" -> columns(admin, read);
                    case "SCHEMATA" -> schemata(admin, read);
                    default -> null;
                };
                if (view != null && tokens.get(i + 2).kind() != Kind.STRING) {
                    out.append(sql, copied, token.start()).append(view);
                    copied = tokens.get(i + 2).end();
                    i += 2;
                }
                continue;
            }
            if (token.kind() == Kind.WORD && !qualified && i + 1 < tokens.size() && tokens.get(i + 1).symbol('(')) {
                String name = token.text().toUpperCase(Locale.ROOT);
                if (name.equals("APPROX_COUNT_DISTINCT")) {
                    // DuckDB's HyperLogLog is several percent off; the macro counts exactly (see DruidFunctions).
                    out.append(sql, copied, token.start()).append("druid_count_distinct");
                    copied = token.end();
                } else if (name.equals("LATEST") || name.equals("EARLIEST")) {
                    out.append(sql, copied, token.start()).append("druid_").append(name.toLowerCase(Locale.ROOT))
                            .append("(\"__time\", ");
                    copied = tokens.get(i + 1).end();
                    i += 1;
                } else if (name.equals("TIME_PARSE")) {
                    int pattern = secondArgumentLiteral(tokens, i + 1);
                    if (pattern > 0) {
                        Token literal = tokens.get(pattern);
                        out.append(sql, copied, literal.start()).append(stringLiteral(jodaToStrptime(literal.text())));
                        copied = literal.end();
                    }
                }
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /** True when the query gives something the alias {@code druid} ({@code … AS druid}). */
    private static boolean declaresAliasDruid(List<Token> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).kind() == Kind.WORD && tokens.get(i).is("AS") && isDruidSchema(tokens.get(i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** {@code druid} unquoted in any case, or {@code "druid"} quoted exactly so. */
    private static boolean isDruidSchema(Token token) {
        return token.kind() == Kind.WORD ? token.text().equalsIgnoreCase("druid")
                : token.kind() == Kind.QUOTED && token.text().equals("druid");
    }

    /** The index of the token that is the whole second argument of the call opening at {@code open}, if a string. */
    private static int secondArgumentLiteral(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.symbol('(')) {
                depth++;
            } else if (token.symbol(')')) {
                if (--depth == 0) {
                    return -1;
                }
            } else if (depth == 1 && token.symbol(',')) {
                boolean whole = i + 2 < tokens.size() && tokens.get(i + 1).kind() == Kind.STRING
                        && (tokens.get(i + 2).symbol(',') || tokens.get(i + 2).symbol(')'));
                return whole ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** Joda pattern letters to strptime: yyyy MM dd HH mm ss SSS, 'quoted' literals, %% for a percent sign. */
    static String jodaToStrptime(String pattern) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                int end = pattern.indexOf('\'', i + 1);
                if (end < 0) {
                    end = pattern.length();
                }
                out.append(pattern, i + 1, end == i + 1 ? i + 1 : end);
                if (end == i + 1) {
                    out.append('\'');
                }
                i = end + 1;
                continue;
            }
            int run = 1;
            while (i + run < pattern.length() && pattern.charAt(i + run) == c) {
                run++;
            }
            String spec = switch (c) {
                case 'y', 'Y', 'u' -> run == 2 ? "%y" : "%Y";
                case 'M' -> run >= 4 ? "%B" : run == 3 ? "%b" : "%m";
                case 'd' -> "%d";
                case 'H' -> "%H";
                case 'h' -> "%I";
                case 'm' -> "%M";
                case 's' -> "%S";
                case 'S' -> "%g";
                case 'a' -> "%p";
                case 'Z' -> "%z";
                case 'D' -> "%j";
                case 'E' -> run >= 4 ? "%A" : "%a";
                case '%' -> "%%".repeat(run);
                default -> String.valueOf(c).repeat(run);
            };
            out.append(spec);
            i += run;
        }
        return out.toString();
    }

    private static String stringLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '"') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            text.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.append(d);
                    j++;
                }
                int end = Math.min(j + 1, n);
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED, i, end, text.toString()));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, i, j, sql.substring(i, j)));
                i = j;
            } else {
                tokens.add(new Token(Kind.SYMBOL, i, i + 1, String.valueOf(c)));
                i++;
            }
        }
        return tokens;
    }
}
