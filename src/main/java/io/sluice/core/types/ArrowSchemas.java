package io.sluice.core.types;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema for a canonical schema, using the vector types engines produce (see
 * {@link io.sluice.core.result.BatchStream}). Needed when a result has no batch to take the schema from:
 * the spool's empty results and the Arrow encoder's empty streams.
 */
public final class ArrowSchemas {
    private ArrowSchemas() {
    }

    public static Schema toArrow(ResultSchema schema) {
        List<Field> fields = new ArrayList<>(schema.size());
        for (Column column : schema.columns()) {
            fields.add(field(column.name(), column.type(), column.nullable()));
        }
        return new Schema(fields);
    }

    public static Field field(String canonicalName, SqlType type, boolean nullable) {
        // Arrow stores names as UTF-8, which cannot carry an unpaired surrogate; the spool's manifest keeps the
        // exact canonical name and readers identify columns by position, so a replaced character is harmless.
        String name = new String(canonicalName.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8);
        return switch (type) {
            case SqlType.ListOf list ->
                    new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(field("l", list.element(), true)));
            case SqlType.StructOf struct -> {
                List<Field> children = new ArrayList<>();
                for (SqlType.StructField structField : struct.fields()) {
                    children.add(field(structField.name(), structField.type(), true));
                }
                yield new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
            }
            case SqlType.MapOf map -> {
                Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE),
                        List.of(field("key", map.key(), false), field("value", map.value(), true)));
                yield new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
            }
            default -> new Field(name, new FieldType(nullable, scalar(type), null), List.of());
        };
    }

    private static ArrowType scalar(SqlType type) {
        return switch (type.kind()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TINYINT -> new ArrowType.Int(8, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case HUGEINT -> new ArrowType.Decimal(38, 0, 128);
            case DECIMAL -> {
                SqlType.Decimal decimal = (SqlType.Decimal) type;
                yield new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
            }
            case REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case VARCHAR, JSON, UUID -> ArrowType.Utf8.INSTANCE;
            case BLOB -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP -> new ArrowType.Timestamp(unit(((SqlType.Timestamp) type).precision()), null);
            case TIMESTAMP_WITH_TIME_ZONE -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case INTERVAL -> new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO);
            case LIST, STRUCT, MAP -> throw new IllegalArgumentException("nested type handled by field(): " + type);
        };
    }

    private static TimeUnit unit(int precision) {
        if (precision == 0) {
            return TimeUnit.SECOND;
        }
        if (precision <= 3) {
            return TimeUnit.MILLISECOND;
        }
        return precision <= 6 ? TimeUnit.MICROSECOND : TimeUnit.NANOSECOND;
    }
}
