package io.sluice.engine.trino;

import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ArrowSchemas;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A Trino result read page by page from the JDBC cursor into Arrow batches of at most {@code batchRows} rows
 * or about {@code batchBytes} bytes, whichever comes first. Only the current batch is held: the driver itself
 * keeps just the page of rows Trino sent last, so memory stays bounded for any result size.
 */
final class TrinoBatchStream implements BatchStream {

    /** How often (in rows) the size of the batch is measured against the byte budget. */
    private static final int SIZE_CHECK_ROWS = 512;

    private final ResultSchema schema;
    private final ResultSet rows;
    private final VectorSchemaRoot root;
    private final List<FieldVector> vectors;
    private final ColumnReader[] readers;
    private final int batchRows;
    private final long batchBytes;
    private final BooleanSupplier cancelled;
    private final java.util.function.Supplier<String> lost;
    private final Runnable onClose;
    private boolean exhausted;
    private boolean closed;

    TrinoBatchStream(ResultSchema schema, List<String> trinoTypes, ResultSet rows, BufferAllocator allocator, int batchRows,
                     long batchBytes, BooleanSupplier cancelled, java.util.function.Supplier<String> lost, Runnable onClose) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.batchRows = batchRows;
        this.batchBytes = batchBytes;
        this.cancelled = cancelled;
        this.lost = lost;
        this.onClose = onClose;
        this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
        this.vectors = root.getFieldVectors();
        this.readers = new ColumnReader[schema.size()];
        for (int index = 0; index < readers.length; index++) {
            readers[index] = reader(schema.columns().get(index).type(), trinoTypes.get(index), index + 1);
        }
    }

    @Override
    public ResultSchema schema() {
        return schema;
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("the stream is closed");
        }
        if (cancelled.getAsBoolean()) {
            throw TrinoErrors.cancelled();
        }
        if (exhausted) {
            return false;
        }
        root.allocateNew();
        int count = 0;
        try {
            while (count < batchRows) {
                if (!rows.next()) {
                    exhausted = true;
                    break;
                }
                for (int column = 0; column < readers.length; column++) {
                    ArrowValueWriter.write(vectors.get(column), schema.columns().get(column).type(), count,
                            readers[column].read(rows));
                }
                count++;
                if (count % SIZE_CHECK_ROWS == 0 && bytes() >= batchBytes) {
                    break;
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (lost.get() != null && !cancelled.getAsBoolean()) {
                throw TrinoErrors.unavailable(lost.get(), e);
            }
            throw TrinoErrors.map(e, cancelled.getAsBoolean());
        }
        if (cancelled.getAsBoolean()) {
            throw TrinoErrors.cancelled();
        }
        if (lost.get() != null) {
            throw TrinoErrors.unavailable(lost.get(), null);
        }
        root.setRowCount(count);
        return count > 0;
    }

    private long bytes() {
        long total = 0;
        for (FieldVector vector : vectors) {
            total += vector.getBufferSize();
        }
        return total;
    }

    @Override
    public VectorSchemaRoot root() {
        return root;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            root.close();
        } finally {
            onClose.run();
        }
    }

    /** How one column's value is taken from the cursor, in the Java type {@link ArrowValueWriter} expects. */
    @FunctionalInterface
    private interface ColumnReader {
        Object read(ResultSet rows) throws SQLException;
    }

    private static ColumnReader reader(SqlType type, String trinoType, int column) {
        return switch (type.kind()) {
            // The driver's java.sql.Time keeps milliseconds only; Trino's text keeps every digit.
            case TIME -> rows -> {
                String text = rows.getString(column);
                return text == null ? null : LocalTime.parse(text);
            };
            case TIMESTAMP -> rows -> rows.getObject(column, LocalDateTime.class);
            case TIMESTAMP_WITH_TIME_ZONE -> rows -> rows.getObject(column, Instant.class);
            // Types without a canonical kind (TIME WITH TIME ZONE, IPADDRESS, CHAR …) keep Trino's own text.
            case VARCHAR -> trinoType.startsWith("varchar") ? rows -> rows.getObject(column) : rows -> rows.getString(column);
            default -> rows -> rows.getObject(column);
        };
    }
}
