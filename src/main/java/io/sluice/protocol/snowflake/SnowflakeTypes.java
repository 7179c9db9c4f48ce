package io.sluice.protocol.snowflake;

import io.sluice.core.types.Column;
import io.sluice.core.types.SqlType;

/** Maps the canonical type model onto Snowflake's rowType vocabulary (lower-case type names, as the server sends). */
final class SnowflakeTypes {

    static final long MAX_TEXT = 16_777_216L;
    static final long MAX_BINARY = 8_388_608L;

    private SnowflakeTypes() {
    }

    /**
     * One rowType entry. Snowflake's published OpenAPI description types {@code length}, {@code precision} and
     * {@code scale} as non-negative integers, so an attribute that does not apply is 0 (as in its examples),
     * never null; {@code byteLength} (not in the description) is null where it does not apply.
     */
    record RowType(String name, String type, int scale, int precision, long length, Long byteLength,
                   boolean nullable) {
        RowType named(String newName) {
            return new RowType(newName, type, scale, precision, length, byteLength, nullable);
        }
    }

    /**
     * Every integer type is NUMBER(38,0) in Snowflake (INT, BIGINT, SMALLINT… are synonyms of it), so clients
     * see precision 38 whatever the engine's width. Timestamps carry their fractional digits as the scale.
     */
    static RowType of(Column column) {
        String name = column.name();
        boolean nullable = column.nullable();
        SqlType type = column.type();
        return switch (type.kind()) {
            case BOOLEAN -> other(name, "boolean", nullable);
            case TINYINT, SMALLINT, INTEGER, BIGINT, HUGEINT -> fixed(name, 38, 0, nullable);
            case DECIMAL -> {
                SqlType.Decimal decimal = (SqlType.Decimal) type;
                yield fixed(name, decimal.precision(), decimal.scale(), nullable);
            }
            case REAL, DOUBLE -> other(name, "real", nullable);
            case VARCHAR, INTERVAL -> text(name, MAX_TEXT, nullable);
            case UUID -> text(name, 36, nullable);
            case BLOB -> new RowType(name, "binary", 0, 0, MAX_BINARY, MAX_BINARY, nullable);
            case DATE -> other(name, "date", nullable);
            case TIME -> new RowType(name, "time", 9, 0, 0, null, nullable);
            case TIMESTAMP -> new RowType(name, "timestamp_ntz", ((SqlType.Timestamp) type).precision(), 0, 0, null,
                    nullable);
            case TIMESTAMP_WITH_TIME_ZONE -> new RowType(name, "timestamp_tz", 6, 0, 0, null, nullable);
            case JSON -> other(name, "variant", nullable);
            case LIST -> other(name, "array", nullable);
            case STRUCT, MAP -> other(name, "object", nullable);
        };
    }

    private static RowType other(String name, String type, boolean nullable) {
        return new RowType(name, type, 0, 0, 0, null, nullable);
    }

    static RowType fixed(String name, int precision, int scale, boolean nullable) {
        return new RowType(name, "fixed", scale, precision, 0, null, nullable);
    }

    static RowType text(String name, long length, boolean nullable) {
        return new RowType(name, "text", 0, 0, length, length * 4 > MAX_TEXT ? MAX_TEXT : length * 4, nullable);
    }
}
