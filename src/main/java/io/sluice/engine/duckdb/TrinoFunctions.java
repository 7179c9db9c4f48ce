package io.sluice.engine.duckdb;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Trino's functions that DuckDB lacks or means differently, as DuckDB macros in a catalog of their own that only
 * statements in the Trino dialect ({@link io.sluice.core.engine.SqlDialect#TRINO}) have on their search path.
 *
 * <p>Why a catalog of their own rather than the database's main schema (where the Druid functions live): several
 * names are DuckDB's too with another meaning ({@code date_add(date, interval)}, {@code date_diff} counting unit
 * boundaries crossed, {@code date_trunc} of a DATE giving a TIMESTAMP, {@code element_at} of a map giving a list).
 * Shadowing them for every protocol would change other clients' results; on the search path of Trino statements
 * only, DuckDB's binder picks the Trino meaning before its own, and nothing rewrites SQL text. The catalog is an
 * in-memory database attached at engine start: nothing is written into the user's database, and every engine
 * process makes its own.
 *
 * <p>Inside the macros DuckDB's own functions are called as {@code system.main.name}, so that a macro never
 * resolves to itself, and helpers by their full name, whatever the caller's search path.
 */
final class TrinoFunctions {

    /** The attached in-memory catalog that holds the macros. */
    static final String CATALOG = "trino_functions";
    private static final String SCHEMA = CATALOG + ".main";

    /**
     * Puts the Trino functions after the connection's current schema on its search path: the current schema stays
     * first, so unqualified tables resolve and are created where they did before. Run after the session's USE.
     */
    static final String SEARCH_PATH = "SET search_path = '\"' || replace(current_database(), '\"', '\"\"') || '\".\"' "
            + "|| replace(current_schema(), '\"', '\"\"') || '\"," + SCHEMA + "'";

    private TrinoFunctions() {
    }

    /** Attaches the catalog and creates the macros; at engine start, while the configuration can still change. */
    static void install(Statement statement) throws SQLException {
        statement.execute("ATTACH IF NOT EXISTS ':memory:' AS " + CATALOG);
        for (String macro : macros()) {
            statement.execute(macro);
        }
    }

    /** One statement per macro. */
    static List<String> macros() {
        return List.of(
                // Joda's minimum digits: padded with zeros, never cut (DuckDB's lpad cuts a longer value).
                macro("trino_pad(v, n)", "CASE WHEN length(CAST(v AS VARCHAR)) >= n THEN CAST(v AS VARCHAR) "
                        + "ELSE lpad(CAST(v AS VARCHAR), CAST(n AS INTEGER), '0') END"),
                macro("trino_interval(u, n)", "CASE lower(u) "
                        + "WHEN 'millisecond' THEN to_milliseconds(CAST(n AS BIGINT)) "
                        + "WHEN 'second' THEN to_seconds(CAST(n AS BIGINT)) "
                        + "WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT)) "
                        + "WHEN 'hour' THEN to_hours(CAST(n AS BIGINT)) "
                        + "WHEN 'day' THEN to_days(CAST(n AS INTEGER)) "
                        + "WHEN 'week' THEN to_weeks(CAST(n AS INTEGER)) "
                        + "WHEN 'month' THEN to_months(CAST(n AS INTEGER)) "
                        + "WHEN 'quarter' THEN to_months(CAST(n AS INTEGER) * 3) "
                        + "WHEN 'year' THEN to_years(CAST(n AS INTEGER)) "
                        + "ELSE error('''' || u || ''' is not a valid unit: use millisecond, second, minute, hour, day, "
                        + "week, month, quarter or year') END"),
                // The result has the argument's type, as in Trino (DuckDB's own gives a TIMESTAMP for a DATE).
                macro("date_trunc(u, x DATE)", "CAST(system.main.date_trunc(u, x) AS DATE), "
                        + "(u, x TIMESTAMP) AS system.main.date_trunc(u, x), "
                        + "(u, x TIMESTAMP WITH TIME ZONE) AS system.main.date_trunc(u, x), "
                        + "(u, x TIME) AS CAST(system.main.date_trunc(u, DATE '1970-01-01' + x) AS TIME)"),
                // Trino's argument order (unit, value, timestamp); a month past the end of the next one clamps.
                macro("date_add(u, n, x DATE)", "CAST(x + " + helper("trino_interval(u, n)") + " AS DATE), "
                        + "(u, n, x TIMESTAMP) AS x + " + helper("trino_interval(u, n)") + ", "
                        + "(u, n, x TIMESTAMP WITH TIME ZONE) AS x + " + helper("trino_interval(u, n)") + ", "
                        + "(u, n, x TIME) AS x + " + helper("trino_interval(u, n)")),
                // Whole units elapsed, as Trino counts: DuckDB's date_sub. (DuckDB's date_diff counts boundaries.)
                macro("date_diff(u, a, b)", "system.main.date_sub(u, a, b)"),
                // Seconds, rounded to Trino's milliseconds, as an instant.
                macro("from_unixtime(x)", "CAST(epoch_ms(CAST(round(CAST(x AS DOUBLE) * 1000) AS BIGINT)) "
                        + "AS TIMESTAMP WITH TIME ZONE)"),
                macro("to_unixtime(x)", "epoch(x)"),
                // Counted exactly, like the Druid distinct counts: exact is within any error bound Trino's
                // HyperLogLog promises (2.3% by default), where DuckDB's approx_count_distinct is several percent off.
                macro("approx_distinct(x)", "count(DISTINCT x), (x, e) AS count(DISTINCT x)"),
                // A t-digest like Trino's, bounded in memory; a single percentile or an array of them. Trino's types:
                // whole numbers give a bigint, the rest a double.
                macro("approx_percentile(x BIGINT, p)", "approx_quantile(x, p), (x DOUBLE, p) AS approx_quantile(x, p)"),
                // Scalars only (objects and arrays give NULL), invalid JSON gives NULL; Trino's ["key"] path
                // steps become DuckDB's ."key".
                macro("json_extract_scalar(j, p)", "CASE WHEN NOT json_valid(j) THEN NULL "
                        + "WHEN json_type(j, " + jsonPath("p") + ") IN ('OBJECT', 'ARRAY') THEN NULL "
                        + "ELSE json_extract_string(j, " + jsonPath("p") + ") END"),
                macro("regexp_like(s, p)", "regexp_matches(s, p)"),
                // An array's element from 1 (negative from the end) or a map's value; NULL when there is none.
                macro("element_at(c, k)", "c[k]"),
                // Trino's bigint (DuckDB counts in UBIGINT). DuckDB checks cardinality's argument type when the macro
                // is created, where x has none; inside a lambda it is checked only when the macro is used.
                macro("cardinality(x)", "CAST(list_transform([x], lambda v: system.main.cardinality(v))[1] AS BIGINT)"),
                macro("trino_joda_format(l, f)", "array_to_string(list_transform(regexp_extract_all(f, "
                        + "'''(?:[^'']|'''')*''|G+|C+|Y+|x+|w+|e+|E+|y+|D+|M+|d+|a+|K+|h+|H+|k+|m+|s+|S+|z+|Z+|[A-Za-z]"
                        + "|[^A-Za-z'']+'), lambda t: " + jodaField() + "), '')"),
                // Joda's pattern letters (as Trino's format_datetime reads them), in UTC, the engine's time zone.
                macro("format_datetime(x, f)", helper("trino_joda_format(CAST(x AS TIMESTAMP), f)")));
    }

    /** What one token of a Joda pattern ({@code yyyy}, {@code MMM}, {@code 'text'}, a separator) renders as. */
    private static String jodaField() {
        String n = "length(t)";
        return "CASE left(t, 1) "
                + "WHEN '''' THEN CASE WHEN t = '''''' THEN '''' ELSE replace(substr(t, 2, " + n + " - 2), '''''', '''') END "
                + "WHEN 'y' THEN " + year("year(l)") + " "
                + "WHEN 'Y' THEN " + year("year(l)") + " "
                + "WHEN 'x' THEN " + year("isoyear(l)") + " "
                + "WHEN 'G' THEN CASE WHEN year(l) > 0 THEN 'AD' ELSE 'BC' END "
                + "WHEN 'C' THEN " + pad("year(l) // 100") + " "
                + "WHEN 'w' THEN " + pad("week(l)") + " "
                + "WHEN 'e' THEN " + pad("isodow(l)") + " "
                + "WHEN 'E' THEN CASE WHEN " + n + " >= 4 THEN dayname(l) ELSE left(dayname(l), 3) END "
                + "WHEN 'M' THEN CASE WHEN " + n + " >= 4 THEN monthname(l) WHEN " + n + " = 3 THEN left(monthname(l), 3) "
                + "ELSE " + pad("month(l)") + " END "
                + "WHEN 'd' THEN " + pad("day(l)") + " "
                + "WHEN 'D' THEN " + pad("dayofyear(l)") + " "
                + "WHEN 'a' THEN CASE WHEN hour(l) < 12 THEN 'AM' ELSE 'PM' END "
                + "WHEN 'H' THEN " + pad("hour(l)") + " "
                + "WHEN 'k' THEN " + pad("CASE WHEN hour(l) = 0 THEN 24 ELSE hour(l) END") + " "
                + "WHEN 'K' THEN " + pad("hour(l) % 12") + " "
                + "WHEN 'h' THEN " + pad("CASE WHEN hour(l) % 12 = 0 THEN 12 ELSE hour(l) % 12 END") + " "
                + "WHEN 'm' THEN " + pad("minute(l)") + " "
                + "WHEN 's' THEN " + pad("second(l)") + " "
                // Fractions to Joda's millisecond precision, then zeros.
                + "WHEN 'S' THEN left(lpad(CAST(millisecond(l) % 1000 AS VARCHAR), 3, '0') || repeat('0', " + n + "), "
                + n + ") "
                + "WHEN 'Z' THEN CASE " + n + " WHEN 1 THEN '+0000' WHEN 2 THEN '+00:00' ELSE 'UTC' END "
                + "WHEN 'z' THEN CASE WHEN " + n + " >= 4 THEN 'Coordinated Universal Time' ELSE 'UTC' END "
                + "ELSE CASE WHEN regexp_matches(t, '^[A-Za-z]') "
                + "THEN error('Illegal pattern component: ' || t) ELSE t END END";
    }

    /** Joda's year fields: two letters are the year of the century, more are a minimum width. */
    private static String year(String value) {
        return "CASE WHEN length(t) = 2 THEN " + helper("trino_pad(" + value + " % 100, 2)") + " ELSE " + pad(value) + " END";
    }

    private static String pad(String value) {
        return helper("trino_pad(" + value + ", length(t))");
    }

    private static String jsonPath(String path) {
        return "regexp_replace(" + path + ", '\\[\"([^\"]*)\"\\]', '.\"\\1\"', 'g')";
    }

    private static String helper(String call) {
        return SCHEMA + "." + call;
    }

    private static String macro(String signature, String body) {
        return "CREATE OR REPLACE MACRO " + SCHEMA + "." + signature + " AS " + body;
    }
}
