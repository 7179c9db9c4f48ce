package io.sluice.protocol.druid;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Druid's {@code parameters}: a list of {@code {"type": "<Avatica SQL type>", "value": …}} filling the
 * {@code ?} placeholders in order. Values are converted to canonical Java values and bound by the engine,
 * never spliced into the SQL. A TIMESTAMP may be epoch millis, ISO-8601 or {@code yyyy-MM-dd HH:mm:ss[.fff]},
 * as Druid accepts.
 */
final class DruidParameters {

    private DruidParameters() {
    }

    static Parameters parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Parameters.NONE;
        }
        if (!node.isArray()) {
            throw invalid("parameters must be a list of {\"type\": ..., \"value\": ...} objects");
        }
        List<ParameterValue> values = new ArrayList<>();
        for (int index = 0; index < node.size(); index++) {
            values.add(parameter(node.get(index), index + 1));
        }
        return new Parameters.Positional(values);
    }

    private static ParameterValue parameter(JsonNode node, int ordinal) {
        if (!node.isObject() || !node.path("type").isTextual()) {
            throw invalid("Parameter [" + ordinal + "] must be an object with a 'type' such as \"VARCHAR\" and a 'value'");
        }
        String typeName = node.get("type").asText().trim().toUpperCase(Locale.ROOT);
        JsonNode value = node.get("value");
        SqlType type = type(typeName, value, ordinal);
        if (value == null || value.isNull()) {
            return new ParameterValue(type, null);
        }
        try {
            return new ParameterValue(type, convert(typeName, type, value));
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid("Parameter [" + ordinal + "]: cannot read " + abbreviate(value) + " as " + typeName);
        }
    }

    private static SqlType type(String name, JsonNode value, int ordinal) {
        return switch (name) {
            case "VARCHAR", "CHAR" -> SqlType.VARCHAR;
            case "BIGINT" -> SqlType.BIGINT;
            case "INTEGER" -> SqlType.INTEGER;
            case "SMALLINT" -> SqlType.SMALLINT;
            case "TINYINT" -> SqlType.TINYINT;
            case "DOUBLE", "DECIMAL", "NUMERIC" -> SqlType.DOUBLE;
            case "FLOAT", "REAL" -> SqlType.REAL;
            case "BOOLEAN" -> SqlType.BOOLEAN;
            case "TIMESTAMP" -> new SqlType.Timestamp(3);
            case "DATE" -> SqlType.DATE;
            case "ARRAY" -> new SqlType.ListOf(arrayElement(value));
            default -> throw invalid("Parameter [" + ordinal + "] has an unsupported type [" + name
                    + "]; use one of VARCHAR, CHAR, BIGINT, INTEGER, SMALLINT, TINYINT, DOUBLE, DECIMAL, FLOAT, REAL, "
                    + "BOOLEAN, TIMESTAMP, DATE, ARRAY");
        };
    }

    /** Druid infers an ARRAY parameter's element type from its values: all integers, numbers, or strings. */
    private static SqlType arrayElement(JsonNode value) {
        if (value == null || !value.isArray()) {
            return SqlType.VARCHAR;
        }
        boolean integral = true;
        boolean numeric = true;
        for (JsonNode item : value) {
            if (item.isNull()) {
                continue;
            }
            numeric &= item.isNumber();
            integral &= item.isIntegralNumber();
        }
        return numeric && integral ? SqlType.BIGINT : numeric ? SqlType.DOUBLE : SqlType.VARCHAR;
    }

    private static Object convert(String name, SqlType type, JsonNode value) {
        return switch (type.kind()) {
            case VARCHAR -> scalarText(value);
            case BIGINT -> new BigDecimal(scalarText(value).trim()).longValueExact();
            case INTEGER -> new BigDecimal(scalarText(value).trim()).intValueExact();
            case SMALLINT -> new BigDecimal(scalarText(value).trim()).shortValueExact();
            case TINYINT -> new BigDecimal(scalarText(value).trim()).byteValueExact();
            case DOUBLE -> Double.parseDouble(scalarText(value));
            case REAL -> Float.parseFloat(scalarText(value));
            case BOOLEAN -> value.isBoolean() ? value.booleanValue() : bool(scalarText(value));
            case TIMESTAMP -> timestamp(value);
            case DATE -> value.isNumber() ? timestamp(value).toLocalDate() : LocalDate.parse(scalarText(value).trim().substring(0, 10));
            case LIST -> list(((SqlType.ListOf) type).element(), value, name);
            default -> throw new IllegalArgumentException("unsupported");
        };
    }

    private static LocalDateTime timestamp(JsonNode value) {
        if (value.isNumber()) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(value.longValue()), ZoneOffset.UTC);
        }
        String text = scalarText(value).trim();
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } catch (RuntimeException notOffset) {
            return LocalDateTime.parse(text.replace(' ', 'T'));
        }
    }

    private static List<Object> list(SqlType element, JsonNode value, String name) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("expected an array");
        }
        List<Object> items = new ArrayList<>();
        for (JsonNode item : value) {
            items.add(item.isNull() ? null : convert(name, element, item));
        }
        return items;
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static String scalarText(JsonNode value) {
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("expected a scalar");
        }
        return value.asText();
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
