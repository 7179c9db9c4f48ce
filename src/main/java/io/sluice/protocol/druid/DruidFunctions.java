package io.sluice.protocol.druid;

import java.util.List;

/**
 * Druid SQL functions that DuckDB lacks, as DuckDB macros. The server runs {@link #installStatements()}
 * once at start on the engine's trusted path; every statement is {@code CREATE OR REPLACE}, so running
 * them again is harmless. No macro shadows a DuckDB built-in (APPROX_COUNT_DISTINCT and CURRENT_TIMESTAMP
 * are DuckDB's own); helpers are prefixed {@code druid_}.
 *
 * <p>Periods are ISO-8601 ({@code PT1H}, {@code P1D}, {@code P1W}, {@code P1M}, {@code P1Y}, {@code PT0.5S}).
 * Joda-style patterns in TIME_PARSE/TIME_FORMAT support {@code yyyy MM dd HH mm ss SSS} and quoted literals;
 * DuckDB needs a constant format for parsing, so the adapter turns a literal TIME_PARSE pattern into
 * DuckDB's spelling before the SQL runs (see {@link DruidSql}).
 * Time zone arguments take IANA names. LATEST/EARLIEST take their time from {@code __time}: the adapter
 * rewrites {@code LATEST(x)} to {@code druid_latest("__time", x)} (see {@link DruidSql}).
 */
public final class DruidFunctions {

    private static final String PERIOD_PATTERN =
            "'^P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$'";

    private DruidFunctions() {
    }

    /** The SQL that defines every supported Druid function, one statement per element. */
    public static List<String> installStatements() {
        return List.of(
                "CREATE OR REPLACE MACRO druid_period(p) AS "
                        + "CASE WHEN regexp_full_match(upper(p), " + PERIOD_PATTERN + ") AND upper(p) NOT IN ('P', 'PT') "
                        + "THEN to_months(" + group(1, "INTEGER") + " * 12 + " + group(2, "INTEGER") + ")"
                        + " + to_days(" + group(3, "INTEGER") + " * 7 + " + group(4, "INTEGER") + ")"
                        + " + to_microseconds(CAST(" + group(5, "DOUBLE") + " * 3600000000 + " + group(6, "DOUBLE")
                        + " * 60000000 + " + group(7, "DOUBLE") + " * 1000000 AS BIGINT))"
                        + " ELSE error('Invalid period [' || p || ']: expected an ISO-8601 period such as PT1H or P1D') END",
                // Wall-clock time in a zone and back, for the functions that take a time zone.
                "CREATE OR REPLACE MACRO druid_local(t, z) AS "
                        + "CAST(timezone(COALESCE(z, 'UTC'), CAST(t AS TIMESTAMPTZ)) AS TIMESTAMP)",
                "CREATE OR REPLACE MACRO druid_utc(t, z) AS "
                        + "CAST(timezone(COALESCE(z, 'UTC'), CAST(t AS TIMESTAMP)) AS TIMESTAMP)",
                // Joda pattern letters filled in from a wall-clock time (a format string must be constant in DuckDB).
                "CREATE OR REPLACE MACRO druid_joda_format(l, f) AS "
                        + "replace(replace(replace(replace(replace(replace(replace(replace(f, "
                        + "'yyyy', lpad(CAST(year(l) AS VARCHAR), 4, '0')), "
                        + "'MM', lpad(CAST(month(l) AS VARCHAR), 2, '0')), "
                        + "'dd', lpad(CAST(day(l) AS VARCHAR), 2, '0')), "
                        + "'HH', lpad(CAST(hour(l) AS VARCHAR), 2, '0')), "
                        + "'mm', lpad(CAST(minute(l) AS VARCHAR), 2, '0')), "
                        + "'SSS', lpad(CAST(millisecond(l) % 1000 AS VARCHAR), 3, '0')), "
                        + "'ss', lpad(CAST(second(l) AS VARCHAR), 2, '0')), "
                        + "'''', '')",
                "CREATE OR REPLACE MACRO time_floor(t, p) AS time_bucket(druid_period(p), CAST(t AS TIMESTAMP)), "
                        + "(t, p, o) AS CASE WHEN o IS NULL THEN time_bucket(druid_period(p), CAST(t AS TIMESTAMP)) "
                        + "ELSE time_bucket(druid_period(p), CAST(t AS TIMESTAMP), CAST(o AS TIMESTAMP)) END, "
                        + "(t, p, o, z) AS druid_utc(CASE WHEN o IS NULL "
                        + "THEN time_bucket(druid_period(p), druid_local(t, z)) "
                        + "ELSE time_bucket(druid_period(p), druid_local(t, z), druid_local(o, z)) END, z)",
                "CREATE OR REPLACE MACRO time_ceil(t, p) AS "
                        + "CASE WHEN time_floor(t, p) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP) "
                        + "ELSE time_floor(t, p) + druid_period(p) END, "
                        + "(t, p, o) AS CASE WHEN time_floor(t, p, o) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP) "
                        + "ELSE time_floor(t, p, o) + druid_period(p) END, "
                        + "(t, p, o, z) AS CASE WHEN time_floor(t, p, o, z) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP) "
                        + "ELSE druid_utc(druid_local(time_floor(t, p, o, z), z) + druid_period(p), z) END",
                "CREATE OR REPLACE MACRO time_shift(t, p, n) AS CAST(t AS TIMESTAMP) + druid_period(p) * CAST(n AS BIGINT), "
                        + "(t, p, n, z) AS druid_utc(druid_local(t, z) + druid_period(p) * CAST(n AS BIGINT), z)",
                "CREATE OR REPLACE MACRO druid_extract(t, u, z) AS CAST(CASE upper(u) "
                        + "WHEN 'EPOCH' THEN epoch(CAST(t AS TIMESTAMP)) "
                        + "WHEN 'MILLISECOND' THEN millisecond(druid_local(t, z)) % 1000 "
                        + "WHEN 'SECOND' THEN second(druid_local(t, z)) "
                        + "WHEN 'MINUTE' THEN minute(druid_local(t, z)) "
                        + "WHEN 'HOUR' THEN hour(druid_local(t, z)) "
                        + "WHEN 'DAY' THEN day(druid_local(t, z)) "
                        + "WHEN 'DOW' THEN isodow(druid_local(t, z)) "
                        + "WHEN 'ISODOW' THEN isodow(druid_local(t, z)) "
                        + "WHEN 'DOY' THEN dayofyear(druid_local(t, z)) "
                        + "WHEN 'WEEK' THEN week(druid_local(t, z)) "
                        + "WHEN 'MONTH' THEN month(druid_local(t, z)) "
                        + "WHEN 'QUARTER' THEN quarter(druid_local(t, z)) "
                        + "WHEN 'YEAR' THEN year(druid_local(t, z)) "
                        + "WHEN 'ISOYEAR' THEN isoyear(druid_local(t, z)) "
                        + "ELSE error('Unsupported TIME_EXTRACT unit [' || u || ']') END AS BIGINT)",
                "CREATE OR REPLACE MACRO time_extract(t) AS druid_extract(t, 'MILLISECOND', 'UTC'), "
                        + "(t, u) AS druid_extract(t, u, 'UTC'), (t, u, z) AS druid_extract(t, u, z)",
                "CREATE OR REPLACE MACRO time_parse(s) AS TRY_CAST(TRY_CAST(s AS TIMESTAMPTZ) AS TIMESTAMP), "
                        + "(s, f) AS try_strptime(s, f), "
                        + "(s, f, z) AS druid_utc(try_strptime(s, f), z)",
                "CREATE OR REPLACE MACRO time_format(t) AS strftime(CAST(t AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ'), "
                        + "(t, f) AS druid_joda_format(CAST(t AS TIMESTAMP), f), "
                        + "(t, f, z) AS druid_joda_format(druid_local(t, z), f)",
                "CREATE OR REPLACE MACRO millis_to_timestamp(ms) AS epoch_ms(CAST(ms AS BIGINT))",
                "CREATE OR REPLACE MACRO timestamp_to_millis(t) AS epoch_ms(CAST(t AS TIMESTAMP))",
                "CREATE OR REPLACE MACRO approx_quantile_ds(x, q) AS approx_quantile(x, q), "
                        + "(x, q, k) AS approx_quantile(x, q)",
                // Druid's sketches are typically within 2% of the truth; DuckDB's approx_count_distinct is a
                // HyperLogLog with few registers and is several percent off (6% on the demo's users). A threshold
                // would not save work here (DuckDB computes both aggregates of a CASE), so Druid's distinct-count
                // functions count exactly, as Druid does with useApproximateCountDistinct=false: the answer is
                // exact at any cardinality, at the memory cost of a hash set of the distinct values (spilled by
                // DuckDB past memory_limit).
                "CREATE OR REPLACE MACRO druid_count_distinct(x) AS count(DISTINCT x)",
                "CREATE OR REPLACE MACRO approx_count_distinct_ds_hll(x) AS count(DISTINCT x), "
                        + "(x, k) AS count(DISTINCT x), (x, k, t) AS count(DISTINCT x)",
                "CREATE OR REPLACE MACRO approx_count_distinct_ds_theta(x) AS count(DISTINCT x), "
                        + "(x, k) AS count(DISTINCT x)",
                "CREATE OR REPLACE MACRO druid_latest(t, x) AS arg_max(x, t), (t, x, n) AS arg_max(x, t)",
                "CREATE OR REPLACE MACRO druid_earliest(t, x) AS arg_min(x, t), (t, x, n) AS arg_min(x, t)",
                "CREATE OR REPLACE MACRO latest_by(x, t) AS arg_max(x, t), (x, t, n) AS arg_max(x, t)",
                "CREATE OR REPLACE MACRO earliest_by(x, t) AS arg_min(x, t), (x, t, n) AS arg_min(x, t)");
    }

    private static String group(int index, String type) {
        return "COALESCE(TRY_CAST(NULLIF(regexp_extract(upper(p), " + PERIOD_PATTERN + ", " + index + "), '') AS "
                + type + "), 0)";
    }
}
