package io.sluice.protocol.snowflake;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns Snowflake's {@code bindings} object ({@code {"1": {"type": "FIXED", "value": "123"}, …}}, every value a
 * string) into positional canonical parameters the engine binds. DATE values are milliseconds since the
 * epoch; TIME and TIMESTAMP_* values nanoseconds (TIME: since midnight); TIMESTAMP_TZ adds a space and the
 * offset in minutes plus 1440; BINARY is hex. ISO-8601 text is accepted for the temporal types too.
 */
final class SnowflakeBindings {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private SnowflakeBindings() {
    }

    static Parameters parse(JsonNode bindings) {
        if (bindings == null || bindings.isNull()) {
            return Parameters.NONE;
        }
        if (!bindings.isObject()) {
            throw SnowflakeException.invalidPayload("'bindings' must be an object");
        }
        Map<Integer, ParameterValue> byPosition = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : bindings.properties()) {
            int position;
            try {
                position = Integer.parseInt(entry.getKey().trim());
            } catch (NumberFormatException e) {
                throw SnowflakeException.invalidPayload("Binding names are positions 1, 2, …: '" + entry.getKey() + "'");
            }
            if (position < 1) {
                throw SnowflakeException.invalidPayload("Binding positions start at 1: '" + entry.getKey() + "'");
            }
            byPosition.put(position, value(position, entry.getValue()));
        }
        List<ParameterValue> values = new ArrayList<>();
        int expected = 1;
        for (Map.Entry<Integer, ParameterValue> entry : byPosition.entrySet()) {
            if (entry.getKey() != expected) {
                throw SnowflakeException.failure("002049", "42601",
                        "SQL compilation error:\nBind variable " + expected + " not set.", null);
            }
            values.add(entry.getValue());
            expected++;
        }
        return new Parameters.Positional(values);
    }

    private static ParameterValue value(int position, JsonNode binding) {
        if (binding == null || !binding.isObject() || !binding.hasNonNull("type")) {
            throw SnowflakeException.invalidPayload("Binding " + position + " needs a 'type' and a 'value'");
        }
        String type = binding.get("type").asText().trim().toUpperCase(Locale.ROOT);
        JsonNode valueNode = binding.get("value");
        String text = valueNode == null || valueNode.isNull() ? null : valueNode.asText();
        try {
            return switch (type) {
                case "FIXED" -> text == null ? new ParameterValue(SqlType.BIGINT, null) : fixed(text.trim());
                case "REAL" -> new ParameterValue(SqlType.DOUBLE, text == null ? null : real(text.trim()));
                case "DECFLOAT" -> new ParameterValue(null, text == null ? null : new BigDecimal(text.trim()));
                case "TEXT" -> new ParameterValue(SqlType.VARCHAR, text);
                case "BOOLEAN" -> new ParameterValue(SqlType.BOOLEAN, text == null ? null : bool(text.trim()));
                case "DATE" -> new ParameterValue(SqlType.DATE, text == null ? null : date(text.trim()));
                case "TIME" -> new ParameterValue(SqlType.TIME, text == null ? null : time(text.trim()));
                case "TIMESTAMP_NTZ" -> new ParameterValue(new SqlType.Timestamp(6), text == null ? null : ntz(text.trim()));
                case "TIMESTAMP_LTZ" -> new ParameterValue(SqlType.TIMESTAMP_WITH_TIME_ZONE,
                        text == null ? null : ltz(text.trim()));
                case "TIMESTAMP_TZ" -> new ParameterValue(SqlType.TIMESTAMP_WITH_TIME_ZONE,
                        text == null ? null : tz(text.trim()));
                case "BINARY" -> new ParameterValue(SqlType.BLOB, text == null ? null : HexFormat.of().parseHex(text.trim()));
                default -> throw SnowflakeException.failure("002016", "22000",
                        "SQL compilation error:\nUnsupported data type '" + type + "' for binding " + position + ".", null);
            };
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw SnowflakeException.failure("100037", "22018",
                    type + " value '" + text + "' is not recognized", null);
        }
    }

    private static ParameterValue fixed(String text) {
        BigDecimal decimal = new BigDecimal(text);
        if (decimal.scale() <= 0 || decimal.stripTrailingZeros().scale() <= 0) {
            BigInteger integer = decimal.toBigIntegerExact();
            if (integer.compareTo(LONG_MIN) >= 0 && integer.compareTo(LONG_MAX) <= 0) {
                return new ParameterValue(SqlType.BIGINT, integer.longValueExact());
            }
            return new ParameterValue(new SqlType.Decimal(38, 0), new BigDecimal(integer));
        }
        int scale = Math.min(decimal.scale(), 37);
        return new ParameterValue(new SqlType.Decimal(38, scale), decimal);
    }

    private static double real(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "on", "1" -> true;
            case "false", "f", "no", "n", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static LocalDate date(String text) {
        if (isInteger(text)) {
            return LocalDate.ofEpochDay(Math.floorDiv(Long.parseLong(text), 86_400_000L));
        }
        return LocalDate.parse(text);
    }

    private static LocalTime time(String text) {
        if (isInteger(text)) {
            return LocalTime.ofNanoOfDay(Math.floorMod(Long.parseLong(text), NANOS_PER_DAY));
        }
        return LocalTime.parse(text);
    }

    private static Instant instant(String nanos) {
        BigInteger value = new BigInteger(nanos);
        BigInteger[] parts = value.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
        long seconds = parts[0].longValueExact();
        long rest = parts[1].longValue();
        if (rest < 0) {
            seconds--;
            rest += 1_000_000_000L;
        }
        return Instant.ofEpochSecond(seconds, rest);
    }

    private static LocalDateTime ntz(String text) {
        if (isInteger(text)) {
            return LocalDateTime.ofInstant(instant(text), ZoneOffset.UTC);
        }
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    private static OffsetDateTime ltz(String text) {
        if (isInteger(text)) {
            return instant(text).atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(text.replace(' ', 'T'));
    }

    private static OffsetDateTime tz(String text) {
        String[] parts = text.split("\\s+");
        if (parts.length == 2 && isInteger(parts[0]) && isInteger(parts[1])) {
            int offsetMinutes = Integer.parseInt(parts[1]) - 1440;
            return instant(parts[0]).atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
        }
        if (parts.length == 1 && isInteger(parts[0])) {
            return instant(parts[0]).atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(text.replace(' ', 'T'));
    }

    private static boolean isInteger(String text) {
        if (text.isEmpty()) {
            return false;
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length()) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
