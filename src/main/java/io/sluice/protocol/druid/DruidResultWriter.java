package io.sluice.protocol.druid;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import io.sluice.format.TextOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes a result the way Druid's SQL endpoints do, batch by batch (constant memory): the optional header
 * rows, then one row per result row in {@code object}, {@code array}, {@code objectLines}, {@code arrayLines}
 * or {@code csv}. Line formats and CSV end every row with a newline and the response with one more, so a
 * missing final newline tells the client the response was cut off.
 *
 * <p>Values: TIMESTAMP and DATE as ISO-8601 strings with milliseconds in the query's time zone (or epoch
 * millis for the statements API), arrays as JSON text unless {@code sqlStringifyArrays} is false, the rest
 * as the format package renders them.
 */
final class DruidResultWriter {

    /** What the request asked for. */
    record Options(DruidFormat format, boolean header, boolean typesHeader, boolean sqlTypesHeader, ZoneId zone,
                   boolean timesAsMillis, boolean stringifyArrays) {
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

    private final OutputStream out;
    private final ResultSchema schema;
    private final Options options;
    private final JsonGenerator json;
    private final TextOutput cell = new TextOutput();
    private final boolean[] times;
    private final boolean[] arrays;

    DruidResultWriter(OutputStream out, ResultSchema schema, Options options) throws IOException {
        this.out = out;
        this.schema = schema;
        this.options = options;
        this.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        json.setRootValueSeparator(null);
        times = new boolean[schema.size()];
        arrays = new boolean[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            SqlType type = schema.column(i).type();
            times[i] = DruidTypes.isTime(type);
            arrays[i] = type.kind() == SqlType.Kind.LIST;
        }
    }

    /** Writes the opening bracket and the header rows. */
    void start() throws IOException {
        DruidFormat format = options.format();
        if (!format.lines) {
            json.writeStartArray();
        }
        if (!options.header()) {
            return;
        }
        if (format.objects) {
            json.writeStartObject();
            for (Column column : schema.columns()) {
                json.writeFieldName(column.name());
                if (!options.typesHeader() && !options.sqlTypesHeader()) {
                    json.writeNull();
                    continue;
                }
                json.writeStartObject();
                if (options.typesHeader()) {
                    json.writeStringField("type", DruidTypes.nativeType(column.type()));
                }
                if (options.sqlTypesHeader()) {
                    json.writeStringField("sqlType", DruidTypes.sqlType(column.type()));
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            endRow();
            return;
        }
        headerRow(HeaderRow.NAMES);
        if (options.typesHeader()) {
            headerRow(HeaderRow.TYPES);
        }
        if (options.sqlTypesHeader()) {
            headerRow(HeaderRow.SQL_TYPES);
        }
    }

    private enum HeaderRow { NAMES, TYPES, SQL_TYPES }

    private void headerRow(HeaderRow which) throws IOException {
        String[] values = new String[schema.size()];
        for (int i = 0; i < values.length; i++) {
            Column column = schema.column(i);
            values[i] = switch (which) {
                case NAMES -> column.name();
                case TYPES -> DruidTypes.nativeType(column.type());
                case SQL_TYPES -> DruidTypes.sqlType(column.type());
            };
        }
        if (options.format() == DruidFormat.CSV) {
            json.flush();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                byte[] bytes = values[i].getBytes(StandardCharsets.UTF_8);
                csvField(bytes, bytes.length);
            }
            out.write('\n');
            return;
        }
        json.writeStartArray();
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
        endRow();
    }

    void writeBatch(VectorSchemaRoot batch) throws IOException {
        ColumnReader[] readers = ColumnReaders.forBatch(batch, schema, options.zone());
        int rows = batch.getRowCount();
        if (options.format() == DruidFormat.CSV) {
            for (int row = 0; row < rows; row++) {
                csvRow(readers, row);
            }
            return;
        }
        for (int row = 0; row < rows; row++) {
            if (options.format().objects) {
                json.writeStartObject();
                for (int column = 0; column < readers.length; column++) {
                    json.writeFieldName(schema.column(column).name());
                    jsonValue(readers[column], column, row);
                }
                json.writeEndObject();
            } else {
                json.writeStartArray();
                for (int column = 0; column < readers.length; column++) {
                    jsonValue(readers[column], column, row);
                }
                json.writeEndArray();
            }
            endRow();
        }
    }

    /** Closes the array, or writes the extra newline that marks a complete line-oriented response. */
    void finish() throws IOException {
        if (options.format().lines) {
            json.flush();
            out.write('\n');
        } else {
            json.writeEndArray();
        }
        json.flush();
        out.flush();
    }

    private void endRow() throws IOException {
        if (options.format().lines) {
            json.writeRaw('\n');
        }
    }

    private void jsonValue(ColumnReader reader, int column, int row) throws IOException {
        if (reader.isNull(row)) {
            json.writeNull();
        } else if (times[column]) {
            Instant instant = instant(reader.value(row), options.zone());
            if (options.timesAsMillis()) {
                json.writeNumber(instant.toEpochMilli());
            } else {
                json.writeString(ISO_MILLIS.format(instant.atZone(options.zone())));
            }
        } else if (arrays[column] && options.stringifyArrays()) {
            json.writeString(jsonText(reader, row));
        } else {
            reader.writeJson(json, row);
        }
    }

    private void csvRow(ColumnReader[] readers, int row) throws IOException {
        for (int column = 0; column < readers.length; column++) {
            if (column > 0) {
                out.write(',');
            }
            ColumnReader reader = readers[column];
            if (reader.isNull(row)) {
                continue;
            }
            cell.reset();
            if (times[column]) {
                Instant instant = instant(reader.value(row), options.zone());
                cell.writeAscii(options.timesAsMillis() ? Long.toString(instant.toEpochMilli())
                        : ISO_MILLIS.format(instant.atZone(options.zone())));
            } else {
                reader.writeText(cell, row);
            }
            csvField(cell.bytes(), cell.length());
        }
        out.write('\n');
    }

    private String jsonText(ColumnReader reader, int row) throws IOException {
        cell.reset();
        JsonGenerator generator = cell.json();
        reader.writeJson(generator, row);
        generator.flush();
        return new String(cell.bytes(), 0, cell.length(), StandardCharsets.UTF_8);
    }

    /** Quotes a field only when it needs it, doubling inner quotes, as Druid's CSV writer does. */
    private void csvField(byte[] bytes, int length) throws IOException {
        boolean quote = false;
        for (int i = 0; i < length && !quote; i++) {
            byte b = bytes[i];
            quote = b == ',' || b == '"' || b == '\n' || b == '\r';
        }
        if (!quote) {
            out.write(bytes, 0, length);
            return;
        }
        out.write('"');
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '"') {
                out.write('"');
            }
            out.write(bytes[i]);
        }
        out.write('"');
    }

    /**
     * TIMESTAMP values are UTC wall-clock times (the engine evaluates in UTC); a DATE is midnight in the
     * query's time zone, as Druid prints it.
     */
    private static Instant instant(Object value, ZoneId zone) {
        return switch (value) {
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
            case OffsetDateTime offset -> offset.toInstant();
            case LocalDate date -> date.atStartOfDay(zone).toInstant();
            case Instant instant -> instant;
            default -> throw new IllegalStateException("not a time value: " + value.getClass().getName());
        };
    }
}
