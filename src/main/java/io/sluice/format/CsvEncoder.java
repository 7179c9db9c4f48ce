package io.sluice.format;

import io.sluice.core.types.ResultSchema;
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
    private final ResultSchema schema;
    private final FormatOptions options;
    private final OutputStream out;
    /** Each cell is rendered in place and quoted there when it must be; drained after cells, like JSON's. */
    // Starts small (it doubles as rows come): a one-row answer should not allocate the whole drain size.
    private final TextOutput buffer = new TextOutput(1024);
    /** The delimiter's UTF-8 bytes (one character may take several). */
    private final byte[] delimiter;
    /** Whether text made only of letters, digits and {@code . : + -} can never hold the delimiter. */
    private final boolean plainTextNeedsNoQuotes;
    private long rows;

    CsvEncoder(OutputStream target, ResultSchema schema, FormatOptions options) {
        this.schema = schema;
        this.options = options;
        this.out = target;
        this.delimiter = String.valueOf(options.csvDelimiter()).getBytes(StandardCharsets.UTF_8);
        char delimiterChar = options.csvDelimiter();
        this.plainTextNeedsNoQuotes = !Character.isLetterOrDigit(delimiterChar) && ".:+-".indexOf(delimiterChar) < 0;
        if (options.csvHeader()) {
            for (int column = 0; column < schema.size(); column++) {
                if (column > 0) {
                    buffer.write(delimiter, 0, delimiter.length);
                }
                byte[] name = schema.column(column).name().getBytes(StandardCharsets.UTF_8);
                int start = buffer.length();
                buffer.write(name, 0, name.length);
                quoteIfNeeded(buffer, start);
            }
            buffer.write('\n');
        }
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        try {
            options.renderHelpers().renderBatch(batch, schema, options.timeZone(), this::writeRows, buffer, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows += batch.getRowCount();
    }

    /**
     * Appends rows {@code [from, to)} to {@code text}; with a {@code drain}, hands the text to it after any cell
     * that leaves {@link JsonEncoder#DRAIN_AT} bytes or more.
     */
    private void writeRows(ColumnReader[] readers, int from, int to, TextOutput text, OutputStream drain)
            throws IOException {
        boolean[] plain = new boolean[readers.length];
        for (int column = 0; column < readers.length; column++) {
            plain[column] = plainTextNeedsNoQuotes && readers[column].plainText();
        }
        for (int row = from; row < to; row++) {
            for (int column = 0; column < readers.length; column++) {
                if (column > 0) {
                    text.write(delimiter, 0, delimiter.length);
                }
                ColumnReader reader = readers[column];
                if (!reader.isNull(row)) {
                    int start = text.length();
                    reader.writeText(text, row);
                    if (!plain[column]) {
                        quoteIfNeeded(text, start);
                    }
                    if (drain != null && text.length() >= JsonEncoder.DRAIN_AT) {
                        text.drainTo(drain);
                    }
                }
            }
            text.write('\n');
        }
    }

    /**
     * Quotes the field the buffer holds from {@code start} on, in place, when it is empty or holds a comma,
     * a double quote, CR, LF or the delimiter; quotes inside it are doubled.
     */
    private void quoteIfNeeded(TextOutput text, int start) {
        byte[] bytes = text.bytes();
        int end = text.length();
        int length = end - start;
        if (length > 0 && !needsQuotes(bytes, start, end) && !containsDelimiter(bytes, start, end)) {
            return;
        }
        byte[] field = java.util.Arrays.copyOfRange(bytes, start, end);
        text.truncate(start);
        text.write('"');
        int copied = 0;
        for (int i = 0; i < length; i++) {
            if (field[i] == '"') {
                // Write up to and including this quote, then the quote again.
                text.write(field, copied, i + 1 - copied);
                text.write('"');
                copied = i + 1;
            }
        }
        text.write(field, copied, length - copied);
        text.write('"');
    }

    /** A field holding a non-comma delimiter is quoted too (a comma is already caught by needsQuotes). */
    private boolean containsDelimiter(byte[] bytes, int start, int end) {
        if (delimiter.length == 1 && delimiter[0] == ',') {
            return false;
        }
        outer:
        for (int i = start; i + delimiter.length <= end; i++) {
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
    private static boolean needsQuotes(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
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
            buffer.drainTo(out);
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
