package io.sluice.core.result;

import io.sluice.core.types.ResultSchema;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A stream that, once a result has shown itself to be large, reads the next batch on another thread while the
 * consumer encodes the current one. Reading a batch (the engine producing it and the Arrow import) and encoding
 * it as text cost about the same; one after the other on the request thread they leave the second core idle.
 *
 * <p>Small results never pay for it: a result of at most {@link #SERIAL_BATCHES} batches is read on the caller's
 * thread alone; with one batch more a reader is started, if one of the {@code slots} is free (at most one per core helps; the rest
 * stay serial). Memory stays bounded: one batch waiting, one being read, one being encoded. Batches move between
 * roots by buffer transfer, never by copying, and the consumer always sees the same {@link #root()}.
 *
 * <p>The source is only ever touched by one thread at a time. {@link #close()} waits for the reader to stop before
 * closing the source; a reader blocked in the engine is stopped by the caller's cancel, which the statement sends
 * before closing when the result was not read to the end.
 */
public final class ReadAheadBatchStream implements BatchStream {

    /** Batches a result may have and still be read on the caller's thread alone. */
    static final int SERIAL_BATCHES = 2;
    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    private final BatchStream source;
    private final BufferAllocator allocator;
    private final Executor executor;
    private final Semaphore slots;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(1);
    private final CountDownLatch readerDone = new CountDownLatch(1);
    private VectorSchemaRoot output;
    private int batchesRead;
    private boolean readingAhead;
    private boolean ended;
    private boolean closed;
    private volatile boolean stopping;

    /**
     * @param allocator where the batches in flight live (the statement's own)
     * @param executor runs the reader; platform threads, since the engine's native calls would pin a virtual one
     * @param slots read-ahead readers allowed at once, shared by all streams
     */
    public ReadAheadBatchStream(BatchStream source, BufferAllocator allocator, Executor executor, Semaphore slots) {
        this.source = Objects.requireNonNull(source, "source");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.slots = Objects.requireNonNull(slots, "slots");
    }

    @Override
    public ResultSchema schema() {
        return source.schema();
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("the stream is closed");
        }
        if (ended) {
            return false;
        }
        if (!readingAhead) {
            if (!source.next()) {
                ended = true;
                return false;
            }
            moveInto(output(), source.root());
            batchesRead++;
            if (batchesRead > SERIAL_BATCHES) {
                // Larger than a small result: read the next batch while this one is encoded.
                readingAhead = startReader();
            }
            return true;
        }
        Object item = take();
        if (item == END) {
            ended = true;
            return false;
        }
        if (item instanceof Failure failure) {
            ended = true;
            throw rethrow(failure.error());
        }
        try (VectorSchemaRoot batch = (VectorSchemaRoot) item) {
            moveInto(output(), batch);
        }
        batchesRead++;
        return true;
    }

    @Override
    public VectorSchemaRoot root() {
        return output();
    }

    private VectorSchemaRoot output() {
        if (output == null) {
            output = VectorSchemaRoot.create(source.root().getSchema(), allocator);
        }
        return output;
    }

    private boolean startReader() {
        if (!slots.tryAcquire()) {
            return false;
        }
        try {
            executor.execute(this::readAhead);
            return true;
        } catch (RejectedExecutionException e) {
            slots.release(); // shutting down: carry on serially
            return false;
        }
    }

    /** The reader: batches into the queue until the end, a failure, or the consumer closing. */
    private void readAhead() {
        try {
            while (!stopping) {
                Object item;
                try {
                    if (source.next()) {
                        VectorSchemaRoot batch = VectorSchemaRoot.create(source.root().getSchema(), allocator);
                        moveInto(batch, source.root());
                        item = batch;
                    } else {
                        item = END;
                    }
                } catch (Throwable e) {
                    item = new Failure(e);
                }
                if (!hand(item) || item == END || item instanceof Failure) {
                    return;
                }
            }
        } finally {
            slots.release();
            readerDone.countDown();
        }
    }

    /** Waits for room in the queue; false (the item released) when the consumer closed meanwhile. */
    private boolean hand(Object item) {
        try {
            while (!stopping) {
                if (ready.offer(item, 50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (item instanceof VectorSchemaRoot batch) {
            batch.close();
        }
        return false;
    }

    private Object take() {
        try {
            return ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
    }

    /** Moves the buffers of {@code from} into {@code to} (releasing what {@code to} held); {@code from} is left empty. */
    private static void moveInto(VectorSchemaRoot to, VectorSchemaRoot from) {
        for (int index = 0; index < from.getFieldVectors().size(); index++) {
            from.getVector(index).makeTransferPair(to.getVector(index)).transfer();
        }
        to.setRowCount(from.getRowCount());
    }

    private static RuntimeException rethrow(Throwable error) {
        if (error instanceof RuntimeException runtime) {
            return runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        return new IllegalStateException(error);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        try {
            if (readingAhead) {
                awaitReader();
            }
        } finally {
            try {
                source.close();
            } finally {
                if (output != null) {
                    output.close();
                }
            }
        }
    }

    private void awaitReader() {
        boolean interrupted = false;
        while (true) {
            drainReady();
            try {
                if (readerDone.await(50, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        drainReady();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainReady() {
        Object item;
        while ((item = ready.poll()) != null) {
            if (item instanceof VectorSchemaRoot batch) {
                batch.close();
            }
        }
    }
}
