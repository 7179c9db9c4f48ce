package io.sluice.format;

import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.time.ZoneId;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Lets a text encoder (NDJSON, JSON, CSV) render one batch on two threads at once: the thread that writes the
 * result and a helper take blocks of rows in turn, and the blocks are written to the output in row order, so
 * the bytes are exactly those of rendering alone.
 *
 * <p>Why: a large text result is rendered by one thread, and the profile of a 10-million-row NDJSON stream
 * shows that thread as the limit (rendering ~70% of it, the socket writes the rest) while the second core is
 * partly idle (BENCHMARKS.md, figure 1). Arrow and Parquet need no help: their encoders copy buffers.
 *
 * <p>Memory is bounded by the lanes, not by the results: a batch borrows a lane (a helper's turn and
 * {@link #AHEAD}{@code + 1} block buffers) only when one is free and returns it when its last block is written;
 * otherwise, and for batches under two blocks, the encoder renders alone as before. Neither thread renders a
 * block more than {@link #AHEAD} blocks past the one waiting to be written.
 */
public final class TextRenderHelpers implements AutoCloseable {

    /** Never helps: every batch is rendered by the thread that writes it. */
    public static final TextRenderHelpers NONE = new TextRenderHelpers(0);

    /** Rows per block: small enough that the two threads finish a batch together, large enough to pay the hand-off. */
    static final int BLOCK_ROWS = 512;
    /** How far past the block waiting to be written a block may be rendered. */
    static final int AHEAD = 3;
    /** A block buffer grown past this (very wide rows) is dropped after its batch rather than kept. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    private final ExecutorService helpers;
    private final BlockingQueue<Lane> lanes;
    /** Blocks the helpers have rendered, so far: what shows that helping happens at all. */
    private final AtomicLong helperBlocks = new AtomicLong();

    private TextRenderHelpers(int laneCount) {
        if (laneCount == 0) {
            helpers = null;
            lanes = null;
            return;
        }
        // Platform threads: the work is pure computation, and a fixed pool bounds it to the lanes.
        helpers = Executors.newFixedThreadPool(laneCount, Thread.ofPlatform().name("render-", 0).daemon().factory());
        lanes = new ArrayBlockingQueue<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new Lane());
        }
    }

    /** Helpers for at most {@code lanes} batches rendered at once. */
    public static TextRenderHelpers start(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, was " + lanes);
        }
        return new TextRenderHelpers(lanes);
    }

    /** Renders rows {@code [from, to)} of the batch into {@code text}, with readers private to the calling thread. */
    interface BlockRenderer {
        void render(ColumnReader[] readers, int from, int to, TextOutput text) throws IOException;
    }

    /**
     * An encoder's rows: appends rows {@code [from, to)} to {@code text} and, given a {@code drain}, hands the text
     * to it whenever a cell leaves it long enough (rendering alone streams; a helped block is written whole).
     */
    interface RowsRenderer {
        void render(ColumnReader[] readers, int from, int to, TextOutput text, OutputStream drain) throws IOException;
    }

    /**
     * Renders every row of {@code batch} and writes it to {@code out} after what {@code buffer} holds: with a helper
     * when the batch is large and a lane is free, else on this thread through {@code buffer}, as before helpers.
     */
    void renderBatch(VectorSchemaRoot batch, ResultSchema schema, ZoneId zone, RowsRenderer rows, TextOutput buffer,
                     OutputStream out) throws IOException {
        int rowCount = batch.getRowCount();
        // The size check first: a small statement's one-row batch should not even build the hand-over lambdas.
        boolean helped = lanes != null && rowCount >= 2 * BLOCK_ROWS
                && render(rowCount, () -> ColumnReaders.forBatch(batch, schema, zone),
                        (readers, from, to, text) -> rows.render(readers, from, to, text, null), buffer, out);
        if (!helped) {
            rows.render(ColumnReaders.forBatch(batch, schema, zone), 0, rowCount, buffer, out);
        }
    }

    /**
     * Renders rows {@code [0, rowCount)} on this thread and a helper and writes them to {@code out} in order,
     * after whatever {@code pending} holds.
     *
     * @param readers makes a fresh set of readers for the batch (a reader keeps per-thread scratch state)
     * @return false, having done nothing, when the batch is small or no lane is free: render it alone
     * @throws IOException from {@code out}; a failure while rendering is rethrown as it was
     */
    boolean render(int rowCount, Supplier<ColumnReader[]> readers, BlockRenderer renderer, TextOutput pending,
                   OutputStream out) throws IOException {
        if (lanes == null || rowCount < 2 * BLOCK_ROWS) {
            return false;
        }
        Lane lane = lanes.poll();
        if (lane == null) {
            return false;
        }
        try {
            pending.drainTo(out);
            Batch batch = new Batch(lane, rowCount, readers, renderer, helperBlocks);
            try {
                helpers.execute(batch::help);
            } catch (RejectedExecutionException e) {
                // Shutting down: this thread renders every block itself.
            }
            batch.renderAndWrite(out);
            return true;
        } finally {
            lane.trim();
            lanes.add(lane);
        }
    }

    public long blocksRenderedByHelpers() {
        return helperBlocks.get();
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** The block buffers one batch at a time uses, block {@code b} in buffer {@code b % (AHEAD + 1)}. */
    private static final class Lane {
        private final TextOutput[] buffers = new TextOutput[AHEAD + 1];

        TextOutput buffer(int block) {
            int slot = block % buffers.length;
            if (buffers[slot] == null) {
                buffers[slot] = new TextOutput(64 * 1024);
            }
            return buffers[slot];
        }

        void trim() {
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] != null && buffers[i].bytes().length > KEPT_BUFFER_BYTES) {
                    buffers[i] = null;
                }
            }
        }
    }

    /**
     * One batch's blocks. Every hand-over (claiming a block, finishing one, the writer moving on) happens under
     * this object's monitor, so a block's bytes are visible to the writer once it is marked done. The helper
     * never touches the batch once the writer has stopped it, which {@link #renderAndWrite} waits for before it
     * returns: the batch's vectors and the lane are reused right after.
     */
    private static final class Batch {
        private final Lane lane;
        private final int rowCount;
        private final int blockCount;
        private final Supplier<ColumnReader[]> readers;
        private final BlockRenderer renderer;
        private final boolean[] done;
        private final AtomicLong helperBlocks;
        private int nextBlock;
        private int written;
        private boolean helperRendering;
        private boolean stopped;
        private Throwable helperFailure;

        Batch(Lane lane, int rowCount, Supplier<ColumnReader[]> readers, BlockRenderer renderer,
              AtomicLong helperBlocks) {
            this.helperBlocks = helperBlocks;
            this.lane = lane;
            this.rowCount = rowCount;
            this.blockCount = (rowCount + BLOCK_ROWS - 1) / BLOCK_ROWS;
            this.readers = readers;
            this.renderer = renderer;
            this.done = new boolean[blockCount];
        }

        /** The helper's side: claim, render, repeat, until no block is left or the writer stops it. */
        void help() {
            ColumnReader[] own = null;
            while (true) {
                int block = claim(true);
                if (block < 0) {
                    return;
                }
                try {
                    if (own == null) {
                        own = readers.get();
                    }
                    renderBlock(own, block);
                    helperBlocks.incrementAndGet();
                    helperFinished(block, null);
                } catch (Throwable e) {
                    helperFinished(block, e);
                    return;
                }
            }
        }

        /** The writer's side: writes each block as soon as it is done, rendering the next free one meanwhile. */
        void renderAndWrite(OutputStream out) throws IOException {
            ColumnReader[] own = null;
            try {
                while (written < blockCount) {
                    if (writable()) {
                        lane.buffer(written).drainTo(out);
                        advance();
                        continue;
                    }
                    int block = claim(false);
                    if (block >= 0) {
                        if (own == null) {
                            own = readers.get();
                        }
                        renderBlock(own, block);
                        writerFinished(block);
                    } else {
                        awaitWritable();
                    }
                }
            } finally {
                stopAndAwaitHelper();
            }
        }

        private void renderBlock(ColumnReader[] own, int block) throws IOException {
            TextOutput text = lane.buffer(block);
            text.reset();
            int from = block * BLOCK_ROWS;
            renderer.render(own, from, Math.min(rowCount, from + BLOCK_ROWS), text);
        }

        /**
         * The next block to render, or -1 when none is left or the batch was stopped. The helper waits while the
         * next block is too far ahead of the writer; the writer, which can always write instead, never waits here.
         */
        private synchronized int claim(boolean helper) {
            while (helper && !stopped && nextBlock < blockCount && nextBlock > written + AHEAD) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    return -1; // the helpers are shutting down; the writer renders what is left
                }
            }
            if (stopped || nextBlock >= blockCount || nextBlock > written + AHEAD) {
                return -1;
            }
            if (helper) {
                helperRendering = true;
            }
            return nextBlock++;
        }

        private synchronized void helperFinished(int block, Throwable failure) {
            if (failure != null) {
                helperFailure = failure;
            } else {
                done[block] = true;
            }
            helperRendering = false;
            notifyAll();
        }

        private synchronized void writerFinished(int block) {
            done[block] = true;
        }

        /** Whether the block waiting to be written is done; rethrows a helper's failure. */
        private synchronized boolean writable() {
            rethrowHelperFailure();
            return done[written];
        }

        private synchronized void advance() {
            written++;
            notifyAll(); // a helper held back by AHEAD may claim again
        }

        /** Waits until the block waiting to be written is done (rendered by the helper) or the helper failed. */
        private synchronized void awaitWritable() {
            waitUntil(() -> done[written] || helperFailure != null);
            rethrowHelperFailure();
        }

        private synchronized void stopAndAwaitHelper() {
            stopped = true;
            notifyAll(); // a helper held back by AHEAD gives up
            waitUntil(() -> !helperRendering);
        }

        /**
         * Waits on this monitor (held by the caller) until {@code condition} holds. An interrupt does not cut the
         * wait short, since the batch's vectors must outlive the helper; it is kept for the caller to see.
         */
        private void waitUntil(java.util.function.BooleanSupplier condition) {
            boolean interrupted = false;
            while (!condition.getAsBoolean()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private void rethrowHelperFailure() {
            Throwable failure = helperFailure;
            if (failure == null) {
                return;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure instanceof IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            throw new IllegalStateException(failure);
        }
    }
}
