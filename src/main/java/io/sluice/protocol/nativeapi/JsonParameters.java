package io.sluice.protocol.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import io.sluice.core.types.SqlTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Native API parameters: a JSON array binds positionally, a JSON object binds by name. Each value is a
 * plain JSON scalar (its type inferred) or {@code {"type": "DATE", "value": "2020-01-02"}} with a
 * canonical type name. Values are converted here and bound by the engine, never spliced into SQL.
 */
final class JsonParameters {

    private static final Map<String, String> ALIASES = Map.of(
            "INT", "INTEGER", "TEXT", "VARCHAR", "STRING", "VARCHAR", "FLOAT", "REAL", "BOOL", "BOOLEAN",
            "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "BYTEA", "BLOB", "NUMERIC", "DECIMAL(38,10)");

    private JsonParameters() {
    }

    static Parameters parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Parameters.NONE;
        }
        if (node.isArray()) {
            List<ParameterValue> values = new ArrayList<>();
            for (int index = 0; index < node.size(); index++) {
                values.add(value(node.get(index), "parameter " + (index + 1)));
            }
            return new Parameters.Positional(values);
        }
        if (node.isObject()) {
            Map<String, ParameterValue> values = new LinkedHashMap<>();
            node.properties().forEach(entry -> values.put(entry.getKey(), value(entry.getValue(), "parameter '" + entry.getKey() + "'")));
            return new Parameters.Named(values);
        }
        throw invalid("parameters must be a JSON array (positional) or object (named)");
    }

    private static ParameterValue value(JsonNode node, String label) {
        if (node.isObject() && node.has("type")) {
            if (!node.get("type").isTextual()) {
                throw invalid(label + ": 'type' must be a type name such as \"DATE\"");
            }
            SqlType type = type(node.get("type").asText(), label);
            JsonNode value = node.get("value");
            return new ParameterValue(type, value == null || value.isNull() ? null : convert(value, type, label));
        }
        if (node.isNull()) {
            return new ParameterValue(null, null);
        }
        if (node.isBoolean()) {
            return ParameterValue.of(node.booleanValue());
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? ParameterValue.of(node.longValue()) : ParameterValue.of(node.bigIntegerValue());
        }
        if (node.isNumber()) {
            return ParameterValue.of(node.decimalValue());
        }
        if (node.isTextual()) {
            return ParameterValue.of(node.textValue());
        }
        throw invalid(label + ": a list, struct or map value needs an explicit type, e.g. {\"type\": \"INTEGER[]\", \"value\": [1, 2]}");
    }

    private static SqlType type(String name, String label) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        try {
            return SqlTypes.parse(ALIASES.getOrDefault(upper, upper));
        } catch (IllegalArgumentException e) {
            throw invalid(label + ": unknown type '" + name + "'");
        }
    }

    private static Object convert(JsonNode value, SqlType type, String label) {
        try {
            return switch (type.kind()) {
                case BOOLEAN -> value.isBoolean() ? value.booleanValue() : parseBoolean(value.asText());
                case TINYINT -> Byte.valueOf((byte) ranged(value, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case SMALLINT -> Short.valueOf((short) ranged(value, Short.MIN_VALUE, Short.MAX_VALUE));
                case INTEGER -> Integer.valueOf((int) ranged(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case BIGINT -> ranged(value, Long.MIN_VALUE, Long.MAX_VALUE);
                case HUGEINT -> new BigDecimal(value.asText()).toBigIntegerExact();
                case DECIMAL -> decimal(value, (SqlType.Decimal) type);
                case REAL -> Float.parseFloat(value.asText());
                case DOUBLE -> Double.parseDouble(value.asText());
                case VARCHAR -> text(value);
                case JSON -> value.isTextual() ? value.textValue() : value.toString();
                case BLOB -> Base64.getDecoder().decode(text(value));
                case DATE -> LocalDate.parse(text(value));
                case TIME -> LocalTime.parse(text(value));
                case TIMESTAMP -> LocalDateTime.parse(text(value).replace(' ', 'T'));
                case TIMESTAMP_WITH_TIME_ZONE -> OffsetDateTime.parse(text(value).replace(' ', 'T'));
                case INTERVAL -> interval(text(value));
                case UUID -> UUID.fromString(text(value));
                case LIST -> list(value, ((SqlType.ListOf) type).element(), label);
                case STRUCT -> struct(value, (SqlType.StructOf) type, label);
                case MAP -> map(value, (SqlType.MapOf) type, label);
            };
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid(label + ": cannot read " + abbreviate(value) + " as " + type.sqlName());
        }
    }

    private static long ranged(JsonNode value, long min, long max) {
        BigInteger number = new BigDecimal(value.asText().trim()).toBigIntegerExact();
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ArithmeticException("out of range");
        }
        return number.longValueExact();
    }

    private static BigDecimal decimal(JsonNode value, SqlType.Decimal type) {
        BigDecimal number = new BigDecimal(value.asText().trim());
        if (number.precision() - number.scale() > type.precision() - type.scale()) {
            throw new ArithmeticException("too many digits");
        }
        return number;
    }

    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static String text(JsonNode value) {
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("expected a scalar");
        }
        return value.asText();
    }

    /** ISO-8601 durations with a date part and a time part, e.g. P1M2DT3S, kept as months/days/nanos. */
    private static Interval interval(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        int timeStart = upper.indexOf('T');
        Period period = timeStart < 0 ? Period.parse(upper) : timeStart == 1 ? Period.ZERO : Period.parse(upper.substring(0, timeStart));
        Duration duration = timeStart < 0 ? Duration.ZERO : Duration.parse("P" + upper.substring(timeStart));
        return new Interval(Math.toIntExact(period.toTotalMonths()), period.getDays(), duration.toNanos());
    }

    private static List<Object> list(JsonNode value, SqlType element, String label) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("expected an array");
        }
        List<Object> values = new ArrayList<>();
        for (JsonNode item : value) {
            values.add(item.isNull() ? null : convert(item, element, label));
        }
        return values;
    }

    private static Map<String, Object> struct(JsonNode value, SqlType.StructOf type, String label) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (SqlType.StructField field : type.fields()) {
            JsonNode item = value.get(field.name());
            fields.put(field.name(), item == null || item.isNull() ? null : convert(item, field.type(), label));
        }
        return fields;
    }

    private static Map<Object, Object> map(JsonNode value, SqlType.MapOf type, String label) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        Map<Object, Object> entries = new LinkedHashMap<>();
        value.properties().forEach(entry -> entries.put(
                convert(com.fasterxml.jackson.databind.node.TextNode.valueOf(entry.getKey()), type.key(), label),
                entry.getValue().isNull() ? null : convert(entry.getValue(), type.value(), label)));
        return entries;
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
