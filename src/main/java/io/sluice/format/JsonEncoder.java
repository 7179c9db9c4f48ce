package io.sluice.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * JSON, JSON_ARRAY, NDJSON and NDJSON_ARRAY: rows as objects or arrays, inside one top-level array or
 * one per line. Jackson's own output buffer batches the writes to {@code out}.
 */
final class JsonEncoder implements ResultEncoder {
    private final ResultSchema schema;
    private final FormatOptions options;
    private final boolean objects;
    private final boolean lines;
    private final SerializableString[] names;
    private final JsonGenerator json;
    private long rows;

    JsonEncoder(OutputStream out, ResultSchema schema, FormatOptions options, boolean objects, boolean lines) {
        this.schema = schema;
        this.options = options;
        this.objects = objects;
        this.lines = lines;
        this.names = new SerializableString[schema.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = new SerializedString(schema.column(i).name());
        }
        this.json = createGenerator(out);
        if (!lines) {
            write(() -> json.writeStartArray());
        }
    }

    /**
     * Shared by every JSON writer of this package; a JsonFactory is thread-safe and is never reconfigured.
     * Its generators never close {@code out} or complete a document a failure left open.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            // DECIMAL values must come out digit for digit, never in scientific notation.
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();

    static JsonGenerator createGenerator(OutputStream out) {
        try {
            JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            // NDJSON rows are separated by our own LF, not Jackson's default space.
            generator.setRootValueSeparator(null);
            return generator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        ColumnReader[] readers = ColumnReaders.forBatch(batch, schema, options.timeZone());
        int rowCount = batch.getRowCount();
        write(() -> {
            for (int row = 0; row < rowCount; row++) {
                writeRow(readers, row);
            }
        });
        rows += rowCount;
    }

    private void writeRow(ColumnReader[] readers, int row) throws IOException {
        if (objects) {
            json.writeStartObject();
            for (int column = 0; column < readers.length; column++) {
                json.writeFieldName(names[column]);
                readers[column].writeJson(json, row);
            }
            json.writeEndObject();
        } else {
            json.writeStartArray();
            for (ColumnReader reader : readers) {
                reader.writeJson(json, row);
            }
            json.writeEndArray();
        }
        if (lines) {
            json.writeRaw('\n');
        }
    }

    @Override
    public void finish() {
        write(() -> {
            if (!lines) {
                json.writeEndArray();
            }
            json.flush();
        });
    }

    @Override
    public long rowsWritten() {
        return rows;
    }

    private interface Writing {
        void run() throws IOException;
    }

    private static void write(Writing writing) {
        try {
            writing.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
