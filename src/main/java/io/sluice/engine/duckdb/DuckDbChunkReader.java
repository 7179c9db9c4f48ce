package io.sluice.engine.duckdb;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.CDataDictionaryProvider;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorSchemaRootAppender;
import org.duckdb.DuckDBChunkedResult;

/**
 * A streamed DuckDB result read chunk by chunk through the C API ({@link DuckDbNative}), each chunk one Arrow batch
 * (up to DuckDB's vector size, 2048 rows), small chunks merged. A failure in the middle of the stream is DuckDB's own message, which
 * {@link #loadNextBatch} throws as an IOException (one before the first row already failed
 * {@link org.duckdb.DuckDBPreparedStatement#query()} with it).
 */
final class DuckDbChunkReader extends ArrowReader {

    /**
     * A batch smaller than this takes the chunks after it too (copied in), so that a selective filter, whose chunks
     * hold a few rows each, does not hand encoders thousands of tiny batches. Full chunks are never copied.
     */
    static final int SMALL_BATCH_ROWS = 2048;

    private final DuckDBChunkedResult chunked;
    private final MemorySegment result;
    private final MemorySegment options;
    private final CDataDictionaryProvider dictionaries = new CDataDictionaryProvider();
    private final int smallBatchRows;
    private boolean finished;
    /** DuckDB's error, held back until the rows fetched before it have been handed out. */
    private String pendingError;
    private VectorSchemaRoot incoming;

    DuckDbChunkReader(BufferAllocator allocator, DuckDBChunkedResult chunked, int batchRows) {
        super(allocator);
        this.chunked = chunked;
        this.result = DuckDbNative.result(chunked);
        this.options = DuckDbNative.arrowOptions(result);
        this.smallBatchRows = Math.min(SMALL_BATCH_ROWS, Math.max(1, batchRows));
    }

    /** The columns as the result has them (names and types after parameters were bound). */
    ResultSchema schema() {
        List<Column> columns = new ArrayList<>();
        long count = DuckDbNative.columnCount(result);
        for (long column = 0; column < count; column++) {
            // DuckDB often reports nullability as unknown; nullable is the safe answer.
            columns.add(new Column(DuckDbNative.columnName(result, column), DuckDbNative.columnType(result, column), true));
        }
        return new ResultSchema(columns);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (pendingError != null) {
            String error = pendingError;
            pendingError = null;
            throw new IOException(error);
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        if (!loadChunk(root)) {
            return false;
        }
        // Dictionary-encoded columns (ENUM) are not merged: each chunk's indices refer to the dictionary it came with.
        boolean mergeable = root.getSchema().getFields().stream().noneMatch(field -> field.getDictionary() != null);
        while (mergeable && root.getRowCount() < smallBatchRows) {
            if (incoming == null) {
                incoming = VectorSchemaRoot.create(root.getSchema(), allocator);
            }
            try {
                if (!loadChunk(incoming)) {
                    break;
                }
            } catch (IOException failure) {
                pendingError = failure.getMessage(); // the rows already in the batch go out first
                break;
            }
            VectorSchemaRootAppender.append(root, incoming);
        }
        return true;
    }

    /** Fetches and converts one chunk into {@code into}; false at the end of the result. */
    private boolean loadChunk(VectorSchemaRoot into) throws IOException {
        if (finished) {
            return false;
        }
        MemorySegment chunk = DuckDbNative.fetchChunk(result);
        if (chunk.address() == 0) {
            finished = true;
            String error = DuckDbNative.error(result);
            if (error != null) {
                throw new IOException(error);
            }
            return false;
        }
        try (ArrowArray array = ArrowArray.allocateNew(allocator)) {
            String error = DuckDbNative.exportChunk(options, chunk, array.memoryAddress());
            if (error != null) {
                throw new IOException(error);
            }
            Data.importIntoVectorSchemaRoot(allocator, array, into, dictionaries);
        } finally {
            DuckDbNative.destroyChunk(chunk);
        }
        return true;
    }

    @Override
    public Dictionary lookup(long id) {
        return dictionaries.lookup(id);
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() {
        return dictionaries.getDictionaryIds().stream().collect(Collectors.toMap(Function.identity(), dictionaries::lookup));
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected Schema readSchema() throws IOException {
        try (ArrowSchema schema = ArrowSchema.allocateNew(allocator)) {
            String error = DuckDbNative.exportSchema(options, result, schema.memoryAddress());
            if (error != null) {
                throw new IOException(error);
            }
            return Data.importSchema(allocator, schema, dictionaries);
        }
    }

    @Override
    protected void closeReadSource() throws IOException {
        try {
            if (incoming != null) {
                incoming.close();
            }
            dictionaries.close();
            DuckDbNative.destroyArrowOptions(options);
        } finally {
            try {
                chunked.close();
            } catch (java.sql.SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
