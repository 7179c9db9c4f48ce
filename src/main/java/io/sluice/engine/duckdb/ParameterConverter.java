package io.sluice.engine.duckdb;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.duckdb.DuckDBConnection;

/**
 * Converts canonical Java parameter values into objects DuckDB's JDBC driver binds. The declared type wins:
 * the value is converted to it here and the placeholder is wrapped in a CAST to it, so DuckDB sees exactly
 * the declared type. LIST, STRUCT and MAP become the driver's array, struct and map objects; INTERVAL, which
 * the driver cannot bind, travels as DuckDB interval text built from the three numeric parts.
 */
final class ParameterConverter {

    private final DuckDBConnection connection;

    ParameterConverter(DuckDBConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** The type to CAST the placeholder to, or null to let DuckDB infer it from the bound value. */
    static SqlType castType(ParameterValue parameter) {
        if (parameter.type() != null) {
            return parameter.type();
        }
        return parameter.value() instanceof Interval ? SqlType.INTERVAL : null;
    }

    Object toJdbc(String parameterName, ParameterValue parameter) {
        try {
            SqlType type = parameter.type() != null ? parameter.type() : inferType(parameter.value());
            return convert(type, parameter.value());
        } catch (SluiceException e) {
            throw e;
        } catch (IllegalStateException e) {
            // Raised by this class with a message meant for the client.
            throw invalid("Parameter " + parameterName + ": " + e.getMessage());
        } catch (RuntimeException | SQLException e) {
            // ClassCastException, NumberFormatException, DateTimeParseException, ArithmeticException...
            throw invalid("Parameter " + parameterName + ": cannot use "
                    + describe(parameter.value()) + " as " + typeName(parameter.type()));
        }
    }

    private Object convert(SqlType type, Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        if (type == null) {
            return value; // a plain scalar DuckDB binds on its own
        }
        return switch (type.kind()) {
            case BOOLEAN -> value instanceof String text ? parseBoolean(text) : (Boolean) value;
            case TINYINT -> exact(value).byteValueExact();
            case SMALLINT -> exact(value).shortValueExact();
            case INTEGER -> exact(value).intValueExact();
            case BIGINT -> exact(value).longValueExact();
            case HUGEINT -> exact(value).toBigIntegerExact();
            case DECIMAL -> decimal((SqlType.Decimal) type, value);
            case REAL -> value instanceof String text ? Float.parseFloat(text) : ((Number) value).floatValue();
            case DOUBLE -> value instanceof String text ? Double.parseDouble(text) : ((Number) value).doubleValue();
            case VARCHAR -> value instanceof byte[] || value instanceof List || value instanceof Map
                    ? fail() : value.toString();
            case JSON -> (String) value;
            case BLOB -> value instanceof ByteBuffer buffer ? bytes(buffer) : (byte[]) value;
            case DATE -> inRange(value instanceof String text ? LocalDate.parse(text) : (LocalDate) value);
            case TIME -> value instanceof String text ? LocalTime.parse(text) : (LocalTime) value;
            case TIMESTAMP -> inRange(value instanceof String text ? LocalDateTime.parse(text.replace(' ', 'T'))
                    : (LocalDateTime) value);
            case TIMESTAMP_WITH_TIME_ZONE -> inRange(offsetDateTime(value));
            case INTERVAL -> intervalText(value);
            case UUID -> value instanceof String text ? UUID.fromString(text) : (UUID) value;
            case LIST -> list((SqlType.ListOf) type, value);
            case STRUCT -> struct((SqlType.StructOf) type, value);
            case MAP -> map((SqlType.MapOf) type, value);
        };
    }

    /*
     * DuckDB keeps timestamps as int64 microseconds and dates as int32 days; Java's types reach much further, and
     * a value past DuckDB's range would fail inside the engine as an internal "long overflow". The exact
     * arithmetic throws ArithmeticException here instead, which becomes INVALID_PARAMETER.
     */
    private static LocalDateTime inRange(LocalDateTime value) {
        Math.addExact(Math.multiplyExact(value.toEpochSecond(java.time.ZoneOffset.UTC), 1_000_000L), value.getNano() / 1_000);
        return value;
    }

    private static Object inRange(Object offsetDateTime) {
        if (offsetDateTime instanceof java.time.OffsetDateTime value) {
            Math.addExact(Math.multiplyExact(value.toEpochSecond(), 1_000_000L), value.getNano() / 1_000);
        }
        return offsetDateTime;
    }

    private static LocalDate inRange(LocalDate value) {
        Math.toIntExact(value.toEpochDay());
        return value;
    }

    private Object list(SqlType.ListOf type, Object value) throws SQLException {
        List<?> elements = value instanceof Object[] array ? List.of(array) : (List<?>) value;
        Object[] converted = new Object[elements.size()];
        for (int index = 0; index < converted.length; index++) {
            converted[index] = convert(type.element(), elements.get(index));
        }
        return connection.createArrayOf(DuckDbTypes.toDuckDb(type.element()), converted);
    }

    private Object struct(SqlType.StructOf type, Object value) throws SQLException {
        Map<?, ?> fields = (Map<?, ?>) value;
        List<String> declared = type.fields().stream().map(SqlType.StructField::name).toList();
        for (Object key : fields.keySet()) {
            if (!declared.contains(String.valueOf(key))) {
                throw new IllegalStateException("field " + key + " is not in " + type.sqlName());
            }
        }
        Object[] converted = new Object[type.fields().size()];
        for (int index = 0; index < converted.length; index++) {
            SqlType.StructField field = type.fields().get(index);
            converted[index] = convert(field.type(), fields.get(field.name())); // a missing field is NULL
        }
        return connection.createStruct(DuckDbTypes.toDuckDb(type), converted);
    }

    private Object map(SqlType.MapOf type, Object value) throws SQLException {
        Map<Object, Object> converted = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            converted.put(convert(type.key(), entry.getKey()), convert(type.value(), entry.getValue()));
        }
        return connection.createMap(DuckDbTypes.toDuckDb(type), converted);
    }

    /** Infers the type of an undeclared value when the driver cannot bind it as it is. */
    private static SqlType inferType(Object value) {
        return switch (value) {
            case null -> null;
            case Interval interval -> SqlType.INTERVAL;
            case Duration duration -> SqlType.INTERVAL;
            case List<?> list -> new SqlType.ListOf(inferElementType(list));
            case Object[] array -> new SqlType.ListOf(inferElementType(List.of(array)));
            case Map<?, ?> map -> throw new IllegalStateException("declare a STRUCT or MAP type for a map value");
            case Instant instant -> SqlType.TIMESTAMP_WITH_TIME_ZONE;
            case ZonedDateTime zoned -> SqlType.TIMESTAMP_WITH_TIME_ZONE;
            case ByteBuffer buffer -> SqlType.BLOB;
            default -> null;
        };
    }

    private static SqlType inferElementType(List<?> elements) {
        for (Object element : elements) {
            if (element != null) {
                SqlType type = switch (element) {
                    case Boolean b -> SqlType.BOOLEAN;
                    case Byte b -> SqlType.TINYINT;
                    case Short s -> SqlType.SMALLINT;
                    case Integer i -> SqlType.INTEGER;
                    case Long l -> SqlType.BIGINT;
                    case BigInteger b -> SqlType.HUGEINT;
                    case Float f -> SqlType.REAL;
                    case Double d -> SqlType.DOUBLE;
                    case String s -> SqlType.VARCHAR;
                    case LocalDate d -> SqlType.DATE;
                    case LocalTime t -> SqlType.TIME;
                    case LocalDateTime t -> SqlType.TIMESTAMP;
                    case OffsetDateTime t -> SqlType.TIMESTAMP_WITH_TIME_ZONE;
                    case UUID u -> SqlType.UUID;
                    case byte[] b -> SqlType.BLOB;
                    default -> inferType(element);
                };
                if (type == null) {
                    break;
                }
                return type;
            }
        }
        throw new IllegalStateException("declare the LIST type: its element type cannot be inferred");
    }

    private static BigDecimal exact(Object value) {
        BigDecimal number = switch (value) {
            case String text -> new BigDecimal(text.strip());
            case BigDecimal decimal -> decimal;
            case BigInteger integer -> new BigDecimal(integer);
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> BigDecimal.valueOf(f);
            case Number number1 -> BigDecimal.valueOf(number1.longValue());
            default -> throw new IllegalArgumentException("not a number");
        };
        return number.stripTrailingZeros().scale() <= 0 ? number : fail();
    }

    private static BigDecimal decimal(SqlType.Decimal type, Object value) {
        BigDecimal number = switch (value) {
            case String text -> new BigDecimal(text.strip());
            case BigDecimal decimal -> decimal;
            case BigInteger integer -> new BigDecimal(integer);
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> BigDecimal.valueOf(f);
            case Number number1 -> BigDecimal.valueOf(number1.longValue());
            default -> throw new IllegalArgumentException("not a number");
        };
        BigDecimal scaled = number.setScale(type.scale(), RoundingMode.HALF_UP);
        return scaled.precision() - scaled.scale() <= type.precision() - type.scale() ? scaled : fail();
    }

    private static OffsetDateTime offsetDateTime(Object value) {
        return switch (value) {
            case String text -> OffsetDateTime.parse(text.replace(' ', 'T'));
            case Instant instant -> instant.atOffset(ZoneOffset.UTC);
            case ZonedDateTime zoned -> zoned.toOffsetDateTime();
            default -> (OffsetDateTime) value;
        };
    }

    /** DuckDB intervals keep microseconds; text in units DuckDB parses keeps the three parts apart. */
    private static String intervalText(Object value) {
        if (value instanceof String text) {
            return text; // DuckDB's own interval text, e.g. '2 days 03:00:00'
        }
        Interval interval = switch (value) {
            case Duration duration -> new Interval(0, 0, duration.toNanos());
            case Interval given -> given;
            default -> throw new IllegalArgumentException("not an interval");
        };
        if (interval.nanos() % 1000 != 0) {
            throw new IllegalStateException("DuckDB intervals have microsecond precision; "
                    + interval + " has nanoseconds");
        }
        return interval.months() + " months " + interval.days() + " days " + interval.nanos() / 1000 + " microseconds";
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> fail();
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static <T> T fail() {
        throw new IllegalArgumentException("value does not fit the type");
    }

    private static String describe(Object value) {
        return value == null ? "NULL" : "a " + value.getClass().getSimpleName() + " value";
    }

    private static String typeName(SqlType type) {
        return type == null ? "a parameter" : type.sqlName();
    }

    static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
