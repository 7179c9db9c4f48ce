package io.sluice.protocol.trino;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of {@code EXECUTE … USING} as trino-jdbc writes them ({@code 42}, {@code 'text'},
 * {@code BIGINT '42'}, {@code DATE '2024-01-31'}, {@code TIMESTAMP '2024-01-31 10:00:00.000'}, {@code NULL},
 * {@code CAST(NULL AS VARCHAR)}, {@code X'0a0b'}, {@code true}) turned into typed parameter values, which the
 * engine binds: the literals are read here, never pasted into the statement's text.
 */
final class TrinoLiterals {

    private static final Pattern TYPED = Pattern.compile("(?is)([a-z][a-z0-9_ ]*?)\\s*'((?:[^']|'')*)'");
    private static final Pattern CAST_NULL = Pattern.compile("(?is)CAST\\s*\\(\\s*NULL\\s+AS\\s+([^)]+)\\)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.\\d*|\\.\\d+)");
    private static final Pattern DOUBLE = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)[eE][+-]?\\d+");
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd[ ]['T']HH:mm[:ss]")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    private TrinoLiterals() {
    }

    /** The comma-separated literals after USING, in order. */
    static List<ParameterValue> parseList(String text) {
        List<ParameterValue> values = new ArrayList<>();
        for (String item : split(text)) {
            values.add(parse(item.trim()));
        }
        return values;
    }

    static ParameterValue parse(String literal) {
        if (literal.isEmpty()) {
            throw invalid(literal);
        }
        if (literal.equalsIgnoreCase("NULL")) {
            return new ParameterValue(null, null);
        }
        if (literal.equalsIgnoreCase("true") || literal.equalsIgnoreCase("false")) {
            return new ParameterValue(SqlType.BOOLEAN, Boolean.parseBoolean(literal));
        }
        if (INTEGER.matcher(literal).matches()) {
            return new ParameterValue(SqlType.BIGINT, Long.parseLong(literal));
        }
        if (DOUBLE.matcher(literal).matches()) {
            return new ParameterValue(SqlType.DOUBLE, Double.parseDouble(literal));
        }
        if (DECIMAL.matcher(literal).matches()) {
            BigDecimal decimal = new BigDecimal(literal);
            return new ParameterValue(null, decimal);
        }
        Matcher castNull = CAST_NULL.matcher(literal);
        if (castNull.matches()) {
            return new ParameterValue(null, null);
        }
        if (literal.startsWith("'") && literal.endsWith("'") && literal.length() >= 2) {
            return new ParameterValue(SqlType.VARCHAR, unquote(literal.substring(1, literal.length() - 1)));
        }
        Matcher typed = TYPED.matcher(literal);
        if (typed.matches()) {
            return typed(typed.group(1).trim().toUpperCase(Locale.ROOT), unquote(typed.group(2)), literal);
        }
        throw invalid(literal);
    }

    private static ParameterValue typed(String type, String text, String literal) {
        try {
            return switch (type) {
                case "X", "VARBINARY" -> new ParameterValue(SqlType.BLOB, HexFormat.of().parseHex(text.replace(" ", "")));
                case "BIGINT" -> new ParameterValue(SqlType.BIGINT, Long.parseLong(text.trim()));
                case "INTEGER", "INT" -> new ParameterValue(SqlType.INTEGER, Integer.parseInt(text.trim()));
                case "SMALLINT" -> new ParameterValue(SqlType.SMALLINT, Short.parseShort(text.trim()));
                case "TINYINT" -> new ParameterValue(SqlType.TINYINT, Byte.parseByte(text.trim()));
                case "DOUBLE" -> new ParameterValue(SqlType.DOUBLE, Double.parseDouble(text.trim()));
                case "REAL" -> new ParameterValue(SqlType.REAL, Float.parseFloat(text.trim()));
                case "DECIMAL" -> {
                    BigDecimal decimal = new BigDecimal(text.trim());
                    yield new ParameterValue(new SqlType.Decimal(Math.max(decimal.precision(), decimal.scale()),
                            Math.max(0, decimal.scale())), decimal);
                }
                case "BOOLEAN" -> new ParameterValue(SqlType.BOOLEAN, Boolean.parseBoolean(text.trim()));
                case "VARCHAR", "CHAR", "JSON" -> new ParameterValue(SqlType.VARCHAR, text);
                case "DATE" -> new ParameterValue(SqlType.DATE, LocalDate.parse(text.trim()));
                case "TIME" -> new ParameterValue(SqlType.TIME, LocalTime.parse(text.trim()));
                case "TIMESTAMP" -> timestamp(text.trim());
                default -> throw invalid(literal);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid(literal);
        }
    }

    /** {@code 2024-01-31 10:00:00.123}, with a zone or offset after it for a timestamp with time zone. */
    private static ParameterValue timestamp(String text) {
        int space = text.indexOf(' ', text.indexOf(' ') + 1);
        String zonePart = null;
        String local = text;
        if (space > 0) {
            local = text.substring(0, space);
            zonePart = text.substring(space + 1).trim();
        } else {
            Matcher offset = Pattern.compile("(.*\\d)([+-]\\d\\d:?\\d\\d|Z)$").matcher(text);
            if (text.length() > 19 && offset.matches()) {
                local = offset.group(1);
                zonePart = offset.group(2);
            }
        }
        LocalDateTime dateTime = LocalDateTime.parse(local, TIMESTAMP);
        if (zonePart == null) {
            return new ParameterValue(new SqlType.Timestamp(6), dateTime);
        }
        OffsetDateTime withZone = ZonedDateTime.of(dateTime, ZoneId.of(zonePart)).toOffsetDateTime();
        return new ParameterValue(SqlType.TIMESTAMP_WITH_TIME_ZONE, withZone);
    }

    private static String unquote(String text) {
        return text.replace("''", "'");
    }

    private static TrinoRequestException invalid(String literal) {
        return new TrinoRequestException(200, TrinoErrors.Standard.GENERIC_USER_ERROR,
                "EXECUTE … USING takes literals only; cannot read '" + literal + "'");
    }

    /** Splits at commas outside quotes and parentheses. */
    static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                items.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (start < text.length() || !items.isEmpty()) {
            items.add(text.substring(start));
        }
        return items;
    }
}
