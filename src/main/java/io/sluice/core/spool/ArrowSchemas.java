package io.sluice.core.spool;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.nio.charset.StandardCharsets;
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
 * The default Arrow layout of a canonical schema (the first vector choice per kind in
 * {@link io.sluice.core.result.BatchStream}). The spool needs it only for a result that received no
 * batch at all, where no engine-chosen Arrow schema exists, so its reader still hands out typed vectors.
 */
final class ArrowSchemas {

    private ArrowSchemas() {
    }

    static Schema defaultArrowSchema(ResultSchema schema) {
        List<Field> fields = new ArrayList<>(schema.size());
        for (Column column : schema.columns()) {
            fields.add(field(column.name(), column.type(), column.nullable()));
        }
        return new Schema(fields);
    }

    private static Field field(String canonicalName, SqlType type, boolean nullable) {
        // Arrow stores names as UTF-8, which cannot carry an unpaired surrogate; the manifest keeps the
        // exact canonical name, and readers identify columns by position, so a replaced character is harmless.
        String name = new String(canonicalName.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        return switch (type) {
            case SqlType.ListOf list -> new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null),
                    List.of(field("item", list.element(), true)));
            case SqlType.StructOf struct -> {
                List<Field> children = new ArrayList<>();
                for (SqlType.StructField child : struct.fields()) {
                    children.add(field(child.name(), child.type(), true));
                }
                yield new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
            }
            case SqlType.MapOf map -> {
                Field entries = new Field("entries", new FieldType(false, ArrowType.Struct.INSTANCE, null),
                        List.of(field("key", map.key(), false), field("value", map.value(), true)));
                yield new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
            }
            default -> new Field(name, new FieldType(nullable, scalarType(type), null), List.of());
        };
    }

    private static ArrowType scalarType(SqlType type) {
        return switch (type) {
            case SqlType.Decimal decimal -> new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
            case SqlType.Timestamp timestamp -> new ArrowType.Timestamp(timeUnit(timestamp.precision()), null);
            default -> switch (type.kind()) {
                case BOOLEAN -> ArrowType.Bool.INSTANCE;
                case TINYINT -> new ArrowType.Int(8, true);
                case SMALLINT -> new ArrowType.Int(16, true);
                case INTEGER -> new ArrowType.Int(32, true);
                case BIGINT -> new ArrowType.Int(64, true);
                case HUGEINT -> new ArrowType.Decimal(38, 0, 128);
                case REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
                case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                case VARCHAR, JSON, UUID -> ArrowType.Utf8.INSTANCE;
                case BLOB -> ArrowType.Binary.INSTANCE;
                case DATE -> new ArrowType.Date(DateUnit.DAY);
                case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
                case TIMESTAMP_WITH_TIME_ZONE -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
                case INTERVAL -> new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO);
                default -> throw new IllegalArgumentException("no scalar Arrow type for " + type.sqlName());
            };
        };
    }

    private static TimeUnit timeUnit(int precision) {
        if (precision == 0) {
            return TimeUnit.SECOND;
        }
        if (precision <= 3) {
            return TimeUnit.MILLISECOND;
        }
        return precision <= 6 ? TimeUnit.MICROSECOND : TimeUnit.NANOSECOND;
    }
}
