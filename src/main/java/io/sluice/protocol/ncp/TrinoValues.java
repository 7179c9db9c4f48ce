package io.sluice.protocol.ncp;

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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Canonical Java values (as {@link io.sluice.format.ColumnReader#value} gives them) in the JSON form Trino's
 * protocol sends: numbers as numbers (NaN and infinities as strings), decimals as strings, varbinary as
 * base64, dates and times as {@code 2020-01-31 01:02:03.456} text with the column's precision, arrays as
 * arrays, maps as objects with string keys. A row is sent as the text {@code {field=value, …}}, as Data
 * Query documents it, at any depth.
 */
final class TrinoValues {

    private final ZoneId zone;

    TrinoValues(ZoneId zone) {
        this.zone = zone;
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
                    entries.put(text(map.key(), entry.getKey()), json(map.value(), entry.getValue()));
                }
                yield entries;
            }
            case SqlType.StructOf struct -> text(struct, value);
            case SqlType.Simple simple -> switch (simple.kind()) {
                case REAL, DOUBLE -> floating(((Number) value).doubleValue(), value);
                case HUGEINT -> decimalText(value);
                case BLOB -> Base64.getEncoder().encodeToString((byte[]) value);
                case DATE, TIME, TIMESTAMP_WITH_TIME_ZONE, INTERVAL, UUID -> text(simple, value);
                default -> value;
            };
        };
    }

    /** Trino's text form of a value, as it appears inside a row's {@code {field=value}} string and map keys. */
    String text(SqlType type, Object value) {
        if (value == null) {
            return "null";
        }
        return switch (type) {
            case SqlType.Decimal ignored -> decimalText(value);
            case SqlType.Timestamp timestamp -> timestamp((LocalDateTime) value, timestamp.precision());
            case SqlType.ListOf list -> {
                StringBuilder text = new StringBuilder("[");
                Iterator<?> elements = ((List<?>) value).iterator();
                while (elements.hasNext()) {
                    text.append(text(list.element(), elements.next()));
                    if (elements.hasNext()) {
                        text.append(", ");
                    }
                }
                yield text.append(']').toString();
            }
            case SqlType.MapOf map -> {
                StringBuilder text = new StringBuilder("{");
                Iterator<? extends Map.Entry<?, ?>> entries = ((Map<?, ?>) value).entrySet().iterator();
                while (entries.hasNext()) {
                    Map.Entry<?, ?> entry = entries.next();
                    text.append(text(map.key(), entry.getKey())).append('=').append(text(map.value(), entry.getValue()));
                    if (entries.hasNext()) {
                        text.append(", ");
                    }
                }
                yield text.append('}').toString();
            }
            case SqlType.StructOf struct -> {
                Map<?, ?> fields = (Map<?, ?>) value;
                StringBuilder text = new StringBuilder("{");
                for (int index = 0; index < struct.fields().size(); index++) {
                    SqlType.StructField field = struct.fields().get(index);
                    if (index > 0) {
                        text.append(", ");
                    }
                    text.append(field.name()).append('=').append(text(field.type(), fields.get(field.name())));
                }
                yield text.append('}').toString();
            }
            case SqlType.Simple simple -> switch (simple.kind()) {
                case HUGEINT -> decimalText(value);
                case BLOB -> Base64.getEncoder().encodeToString((byte[]) value);
                case DATE -> ((LocalDate) value).toString();
                case TIME -> TIME.format((LocalTime) value);
                case TIMESTAMP_WITH_TIME_ZONE -> timestampWithZone((OffsetDateTime) value);
                case INTERVAL -> ((Interval) value).toIso8601();
                case UUID -> ((UUID) value).toString();
                default -> String.valueOf(value);
            };
        };
    }

    private static final DateTimeFormatter TIME = fractional("HH:mm:ss", TrinoTypes.TIME_PRECISION);

    private static String timestamp(LocalDateTime value, int precision) {
        return fractional("uuuu-MM-dd HH:mm:ss", precision).format(value);
    }

    /** {@code 2020-01-31 01:02:03.456789 UTC}: the instant in the session zone, then the zone's id. */
    private String timestampWithZone(OffsetDateTime value) {
        var local = value.atZoneSameInstant(zone);
        String zoneName = zone.equals(ZoneOffset.UTC) || zone.getId().equals("Z") ? "UTC" : zone.getId();
        return fractional("uuuu-MM-dd HH:mm:ss", TrinoTypes.TIME_PRECISION).format(local) + " " + zoneName;
    }

    private static DateTimeFormatter fractional(String pattern, int digits) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern(pattern);
        if (digits > 0) {
            builder.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, true);
        }
        return builder.toFormatter(java.util.Locale.ROOT);
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
