package io.sluice.engine.duckdb;

import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches read from DuckDB's Arrow export. DuckDB exports ENUM columns dictionary-encoded; the contract
 * promises plain vectors, so when any column is encoded each batch is moved into a root of plain vectors
 * (decoding the encoded columns, transferring the others without copying). Otherwise the reader's own root
 * is handed out as it is.
 */
final class DuckDbBatchStream implements BatchStream {

    private final ResultSchema schema;
    private final ArrowReader reader;
    private final BufferAllocator allocator;
    private final BooleanSupplier cancelled;
    private final AutoCloseable cursor;
    private final DuckDbErrors.SqlSource sql;
    private final VectorSchemaRoot source;
    private final VectorSchemaRoot output;
    private boolean closed;

    /**
     * @param cancelled reports whether the statement was cancelled, since DuckDB then fails with a vague error
     * @param cursor the DuckDB result set, closed with the stream
     * @param sql what positions in DuckDB's errors refer to; null when none can be given
     */
    DuckDbBatchStream(ResultSchema schema, ArrowReader reader, BufferAllocator allocator, BooleanSupplier cancelled,
            AutoCloseable cursor, DuckDbErrors.SqlSource sql) throws IOException {
        this.sql = sql;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
        this.cursor = Objects.requireNonNull(cursor, "cursor");
        this.source = reader.getVectorSchemaRoot();
        this.output = hasDictionaries(source.getSchema()) ? VectorSchemaRoot.create(plain(source.getSchema(), reader), allocator)
                : source;
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
            throw DuckDbErrors.cancelled();
        }
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw DuckDbErrors.map(e, cancelled.getAsBoolean(), sql);
        }
        if (cancelled.getAsBoolean()) {
            throw DuckDbErrors.cancelled();
        }
        if (loaded && output != source) {
            moveToOutput();
        }
        return loaded;
    }

    @Override
    public VectorSchemaRoot root() {
        return output;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (AutoCloseable closeCursor = cursor; ArrowReader closeReader = reader) {
            if (output != source) {
                output.close();
            }
        } catch (Exception e) {
            throw new SluiceException(DuckDbErrors.map(e, false, null).error(), e);
        }
    }

    private void moveToOutput() {
        for (int index = 0; index < source.getFieldVectors().size(); index++) {
            FieldVector vector = source.getVector(index);
            FieldVector target = output.getVector(index);
            if (vector.getField().getDictionary() == null) {
                vector.makeTransferPair(target).transfer();
                continue;
            }
            Dictionary dictionary = reader.lookup(vector.getField().getDictionary().getId());
            try (ValueVector decoded = DictionaryEncoder.decode(vector, dictionary, allocator)) {
                decoded.makeTransferPair(target).transfer();
            }
        }
        output.setRowCount(source.getRowCount());
    }

    private static boolean hasDictionaries(Schema schema) {
        return schema.getFields().stream().anyMatch(field -> field.getDictionary() != null);
    }

    /** An encoded column becomes a plain column of its dictionary's value type (VARCHAR for ENUM). */
    private static Schema plain(Schema schema, ArrowReader reader) {
        List<Field> fields = new ArrayList<>();
        for (Field field : schema.getFields()) {
            if (field.getDictionary() == null) {
                fields.add(field);
                continue;
            }
            Field values = reader.lookup(field.getDictionary().getId()).getVector().getField();
            fields.add(new Field(field.getName(), new FieldType(true, values.getType(), null, field.getMetadata()),
                    values.getChildren()));
        }
        return new Schema(fields, schema.getCustomMetadata());
    }
}
