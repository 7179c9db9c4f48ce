package io.sluice.protocol.ksql;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Locale;

/** Checks values sent for a column against its type (as ksqlDB does) and renders stored values as JSON values. */
final class KsqlValues {

    private KsqlValues() {
    }

    /** A JSON value sent by a client, as the Java value to bind for a column of {@code sqlType}. */
    static Object fromJson(JsonNode node, String column, String sqlType) {
        if (node == null || node.isNull()) {
            return null;
        }
        Object value = node.isTextual() ? node.textValue() : node.isBoolean() ? node.booleanValue()
                : node.isIntegralNumber() ? (Object) node.bigIntegerValue() : node.isNumber() ? node.decimalValue() : null;
        if (value == null) {
            throw invalid(column, sqlType, node.toString());
        }
        if (value instanceof java.math.BigInteger big) {
            value = big.bitLength() < 64 ? (Object) big.longValue() : new BigDecimal(big);
        }
        return coerce(value, column, sqlType);
    }

    /** A literal (String, Long, Double, BigDecimal, Boolean, null) coerced to a column of {@code sqlType}. */
    static Object coerce(Object value, String column, String sqlType) {
        if (value == null) {
            return null;
        }
        String type = sqlType.toUpperCase(Locale.ROOT);
        if (type.startsWith("DECIMAL")) {
            if (value instanceof Number number) {
                return new BigDecimal(number.toString());
            }
            return decimalText(value, column, sqlType);
        }
        switch (type) {
            case "VARCHAR":
                if (value instanceof String) {
                    return value;
                }
                break;
            case "INTEGER":
                if (value instanceof Long number && number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
                    return number.intValue();
                }
                break;
            case "BIGINT":
                if (value instanceof Long) {
                    return value;
                }
                break;
            case "DOUBLE":
                if (value instanceof Number number) {
                    return number.doubleValue();
                }
                break;
            case "BOOLEAN":
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            case "DATE", "TIME", "TIMESTAMP":
                if (value instanceof String) {
                    return value;
                }
                break;
            case "BLOB":
                if (value instanceof String text) {
                    try {
                        return Base64.getDecoder().decode(text);
                    } catch (IllegalArgumentException e) {
                        break;
                    }
                }
                break;
            default:
                break;
        }
        throw invalid(column, sqlType, String.valueOf(value));
    }

    private static Object decimalText(Object value, String column, String sqlType) {
        try {
            return new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            throw invalid(column, sqlType, value.toString());
        }
    }

    private static KsqlSyntaxException invalid(String column, String sqlType, String value) {
        return new KsqlSyntaxException("Failed to prepare statement: Expected type " + KsqlTypes.toKsql(sqlType)
                + " for field " + column + " but got " + value, "");
    }

    /** A stored value as ksqlDB writes it in JSON rows: numbers, strings, booleans; times and dates as ISO text. */
    static Object toJson(Object value) {
        if (value instanceof TemporalAccessor temporal) {
            return temporal.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value;
    }
}
