package io.sluice.protocol.trino;

import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Canonical Java values in the JSON form of Trino's direct protocol: numbers as numbers (NaN and infinities as
 * strings), decimals as strings, varbinary as base64, dates and times as {@code 2020-01-31 01:02:03.456789}
 * text with the column's precision, timestamps with time zone in the session zone followed by its id, arrays
 * as arrays, maps as objects with text keys, and rows as arrays of their fields by position.
 *
 * <p>Adapted from the NCP adapter's TrinoValues: Data Query sends a row as {@code {field=value}} text, Trino's
 * own protocol sends it as an array, which is what trino-jdbc and trino-cli parse.
 */
final class TrinoValues {

    private static final DateTimeFormatter TIME = fractional("HH:mm:ss", TrinoTypes.TIME_PRECISION);
    private static final DateTimeFormatter TIMESTAMP_WITH_ZONE = fractional("uuuu-MM-dd HH:mm:ss", TrinoTypes.TIME_PRECISION);

    private final ZoneId zone;
    private final String zoneName;

    TrinoValues(ZoneId zone) {
        this.zone = zone;
        this.zoneName = zone.equals(ZoneOffset.UTC) || zone.getId().equals("Z") ? "UTC" : zone.getId();
    }

    /** The JSON value (String, Number, Boolean, List, Map or null) for {@code value} of {@code type}. */
    Object json(SqlType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case SqlType.Decimal ignored -> decimalText(value);
            case SqlType.Timestamp timestamp -> timestamp((LocalDateTime) value, timestamp.precision());
            case SqlType.ListOf list -> {
                List<Object> elements = new ArrayList<>();
                for (Object element : (List<?>) value) {
                    elements.add(json(list.element(), element));
                }
                yield elements;
            }
            case SqlType.MapOf map -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    Object key = json(map.key(), entry.getKey());
                    entries.put(String.valueOf(key), json(map.value(), entry.getValue()));
                }
                yield entries;
            }
            case SqlType.StructOf struct -> {
                Map<?, ?> fields = (Map<?, ?>) value;
                List<Object> values = new ArrayList<>(struct.fields().size());
                for (SqlType.StructField field : struct.fields()) {
                    values.add(json(field.type(), fields.get(field.name())));
                }
                yield values;
            }
            case SqlType.Simple simple -> switch (simple.kind()) {
                case REAL, DOUBLE -> floating(((Number) value).doubleValue(), value);
                case HUGEINT -> decimalText(value);
                case BLOB -> Base64.getEncoder().encodeToString((byte[]) value);
                case DATE -> ((LocalDate) value).toString();
                case TIME -> TIME.format((LocalTime) value);
                case TIMESTAMP_WITH_TIME_ZONE ->
                        TIMESTAMP_WITH_ZONE.format(((OffsetDateTime) value).atZoneSameInstant(zone)) + " " + zoneName;
                case INTERVAL -> ((Interval) value).toIso8601();
                case UUID -> ((UUID) value).toString();
                default -> value;
            };
        };
    }

    /** One formatter per precision (0–9), built once: a large result formats millions of timestamps. */
    private static final DateTimeFormatter[] TIMESTAMPS = java.util.stream.IntStream.rangeClosed(0, 9)
            .mapToObj(digits -> fractional("uuuu-MM-dd HH:mm:ss", digits)).toArray(DateTimeFormatter[]::new);

    private static String timestamp(LocalDateTime value, int precision) {
        return TIMESTAMPS[Math.max(0, Math.min(9, precision))].format(value);
    }

    private static DateTimeFormatter fractional(String pattern, int digits) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern(pattern);
        if (digits > 0) {
            builder.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, true);
        }
        return builder.toFormatter(Locale.ROOT);
    }

    private static String decimalText(Object value) {
        return switch (value) {
            case BigDecimal decimal -> decimal.toPlainString();
            case BigInteger integer -> integer.toString();
            default -> value.toString();
        };
    }

    private static Object floating(double number, Object original) {
        if (Double.isNaN(number)) {
            return "NaN";
        }
        if (Double.isInfinite(number)) {
            return number > 0 ? "Infinity" : "-Infinity";
        }
        return original;
    }
}
