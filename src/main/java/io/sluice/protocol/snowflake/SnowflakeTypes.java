package io.sluice.protocol.snowflake;

import io.sluice.core.types.Column;
import io.sluice.core.types.SqlType;

/** Maps the canonical type model onto Snowflake's rowType vocabulary (lower-case type names, as the server sends). */
final class SnowflakeTypes {

    static final long MAX_TEXT = 16_777_216L;
    static final long MAX_BINARY = 8_388_608L;

    private SnowflakeTypes() {
    }

    /** One rowType entry; absent attributes are JSON null, never left out. */
    record RowType(String name, String type, Integer scale, Integer precision, Long length, Long byteLength,
                   boolean nullable) {
    }

    static RowType of(Column column) {
        String name = column.name();
        boolean nullable = column.nullable();
        SqlType type = column.type();
        return switch (type.kind()) {
            case BOOLEAN -> new RowType(name, "boolean", null, null, null, null, nullable);
            case TINYINT -> fixed(name, 3, 0, nullable);
            case SMALLINT -> fixed(name, 5, 0, nullable);
            case INTEGER -> fixed(name, 10, 0, nullable);
            case BIGINT -> fixed(name, 19, 0, nullable);
            case HUGEINT -> fixed(name, 38, 0, nullable);
            case DECIMAL -> {
                SqlType.Decimal decimal = (SqlType.Decimal) type;
                yield fixed(name, decimal.precision(), decimal.scale(), nullable);
            }
            case REAL, DOUBLE -> new RowType(name, "real", null, null, null, null, nullable);
            case VARCHAR, INTERVAL -> text(name, MAX_TEXT, nullable);
            case UUID -> text(name, 36, nullable);
            case BLOB -> new RowType(name, "binary", null, null, MAX_BINARY, MAX_BINARY, nullable);
            case DATE -> new RowType(name, "date", null, null, null, null, nullable);
            case TIME -> new RowType(name, "time", 9, 0, null, null, nullable);
            case TIMESTAMP -> new RowType(name, "timestamp_ntz", ((SqlType.Timestamp) type).precision(), 0, null, null,
                    nullable);
            case TIMESTAMP_WITH_TIME_ZONE -> new RowType(name, "timestamp_tz", 6, 0, null, null, nullable);
            case JSON -> new RowType(name, "variant", null, null, null, null, nullable);
            case LIST -> new RowType(name, "array", null, null, null, null, nullable);
            case STRUCT, MAP -> new RowType(name, "object", null, null, null, null, nullable);
        };
    }

    static RowType fixed(String name, int precision, int scale, boolean nullable) {
        return new RowType(name, "fixed", scale, precision, null, null, nullable);
    }

    static RowType text(String name, long length, boolean nullable) {
        return new RowType(name, "text", null, null, length, length * 4 > MAX_TEXT ? MAX_TEXT : length * 4, nullable);
    }
}
