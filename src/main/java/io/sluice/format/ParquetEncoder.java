package io.sluice.format;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchCopy;
import io.sluice.core.types.ArrowSchemas;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * Parquet, written by a private in-memory DuckDB that never sees user SQL: the batches are handed to it as
 * an Arrow stream while they arrive, and its {@code COPY} encodes row groups on all its threads at the same
 * time as the caller produces the next batches. Its footer describes the whole file, so the file is built in
 * the temporary directory and streamed to {@code out} at {@link #finish()}; it is deleted on close.
 *
 * <p>Memory stays bounded: each batch is copied (the caller reuses its root) into a queue of a few batches,
 * and {@link #writeBatch} waits while DuckDB is behind. The copier thread is a platform thread, since DuckDB
 * calls back into Java from native code to pull the batches.
 */
final class ParquetEncoder implements ResultEncoder {
    private static final String TABLE = "sluice_result";
    private static final int QUEUED_BATCHES = 4;

    /** What the copier takes from the queue: a batch, or the end of the rows. */
    private record Item(VectorSchemaRoot batch, boolean end) {
        static final Item END = new Item(null, true);
    }

    private final OutputStream out;
    private final ResultSchema schema;
    private final FormatOptions options;
    private final BufferAllocator allocator;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private Path parquet;
    private Thread copier;
    private volatile Throwable failure;
    /** Set when the encoder is closed before the end of the rows: DuckDB's next pull fails, ending its COPY. */
    private volatile boolean abandoned;
    private long rows;
    private boolean finished;
    private boolean closed;

    ParquetEncoder(OutputStream out, ResultSchema schema, FormatOptions options) {
        this.out = out;
        this.schema = schema;
        this.options = options;
        BufferAllocator parent = options.allocator();
        this.allocator = parent == null ? new RootAllocator() : parent.newChildAllocator("parquet", 0, Long.MAX_VALUE);
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        if (copier == null) {
            // The engine's own Arrow schema (from the first batch) is the one DuckDB should read.
            start(batch.getSchema());
        }
        VectorSchemaRoot copy = BatchCopy.of(batch, allocator);
        put(new Item(copy, false));
        rows += batch.getRowCount();
    }

    @Override
    public void finish() {
        if (copier == null) {
            start(ArrowSchemas.toArrow(schema));
        }
        put(Item.END);
        finished = true;
        awaitCopier();
        rethrowFailure();
        try (InputStream parquetIn = Files.newInputStream(parquet)) {
            parquetIn.transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(Schema arrowSchema) {
        try {
            parquet = Files.createTempFile(options.tempDirectory(), "sluice-", ".parquet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copier = Thread.ofPlatform().name("parquet-copy").daemon().start(() -> {
            try {
                copy(arrowSchema);
            } catch (Throwable e) {
                failure = e;
                discardQueued();
            }
        });
    }

    /** Hands {@code item} to the copier, waiting while the queue is full; fails once the copier has failed. */
    private void put(Item item) {
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (!copier.isAlive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(item);
            throw new SluiceException(ErrorCode.CANCELLED, "the Parquet file was not finished: interrupted");
        }
        if (failure != null || !copier.isAlive() && !item.end()) {
            discardQueued();
            release(item);
            rethrowFailure();
            throw new IllegalStateException("the Parquet writer stopped before the end of the rows");
        }
    }

    private void copy(Schema arrowSchema) throws IOException, SQLException {
        try (QueueReader reader = new QueueReader(allocator, arrowSchema);
             ArrowArrayStream arrayStream = ArrowArrayStream.allocateNew(allocator);
             Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            // The exported C stream drives the reader from here on; closing the stream releases it.
            Data.exportArrayStream(allocator, reader, arrayStream);
            connection.unwrap(DuckDBConnection.class).registerArrowStream(TABLE, arrayStream);
            try (Statement statement = connection.createStatement()) {
                // The path is our own temp file; quotes are doubled all the same, as SQL string syntax wants.
                // The codec is one of FormatOptions.PARQUET_CODECS, checked when the options were made.
                String target = parquet.toAbsolutePath().toString().replace("'", "''");
                statement.execute("COPY " + TABLE + " TO '" + target + "' (FORMAT parquet, COMPRESSION "
                        + options.parquetCompression().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
    }

    /** The batches of the queue as an Arrow reader, for DuckDB to pull from its own threads. */
    private final class QueueReader extends ArrowReader {
        private final Schema arrowSchema;

        QueueReader(BufferAllocator allocator, Schema arrowSchema) {
            super(allocator);
            this.arrowSchema = arrowSchema;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            Item item = null;
            try {
                // DuckDB may ask again after a failed pull, so giving up is a state, not just one queue item.
                while (item == null && !abandoned) {
                    item = queue.poll(50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for rows", e);
            }
            if (item != null && item.end()) {
                return false;
            }
            if (item == null || item.batch() == null) {
                if (item != null) {
                    release(item);
                }
                throw new IOException("the rows were abandoned before their end");
            }
            try (VectorSchemaRoot batch = item.batch()) {
                VectorSchemaRoot root = getVectorSchemaRoot();
                for (int column = 0; column < root.getFieldVectors().size(); column++) {
                    batch.getVector(column).makeTransferPair(root.getVector(column)).transfer();
                }
                root.setRowCount(batch.getRowCount());
            }
            return true;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return arrowSchema;
        }
    }

    private void awaitCopier() {
        boolean interrupted = false;
        while (copier.isAlive()) {
            try {
                copier.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() {
        Throwable cause = failure;
        if (cause == null) {
            return;
        }
        if (cause instanceof SQLException) {
            // The batches are our own well-formed Arrow, so a failure here is a value Parquet cannot hold
            // (a negative INTERVAL, for one): the query's result, not the server, is at fault.
            throw new SluiceException(SluiceError.of(ErrorCode.SQL_ERROR,
                    "the result cannot be written as Parquet: " + cause.getMessage()), cause);
        }
        if (cause instanceof IOException io) {
            throw new UncheckedIOException(io);
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException("the Parquet writer failed", cause);
    }

    private void discardQueued() {
        Item item;
        while ((item = queue.poll()) != null) {
            release(item);
        }
    }

    private static void release(Item item) {
        if (item.batch() != null) {
            item.batch().close();
        }
    }

    @Override
    public long rowsWritten() {
        return rows;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (copier != null && copier.isAlive()) {
                if (!finished) {
                    // Whatever DuckDB is waiting for, it gets the word to stop instead of the rest of the rows.
                    abandoned = true;
                    discardQueued();
                }
                awaitCopier();
            }
            discardQueued();
            if (parquet != null) {
                Files.deleteIfExists(parquet);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            allocator.close();
        }
    }
}
