package io.sluice.format;

import io.sluice.core.types.ResultSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * RFC 4180 CSV. Records end with LF rather than the RFC's CRLF: every common reader accepts LF and it is
 * what Unix tools expect. A field is quoted only when it contains a comma, a double quote, CR or LF, and
 * quotes inside it are doubled. NULL is an empty field and an empty string is {@code ""}, so the two stay
 * apart (the convention of PostgreSQL and DuckDB). Nested values are written as their JSON text. The
 * delimiter is a comma unless {@link FormatOptions#csvDelimiter()} names another; fields holding it are quoted.
 */
final class CsvEncoder implements ResultEncoder {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final ResultSchema schema;
    private final FormatOptions options;
    private final OutputStream out;
    private final TextOutput cell = new TextOutput();
    /** The delimiter's UTF-8 bytes (one character may take several). */
    private final byte[] delimiter;
    private long rows;

    CsvEncoder(OutputStream target, ResultSchema schema, FormatOptions options) {
        this.schema = schema;
        this.options = options;
        this.out = new BufferedOutputStream(target, BUFFER_SIZE);
        this.delimiter = String.valueOf(options.csvDelimiter()).getBytes(StandardCharsets.UTF_8);
        if (options.csvHeader()) {
            try {
                for (int column = 0; column < schema.size(); column++) {
                    if (column > 0) {
                        out.write(delimiter);
                    }
                    byte[] name = schema.column(column).name().getBytes(StandardCharsets.UTF_8);
                    writeField(name, name.length);
                }
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        ColumnReader[] readers = ColumnReaders.forBatch(batch, schema, options.timeZone());
        int rowCount = batch.getRowCount();
        try {
            for (int row = 0; row < rowCount; row++) {
                for (int column = 0; column < readers.length; column++) {
                    if (column > 0) {
                        out.write(delimiter);
                    }
                    ColumnReader reader = readers[column];
                    if (!reader.isNull(row)) {
                        cell.reset();
                        reader.writeText(cell, row);
                        writeField(cell.bytes(), cell.length());
                    }
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows += rowCount;
    }

    private void writeField(byte[] bytes, int length) throws IOException {
        if (length > 0 && !needsQuotes(bytes, length) && !containsDelimiter(bytes, length)) {
            out.write(bytes, 0, length);
            return;
        }
        out.write('"');
        int copied = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '"') {
                // Write up to and including this quote, then the quote again.
                out.write(bytes, copied, i + 1 - copied);
                out.write('"');
                copied = i + 1;
            }
        }
        out.write(bytes, copied, length - copied);
        out.write('"');
    }

    /** A field holding a non-comma delimiter is quoted too (a comma is already caught by needsQuotes). */
    private boolean containsDelimiter(byte[] bytes, int length) {
        if (delimiter.length == 1 && delimiter[0] == ',') {
            return false;
        }
        outer:
        for (int i = 0; i + delimiter.length <= length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (bytes[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** UTF-8 continuation bytes are never ASCII, so scanning bytes finds exactly the special characters. */
    private static boolean needsQuotes(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == ',' || b == '"' || b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void finish() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long rowsWritten() {
        return rows;
    }
}
