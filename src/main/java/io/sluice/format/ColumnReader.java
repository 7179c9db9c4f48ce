package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Reads one column of one Arrow batch. Built once per batch by {@link ColumnReaders} with the vector's
 * class resolved up front, so reading a cell never dispatches on its type again. A reader may cache the
 * vector's buffers: it is valid only until the vector is loaded with the next batch.
 */
public interface ColumnReader {

    boolean isNull(int row);

    /**
     * The canonical Java value: Boolean, Byte, Short, Integer, Long, BigInteger (HUGEINT and unsigned
     * values beyond long), BigDecimal, Float, Double, String (VARCHAR, JSON), byte[] (BLOB), UUID,
     * LocalDate, LocalTime, LocalDateTime, OffsetDateTime (in the reader's time zone),
     * {@link io.sluice.core.types.Interval}, List, Map (STRUCT by field name, MAP by key), or null.
     */
    Object value(int row);

    /** Writes the cell as one JSON value, {@code null} included. */
    void writeJson(JsonGenerator json, int row) throws IOException;

    /**
     * Appends the cell as one JSON value, {@code null} included: the same bytes as
     * {@link #writeJson(JsonGenerator, int)}, without a generator in between (the encoders' hot path).
     */
    void writeJson(TextOutput out, int row) throws IOException;

    /** Appends the cell's text form (the CSV field before quoting). Only called for non-null cells. */
    void writeText(TextOutput text, int row) throws IOException;

    /**
     * True when the text form is never empty and only ever holds ASCII letters, digits and {@code . : + -}
     * (numbers, booleans, dates and times), so CSV need not look for characters to quote unless the
     * delimiter is one of those.
     */
    default boolean plainText() {
        return false;
    }
}
