package io.sluice.format;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A DuckDB query with a column of every canonical type: row 1 ordinary values, row 2 edge values
 * (extremes, NaN and infinities, empty strings and collections, pre-epoch times), row 3 all NULL.
 * Intervals stay non-negative because Parquet cannot hold negative ones (tested separately).
 */
final class AllTypes {
    record TypedColumn(String name, String duckDbType, String first, String second) {
    }

    static final List<TypedColumn> COLUMNS = List.of(
            new TypedColumn("bool_col", "BOOLEAN", "true", "false"),
            new TypedColumn("tinyint_col", "TINYINT", "-128", "127"),
            new TypedColumn("smallint_col", "SMALLINT", "32767", "-32768"),
            new TypedColumn("integer_col", "INTEGER", "-2147483648", "0"),
            new TypedColumn("bigint_col", "BIGINT", "9223372036854775807", "-9223372036854775808"),
            new TypedColumn("hugeint_col", "HUGEINT", "170141183460469231731687303715884105727",
                    "-170141183460469231731687303715884105727"),
            new TypedColumn("utinyint_col", "UTINYINT", "255", "0"),
            new TypedColumn("ubigint_col", "UBIGINT", "18446744073709551615", "1"),
            new TypedColumn("decimal_small", "DECIMAL(4,2)", "-0.05", "10.50"),
            new TypedColumn("decimal_18", "DECIMAL(18,3)", "123456789012345.678", "-999999999999999.999"),
            new TypedColumn("decimal_38", "DECIMAL(38,10)", "1234567890123456789012345678.0123456789",
                    "-0.0000000001"),
            new TypedColumn("real_col", "REAL", "1.5", "'NaN'"),
            new TypedColumn("double_col", "DOUBLE", "0.1", "'-Infinity'"),
            new TypedColumn("double_inf_col", "DOUBLE", "'Infinity'", "12345.625"),
            new TypedColumn("varchar_col", "VARCHAR",
                    "'he said \"hi\", then left' || chr(10) || 'new line ✓ 한국어 🦆'", "''"),
            new TypedColumn("blob_col", "BLOB", "'\\xDE\\xAD\\xBE\\xEF'", "''"),
            new TypedColumn("date_col", "DATE", "'2020-01-02'", "'1969-12-31'"),
            new TypedColumn("time_col", "TIME", "'10:11:12.123456'", "'00:00:00'"),
            new TypedColumn("timestamp_col", "TIMESTAMP", "'2020-01-02 03:04:05.123456'", "'1969-12-31 23:59:59.5'"),
            new TypedColumn("timestamp_s_col", "TIMESTAMP_S", "'2020-01-02 03:04:05'", "'1969-12-31 23:59:59'"),
            new TypedColumn("timestamp_ms_col", "TIMESTAMP_MS", "'2020-01-02 03:04:05.123'", "'2020-01-02 03:04:05'"),
            new TypedColumn("timestamp_ns_col", "TIMESTAMP_NS", "'2020-01-02 03:04:05.123456789'",
                    "'2020-01-02 03:04:05.000000001'"),
            new TypedColumn("timestamptz_col", "TIMESTAMPTZ", "'2020-01-02 01:04:05+00'", "'2020-06-30 23:30:00.25+00'"),
            new TypedColumn("interval_col", "INTERVAL", "INTERVAL '1 year 2 months 3 days 04:05:06.789'",
                    "INTERVAL '10 days 00:00:00.001'"),
            new TypedColumn("uuid_col", "UUID", "'550e8400-e29b-41d4-a716-446655440000'",
                    "'00000000-0000-0000-0000-000000000000'"),
            new TypedColumn("json_col", "JSON", "'{\"a\":[1,2.50,{\"b\":null}],\"c\":\"x\"}'", "'[1,{\"k\":\"v\"}]'"),
            new TypedColumn("list_col", "INTEGER[]", "[1, 2, NULL]", "[]"),
            new TypedColumn("list_struct_col", "STRUCT(x INTEGER, y VARCHAR)[]", "[{'x': 1, 'y': 'a'}, NULL]", "[]"),
            new TypedColumn("struct_col", "STRUCT(a INTEGER, b VARCHAR, c DOUBLE[])",
                    "{'a': 1, 'b': 'two', 'c': [1.5, 2.5]}", "{'a': NULL, 'b': NULL, 'c': NULL}"),
            new TypedColumn("map_col", "MAP(VARCHAR, INTEGER)", "MAP {'k1': 1, 'k2': NULL}", "MAP {}"),
            new TypedColumn("int_map_col", "MAP(INTEGER, VARCHAR)", "MAP {1: 'one', 2: 'two'}", "MAP {3: NULL}"));

    /** The expected JSON object of row 1, as the JSON format must render it. */
    static final String FIRST_ROW_JSON = """
            {"id":1,"bool_col":true,"tinyint_col":-128,"smallint_col":32767,"integer_col":-2147483648,
             "bigint_col":9223372036854775807,"hugeint_col":170141183460469231731687303715884105727,
             "utinyint_col":255,"ubigint_col":18446744073709551615,"decimal_small":-0.05,
             "decimal_18":123456789012345.678,"decimal_38":1234567890123456789012345678.0123456789,
             "real_col":1.5,"double_col":0.1,"double_inf_col":"Infinity",
             "varchar_col":"he said \\"hi\\", then left\\nnew line ✓ 한국어 🦆","blob_col":"3q2+7w==",
             "date_col":"2020-01-02","time_col":"10:11:12.123456","timestamp_col":"2020-01-02T03:04:05.123456",
             "timestamp_s_col":"2020-01-02T03:04:05","timestamp_ms_col":"2020-01-02T03:04:05.123",
             "timestamp_ns_col":"2020-01-02T03:04:05.123456789","timestamptz_col":"2020-01-02T01:04:05Z",
             "interval_col":"P1Y2M3DT4H5M6.789S","uuid_col":"550e8400-e29b-41d4-a716-446655440000",
             "json_col":{"a":[1,2.50,{"b":null}],"c":"x"},"list_col":[1,2,null],
             "list_struct_col":[{"x":1,"y":"a"},null],"struct_col":{"a":1,"b":"two","c":[1.5,2.5]},
             "map_col":{"k1":1,"k2":null},"int_map_col":[{"key":1,"value":"one"},{"key":2,"value":"two"}]}
            """;

    static final String SECOND_ROW_JSON = """
            {"id":2,"bool_col":false,"tinyint_col":127,"smallint_col":-32768,"integer_col":0,
             "bigint_col":-9223372036854775808,"hugeint_col":-170141183460469231731687303715884105727,
             "utinyint_col":0,"ubigint_col":1,"decimal_small":10.50,
             "decimal_18":-999999999999999.999,"decimal_38":-0.0000000001,
             "real_col":"NaN","double_col":"-Infinity","double_inf_col":12345.625,
             "varchar_col":"","blob_col":"",
             "date_col":"1969-12-31","time_col":"00:00:00","timestamp_col":"1969-12-31T23:59:59.500000",
             "timestamp_s_col":"1969-12-31T23:59:59","timestamp_ms_col":"2020-01-02T03:04:05",
             "timestamp_ns_col":"2020-01-02T03:04:05.000000001","timestamptz_col":"2020-06-30T23:30:00.250000Z",
             "interval_col":"P10DT0.001S","uuid_col":"00000000-0000-0000-0000-000000000000",
             "json_col":[1,{"k":"v"}],"list_col":[],
             "list_struct_col":[],"struct_col":{"a":null,"b":null,"c":null},
             "map_col":{},"int_map_col":[{"key":3,"value":null}]}
            """;

    private AllTypes() {
    }

    static String sql() {
        List<String> rows = new ArrayList<>();
        rows.add(select(1, true));
        rows.add(select(2, false));
        StringJoiner nulls = new StringJoiner(", ", "SELECT 3 AS id, ", "");
        for (TypedColumn column : COLUMNS) {
            nulls.add("CAST(NULL AS " + column.duckDbType() + ") AS " + column.name());
        }
        rows.add(nulls.toString());
        return "SELECT * FROM (" + String.join(" UNION ALL ", rows) + ") ORDER BY id";
    }

    private static String select(int id, boolean first) {
        StringJoiner select = new StringJoiner(", ", "SELECT " + id + " AS id, ", "");
        for (TypedColumn column : COLUMNS) {
            select.add("CAST(" + (first ? column.first() : column.second()) + " AS " + column.duckDbType() + ") AS "
                    + column.name());
        }
        return select.toString();
    }
}
