package io.sluice.protocol.druid;

import io.sluice.core.types.SqlType;

/**
 * Druid's two type vocabularies, derived from the canonical type model: the SQL type Druid's planner
 * reports ({@code sqlType}: VARCHAR, BIGINT, TIMESTAMP…) and the native runtime type of its columns
 * ({@code type} / {@code nativeType}: STRING, LONG, DOUBLE, FLOAT, ARRAY&lt;…&gt;, COMPLEX&lt;…&gt;).
 * Druid stores times, dates and booleans as LONG.
 */
final class DruidTypes {

    private DruidTypes() {
    }

    /**
     * HUGEINT is reported as BIGINT: the engine widens {@code SUM} (and other arithmetic) of BIGINT to a 128-bit
     * integer where Druid's longSum stays a LONG, and Druid clients read such a column as BIGINT/LONG.
     */
    static String sqlType(SqlType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case TINYINT -> "TINYINT";
            case SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT, HUGEINT -> "BIGINT";
            case DECIMAL -> "DECIMAL";
            case REAL -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case VARCHAR, UUID, INTERVAL, TIME -> "VARCHAR";
            case DATE -> "DATE";
            case TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE -> "TIMESTAMP";
            case LIST -> sqlType(((SqlType.ListOf) type).element()) + " ARRAY";
            case BLOB, JSON, STRUCT, MAP -> "OTHER";
        };
    }

    static String nativeType(SqlType type) {
        return switch (type.kind()) {
            case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, HUGEINT, DATE, TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE -> "LONG";
            case DECIMAL, DOUBLE -> "DOUBLE";
            case REAL -> "FLOAT";
            case VARCHAR, UUID, INTERVAL, TIME -> "STRING";
            case LIST -> "ARRAY<" + nativeType(((SqlType.ListOf) type).element()) + ">";
            case JSON, STRUCT, MAP -> "COMPLEX<json>";
            case BLOB -> "COMPLEX";
        };
    }

    /** Times Druid renders as instants: ISO-8601 strings on /druid/v2/sql, epoch millis on /sql/statements. */
    static boolean isTime(SqlType type) {
        return switch (type.kind()) {
            case DATE, TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE -> true;
            default -> false;
        };
    }
}
