package io.sluice.protocol.snowflake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.types.Interval;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Encodes canonical Java values (as {@link io.sluice.format.ColumnReader#value} gives them) into the
 * strings of Snowflake's jsonv2 {@code data}: FIXED as plain decimals, REAL as a float text, DATE as days
 * since the epoch, TIME as seconds since midnight with 9 decimals, TIMESTAMP_NTZ/LTZ as epoch seconds with
 * 9 decimals, TIMESTAMP_TZ as that, a space and the offset in minutes plus 1440, BINARY as upper-case hex,
 * VARIANT/ARRAY/OBJECT as JSON pretty-printed with two-space indents. Output-format parameters replace the
 * default temporal encodings when the request sets them.
 */
final class SnowflakeValues {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final ObjectMapper TREE_READER = new ObjectMapper();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private final OutputSettings settings;
    private final JsonFactory factory;

    SnowflakeValues(OutputSettings settings, JsonFactory factory) {
        this.settings = settings;
        this.factory = factory;
    }

    /** The cell for {@code value} in a column of Snowflake type {@code type}; null only for SQL NULL with nullable. */
    String encode(String type, Object value) {
        if (value == null) {
            return settings.nullable() ? null : "null";
        }
        return switch (type) {
            case "fixed" -> fixed(value);
            case "real" -> real(value);
            case "boolean" -> value.toString();
            case "binary" -> binary((byte[]) value);
            case "date" -> date((LocalDate) value);
            case "time" -> time((LocalTime) value);
            case "timestamp_ntz" -> timestampNtz((LocalDateTime) value);
            case "timestamp_ltz" -> timestampLtz(instantOf(value));
            case "timestamp_tz" -> timestampTz(value);
            case "variant", "array", "object" -> json(value);
            default -> text(value);
        };
    }

    static String fixed(Object value) {
        return switch (value) {
            case BigDecimal decimal -> decimal.toPlainString();
            case BigInteger integer -> integer.toString();
            default -> value.toString();
        };
    }

    static String real(Object value) {
        double d = value instanceof Float f ? f.doubleValue() : ((Number) value).doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String text = value instanceof Float f ? Float.toString(f) : Double.toString(d);
        if (text.contains("E")) {
            return text.replace("E", "e");
        }
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private String binary(byte[] bytes) {
        return switch (settings.binaryFormat()) {
            case "BASE64" -> Base64.getEncoder().encodeToString(bytes);
            case "UTF8", "UTF-8" -> new String(bytes, StandardCharsets.UTF_8);
            default -> HEX.formatHex(bytes);
        };
    }

    private String date(LocalDate date) {
        if (settings.dateFormat() != null) {
            return settings.dateFormat().format(date, null, null);
        }
        return Long.toString(date.toEpochDay());
    }

    private String time(LocalTime time) {
        if (settings.timeFormat() != null) {
            return settings.timeFormat().format(null, time, null);
        }
        return seconds(time.toSecondOfDay(), time.getNano());
    }

    private String timestampNtz(LocalDateTime timestamp) {
        if (settings.timestampNtzFormat() != null) {
            return settings.timestampNtzFormat().format(timestamp.toLocalDate(), timestamp.toLocalTime(), null);
        }
        return seconds(timestamp.toEpochSecond(ZoneOffset.UTC), timestamp.getNano());
    }

    private String timestampLtz(Instant instant) {
        if (settings.timestampLtzFormat() != null) {
            OffsetDateTime local = instant.atZone(settings.timeZone()).toOffsetDateTime();
            return settings.timestampLtzFormat().format(local.toLocalDate(), local.toLocalTime(), local.getOffset());
        }
        return seconds(instant.getEpochSecond(), instant.getNano());
    }

    private String timestampTz(Object value) {
        OffsetDateTime timestamp = value instanceof OffsetDateTime offset ? offset
                : instantOf(value).atZone(settings.timeZone()).toOffsetDateTime();
        if (settings.timestampTzFormat() != null) {
            return settings.timestampTzFormat().format(timestamp.toLocalDate(), timestamp.toLocalTime(),
                    timestamp.getOffset());
        }
        Instant instant = timestamp.toInstant();
        int offsetMinutes = timestamp.getOffset().getTotalSeconds() / 60;
        return seconds(instant.getEpochSecond(), instant.getNano()) + " " + (offsetMinutes + 1440);
    }

    private static Instant instantOf(Object value) {
        return switch (value) {
            case OffsetDateTime offset -> offset.toInstant();
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
            case Instant instant -> instant;
            default -> Instant.from((TemporalAccessor) value);
        };
    }

    /** Seconds with exactly nine decimals; negative values keep the sign on the whole number. */
    static String seconds(long epochSeconds, int nanos) {
        return BigDecimal.valueOf(epochSeconds).add(BigDecimal.valueOf(nanos, 9)).setScale(9).toPlainString();
    }

    private static String text(Object value) {
        return switch (value) {
            case Interval interval -> interval.toIso8601();
            case byte[] bytes -> HEX.formatHex(bytes);
            default -> value.toString();
        };
    }

    private String json(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.setPrettyPrinter(PRETTY);
            if (value instanceof String text) {
                JsonNode tree = TREE_READER.readTree(text);
                TREE_READER.writeTree(json, tree);
            } else {
                writeNested(json, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private void writeNested(JsonGenerator json, Object value) throws IOException {
        switch (value) {
            case null -> json.writeNull();
            case List<?> list -> {
                json.writeStartArray();
                for (Object element : list) {
                    writeNested(json, element);
                }
                json.writeEndArray();
            }
            case Map<?, ?> map -> {
                json.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    json.writeFieldName(String.valueOf(entry.getKey()));
                    writeNested(json, entry.getValue());
                }
                json.writeEndObject();
            }
            case Boolean b -> json.writeBoolean(b);
            case Integer i -> json.writeNumber(i);
            case Long l -> json.writeNumber(l);
            case Short s -> json.writeNumber(s);
            case Byte b -> json.writeNumber(b);
            case BigInteger i -> json.writeNumber(i);
            case BigDecimal d -> json.writeNumber(d);
            case Float f -> json.writeNumber(f);
            case Double d -> json.writeNumber(d);
            case byte[] bytes -> json.writeString(HEX.formatHex(bytes));
            case Interval interval -> json.writeString(interval.toIso8601());
            default -> json.writeString(value.toString());
        }
    }
}
