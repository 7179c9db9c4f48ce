package io.sluice.format;

import io.sluice.core.result.BatchStream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes one result in one format, batch by batch, holding no more than the current batch and small
 * buffers. Create one with {@link ResultFormat#encoder}. Not thread-safe.
 *
 * <p>Only {@link #finish()} writes the terminator ({@code ]}, the Arrow end-of-stream marker, the Parquet
 * footer), so a result cut short by a failure stays recognisably incomplete. Always {@link #close()} the
 * encoder, finished or not: it releases temporary files and never touches the output stream.
 */
public interface ResultEncoder extends AutoCloseable {

    /** Writes every row of {@code batch}. The batch's columns must match the schema the encoder was built for. */
    void writeBatch(VectorSchemaRoot batch);

    /** Writes the terminator and flushes everything to the output stream. Call once, after the last batch. */
    void finish();

    long rowsWritten();

    /** Releases resources (temporary files, memory) without writing anything more. Idempotent. */
    @Override
    default void close() {
    }

    /**
     * Encodes every batch of {@code stream} and finishes. If the stream fails, the exception propagates
     * and no terminator is written. Does not close the stream or {@code out}.
     *
     * @return the number of rows written
     */
    static long encode(BatchStream stream, ResultFormat format, java.io.OutputStream out, FormatOptions options) {
        try (ResultEncoder encoder = format.encoder(out, stream.schema(), options)) {
            while (stream.next()) {
                encoder.writeBatch(stream.root());
            }
            encoder.finish();
            return encoder.rowsWritten();
        }
    }
}
