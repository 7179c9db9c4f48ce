package io.sluice.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * JSON, JSON_ARRAY, NDJSON and NDJSON_ARRAY: rows as objects or arrays, inside one top-level array or
 * one per line. Rows are rendered by the column readers straight into a reusable byte buffer (see
 * {@link TextOutput} for why not through a Jackson generator), which is handed to {@code out} whenever it
 * holds {@link #DRAIN_AT} bytes or more after a cell: bytes reach the stream in the rhythm of Jackson's
 * own 8 KB buffer, so a result cut short still ends in the middle of a row. The bytes are those Jackson
 * would write: no spaces, field names escaped by Jackson itself once per encoder.
 */
final class JsonEncoder implements ResultEncoder {
    static final int DRAIN_AT = 8 * 1024;

    private final ResultSchema schema;
    private final FormatOptions options;
    private final boolean objects;
    private final boolean lines;
    /** Per column, what comes before its value: {@code "name":} for objects, with the separating comma. */
    private final byte[][] prefixes;
    private final OutputStream out;
    // Starts small (it doubles as rows come): a one-row answer should not allocate the whole drain size.
    private final TextOutput buffer = new TextOutput(1024);
    private long rows;

    JsonEncoder(OutputStream out, ResultSchema schema, FormatOptions options, boolean objects, boolean lines) {
        this.out = out;
        this.schema = schema;
        this.options = options;
        this.objects = objects;
        this.lines = lines;
        this.prefixes = new byte[schema.size()][];
        for (int i = 0; i < prefixes.length; i++) {
            String separator = i == 0 ? "" : ",";
            prefixes[i] = objects ? fieldPrefix(separator, schema.column(i).name())
                    : separator.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (!lines) {
            buffer.write('[');
        }
    }

    /** {@code ,"name":} with the name escaped by Jackson, so names come out exactly as before. */
    private static byte[] fieldPrefix(String separator, String name) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        write(() -> {
            bytes.write(separator.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (JsonGenerator generator = createGenerator(bytes)) {
                generator.writeString(name);
            }
            bytes.write(':');
        });
        return bytes.toByteArray();
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
        long firstRow = rows;
        write(() -> options.renderHelpers().renderBatch(batch, schema, options.timeZone(),
                (readers, from, to, text, drain) -> writeRows(readers, from, to, firstRow, text, drain), buffer, out));
        rows += batch.getRowCount();
    }

    /**
     * Appends rows {@code [from, to)} of a batch whose first row is the result's {@code firstRow}-th to {@code text};
     * with a {@code drain}, hands the text to it after any cell that leaves {@link #DRAIN_AT} bytes or more.
     */
    private void writeRows(ColumnReader[] readers, int from, int to, long firstRow, TextOutput text, OutputStream drain)
            throws IOException {
        for (int row = from; row < to; row++) {
            writeRow(readers, row, firstRow + row == 0, text, drain);
        }
    }

    private void writeRow(ColumnReader[] readers, int row, boolean firstOfResult, TextOutput text, OutputStream drain)
            throws IOException {
        if (!lines && !firstOfResult) {
            text.write(',');
        }
        text.write(objects ? '{' : '[');
        for (int column = 0; column < readers.length; column++) {
            byte[] prefix = prefixes[column];
            text.write(prefix, 0, prefix.length);
            readers[column].writeJson(text, row);
            if (drain != null && text.length() >= DRAIN_AT) {
                text.drainTo(drain);
            }
        }
        text.write(objects ? '}' : ']');
        if (lines) {
            text.write('\n');
        }
    }

    @Override
    public void finish() {
        write(() -> {
            if (!lines) {
                buffer.write(']');
            }
            buffer.drainTo(out);
            out.flush();
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
