package io.sluice.engine.trino;

import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import io.trino.jdbc.Row;
import io.trino.jdbc.RowField;
import io.trino.jdbc.TrinoIntervalDayTime;
import io.trino.jdbc.TrinoIntervalYearMonth;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Writes the Java values Trino's JDBC driver returns into the Arrow vectors of the canonical schema
 * ({@link io.sluice.core.types.ArrowSchemas}): one value at a time, nested values recursively. Vectors grow
 * as needed ({@code setSafe}); the caller bounds how many rows a batch holds.
 */
final class ArrowValueWriter {

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private ArrowValueWriter() {
    }

    static void write(FieldVector vector, SqlType type, int index, Object value) throws SQLException {
        if (value == null) {
            setNull(vector, index);
            return;
        }
        switch (type) {
            case SqlType.Decimal decimal -> ((DecimalVector) vector).setSafe(index,
                    ((BigDecimal) value).setScale(decimal.scale(), RoundingMode.UNNECESSARY));
            case SqlType.Timestamp ignored -> writeTimestamp((TimeStampVector) vector, index, localDateTime(value));
            case SqlType.ListOf list -> writeList((ListVector) vector, list.element(), index, elements(value));
            case SqlType.StructOf struct -> writeStruct((StructVector) vector, struct, index, value);
            case SqlType.MapOf map -> writeMap((MapVector) vector, map, index, (Map<?, ?>) value);
            case SqlType.Simple simple -> writeSimple(vector, simple, index, value);
        }
    }

    private static void writeSimple(FieldVector vector, SqlType.Simple type, int index, Object value) {
        switch (type.kind()) {
            case BOOLEAN -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
            case TINYINT -> ((TinyIntVector) vector).setSafe(index, ((Number) value).byteValue());
            case SMALLINT -> ((SmallIntVector) vector).setSafe(index, ((Number) value).shortValue());
            case INTEGER -> ((IntVector) vector).setSafe(index, ((Number) value).intValue());
            case BIGINT -> ((BigIntVector) vector).setSafe(index, ((Number) value).longValue());
            case HUGEINT -> ((DecimalVector) vector).setSafe(index, new BigDecimal(value.toString()));
            case REAL -> ((Float4Vector) vector).setSafe(index, ((Number) value).floatValue());
            case DOUBLE -> ((Float8Vector) vector).setSafe(index, ((Number) value).doubleValue());
            case VARCHAR, JSON, UUID -> ((VarCharVector) vector).setSafe(index, text(value).getBytes(StandardCharsets.UTF_8));
            case BLOB -> ((VarBinaryVector) vector).setSafe(index, (byte[]) value);
            case DATE -> ((DateDayVector) vector).setSafe(index, Math.toIntExact(localDate(value).toEpochDay()));
            case TIME -> ((TimeMicroVector) vector).setSafe(index, localTime(value).toNanoOfDay() / 1_000);
            case TIMESTAMP_WITH_TIME_ZONE -> {
                Instant instant = instant(value);
                ((TimeStampVector) vector).setSafe(index, Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                        instant.getNano() / 1_000));
            }
            case INTERVAL -> {
                Interval interval = interval(value);
                ((IntervalMonthDayNanoVector) vector).setSafe(index, interval.months(), interval.days(), interval.nanos());
            }
            case DECIMAL, TIMESTAMP, LIST, STRUCT, MAP -> throw new IllegalStateException("not a simple type: " + type);
        }
    }

    private static void writeTimestamp(TimeStampVector vector, int index, LocalDateTime value) {
        Instant instant = value.toInstant(ZoneOffset.UTC);
        TimeUnit unit = ((ArrowType.Timestamp) vector.getField().getType()).getUnit();
        long seconds = instant.getEpochSecond();
        long nanos = instant.getNano();
        long epoch = switch (unit) {
            case SECOND -> seconds;
            case MILLISECOND -> Math.addExact(Math.multiplyExact(seconds, 1_000L), nanos / 1_000_000);
            case MICROSECOND -> Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1_000);
            case NANOSECOND -> Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
        };
        vector.setSafe(index, epoch);
    }

    private static void writeList(ListVector vector, SqlType element, int index, List<?> values) throws SQLException {
        int offset = vector.startNewValue(index);
        FieldVector child = vector.getDataVector();
        for (int item = 0; item < values.size(); item++) {
            write(child, element, offset + item, values.get(item));
        }
        vector.endValue(index, values.size());
    }

    private static void writeStruct(StructVector vector, SqlType.StructOf type, int index, Object value) throws SQLException {
        vector.setIndexDefined(index);
        List<SqlType.StructField> fields = type.fields();
        for (int field = 0; field < fields.size(); field++) {
            Object fieldValue = fieldValue(value, field, fields.get(field).name());
            write((FieldVector) vector.getChildByOrdinal(field), fields.get(field).type(), index, fieldValue);
        }
    }

    private static void writeMap(MapVector vector, SqlType.MapOf type, int index, Map<?, ?> entries) throws SQLException {
        int offset = vector.startNewValue(index);
        StructVector entryVector = (StructVector) vector.getDataVector();
        FieldVector keys = (FieldVector) entryVector.getChildByOrdinal(0);
        FieldVector values = (FieldVector) entryVector.getChildByOrdinal(1);
        int item = 0;
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            entryVector.setIndexDefined(offset + item);
            write(keys, type.key(), offset + item, entry.getKey());
            write(values, type.value(), offset + item, entry.getValue());
            item++;
        }
        vector.endValue(index, entries.size());
    }

    private static Object fieldValue(Object value, int ordinal, String name) {
        if (value instanceof Row row) {
            List<RowField> fields = row.getFields();
            return ordinal < fields.size() ? fields.get(ordinal).getValue() : null;
        }
        if (value instanceof Map<?, ?> map) {
            return map.get(name);
        }
        if (value instanceof List<?> list) {
            return ordinal < list.size() ? list.get(ordinal) : null;
        }
        throw new IllegalArgumentException("a row value was " + value.getClass().getName());
    }

    private static List<?> elements(Object value) throws SQLException {
        if (value instanceof java.sql.Array array) {
            return Arrays.asList((Object[]) array.getArray());
        }
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        throw new IllegalArgumentException("an array value was " + value.getClass().getName());
    }

    private static String text(Object value) {
        return value instanceof String string ? string : String.valueOf(value);
    }

    private static LocalDate localDate(Object value) {
        return switch (value) {
            case LocalDate date -> date;
            case java.sql.Date date -> date.toLocalDate();
            default -> LocalDate.parse(value.toString());
        };
    }

    private static LocalTime localTime(Object value) {
        return switch (value) {
            case LocalTime time -> time;
            case java.sql.Time time -> LocalTime.ofNanoOfDay((Math.floorMod(time.getTime(), 86_400_000L)) * 1_000_000L)
                    .plusNanos(0);
            default -> LocalTime.parse(value.toString());
        };
    }

    private static LocalDateTime localDateTime(Object value) {
        return switch (value) {
            case LocalDateTime dateTime -> dateTime;
            case java.sql.Timestamp timestamp -> timestamp.toLocalDateTime();
            default -> LocalDateTime.parse(value.toString().replace(' ', 'T'));
        };
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case ZonedDateTime dateTime -> dateTime.toInstant();
            case OffsetDateTime dateTime -> dateTime.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalArgumentException("a timestamp with time zone was " + value.getClass().getName());
        };
    }

    /** Trino's DAY TO SECOND interval is a count of milliseconds; whole days are kept as days, as DuckDB does. */
    private static Interval interval(Object value) {
        return switch (value) {
            case TrinoIntervalYearMonth months -> new Interval(months.getMonths(), 0, 0);
            case TrinoIntervalDayTime dayTime -> {
                long nanos = Math.multiplyExact(dayTime.getMilliSeconds(), 1_000_000L);
                yield new Interval(0, Math.toIntExact(nanos / NANOS_PER_DAY), nanos % NANOS_PER_DAY);
            }
            case Interval interval -> interval;
            default -> throw new IllegalArgumentException("an interval was " + value.getClass().getName());
        };
    }

    static void setNull(FieldVector vector, int index) {
        switch (vector) {
            case BaseFixedWidthVector fixed -> fixed.setNull(index);
            case BaseVariableWidthVector variable -> variable.setNull(index);
            case MapVector map -> map.setNull(index);
            case ListVector list -> list.setNull(index);
            case StructVector struct -> struct.setNull(index);
            default -> throw new IllegalStateException("cannot set NULL in " + vector.getClass().getSimpleName());
        }
    }
}
