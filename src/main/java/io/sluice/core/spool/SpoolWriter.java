package io.sluice.core.spool;

import io.sluice.core.error.SluiceException;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.util.VectorAppender;

/**
 * Writes one result into the spool: rows are copied into the current page, and a page is written as its
 * own Arrow IPC file (and fsynced) as soon as it reaches the row or byte target, so the writer holds at
 * most one page in memory whatever the size of the result. {@link #finish()} makes the result visible.
 *
 * <p>Not thread-safe: one producer. Any failure while appending or finishing aborts the result (its
 * files are deleted) before the exception propagates.
 */
public final class SpoolWriter implements AutoCloseable {

    /**
     * Added to a page's buffer size when reserving quota for it: the IPC file also holds the schema
     * (twice), the footer and padding. Settled against the real file size once written.
     */
    private static final long PAGE_FILE_OVERHEAD_ESTIMATE = 64 * 1024;

    private enum State { OPEN, FINISHED, ABORTED }

    private final ResultSpool spool;
    private final String resultId;
    private final ResultSchema schema;
    private final Path resultDirectory;
    private final BufferAllocator allocator;
    /** Whose quota the result counts against; null for nobody's. */
    private final SpoolOwner owner;
    private final List<PageInfo> pages = new ArrayList<>();
    /** Taken from the first batch, so pages keep exactly the vectors the engine produced. */
    private Schema arrowSchema;
    private VectorSchemaRoot page;
    private int pageRowCount;
    private long totalRows;
    private long totalPageBytes;
    /** What this writer added to the spool's bytes in use (and to its owner's); given back if the result is aborted. */
    private long chargedBytes;
    private State state = State.OPEN;

    SpoolWriter(ResultSpool spool, String resultId, ResultSchema schema, Path resultDirectory,
                BufferAllocator allocator, SpoolOwner owner) {
        this.spool = Objects.requireNonNull(spool, "spool");
        this.resultId = Objects.requireNonNull(resultId, "resultId");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.resultDirectory = Objects.requireNonNull(resultDirectory, "resultDirectory");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.owner = owner;
    }

    public String resultId() {
        return resultId;
    }

    /**
     * Copies the rows of {@code batch} into the spool; the batch stays owned by the caller. Batches may be
     * of any size: they are split across page boundaries.
     *
     * @throws IllegalArgumentException when the batch does not match the schema (the result stays open)
     * @throws SluiceException SPOOL_QUOTA_EXCEEDED when the spool is full or the owner's quota would be
     *     passed, INTERNAL_ERROR on I/O failure;
     *     the result is aborted in both cases
     */
    public void append(VectorSchemaRoot batch) {
        Objects.requireNonNull(batch, "batch");
        requireOpen();
        checkSchema(batch.getSchema());
        try {
            long averageRowBytes = batch.getRowCount() == 0 ? 0 : bufferBytes(batch) / batch.getRowCount();
            int copied = 0;
            while (copied < batch.getRowCount()) {
                if (page == null) {
                    page = VectorSchemaRoot.create(arrowSchema, allocator);
                    page.allocateNew();
                }
                int count = rowsToCopy(batch.getRowCount() - copied, averageRowBytes);
                copyRows(batch, copied, count);
                copied += count;
                if (pageRowCount >= spool.config().pageRows() || bufferBytes(page) >= spool.config().pageBytes()) {
                    writePage();
                }
            }
        } catch (RuntimeException | Error e) {
            abortAfter(e);
            throw e;
        } catch (IOException e) {
            abortAfter(e);
            throw ResultSpool.failure("could not write a page of result " + resultId, e);
        }
    }

    /**
     * Writes the last page and then the manifest, which makes the result complete and readable.
     *
     * @return the description of the finished result
     */
    public SpooledResult finish() {
        requireOpen();
        try {
            boolean small = pages.isEmpty() && (page == null || spool.config().small(1, bufferBytes(page)));
            if (small && spool.keepsSmallResultsTogether()) {
                return finishSmall();
            }
            if (pageRowCount > 0) {
                writePage(!small);
            }
            closePage();
            if (arrowSchema == null) {
                arrowSchema = io.sluice.core.types.ArrowSchemas.toArrow(schema);
            }
            // Page contents were forced when written; their directory entries, and the result directory's
            // own entry, must be durable too before a manifest can claim the result is complete.
            if (!small) {
                SpoolFiles.syncDirectory(resultDirectory);
                SpoolFiles.syncDirectory(resultDirectory.getParent());
            }
            Instant createdAt = spool.now();
            SpooledResult result = new SpooledResult(resultId, schema, pages, totalRows, totalPageBytes, createdAt,
                    createdAt.plus(spool.config().retention()));
            long manifestBytes = new SpoolManifest(result, arrowSchema, owner == null ? null : owner.principalId())
                    .writeTo(resultDirectory, !small);
            spool.adjustBytesInUse(manifestBytes);
            spool.adjustOwnerBytes(owner, manifestBytes);
            chargedBytes += manifestBytes;
            // In a cluster the result is finished only once the shared store has all of it.
            spool.publish(resultId, resultDirectory, pages);
            // Counted against the owner before the write ends, so no delete can come in between and miss it; a
            // ledger that cannot be written (a cluster's database away) aborts the result like any other failure.
            spool.finished(resultId, owner, chargedBytes, result.expiresAt());
            state = State.FINISHED;
            spool.writeEnded(resultId);
            allocator.close();
            return result;
        } catch (RuntimeException | Error e) {
            abortAfter(e);
            throw e;
        } catch (IOException e) {
            abortAfter(e);
            throw ResultSpool.failure("could not finish result " + resultId, e);
        }
    }

    /**
     * Finishes a result of at most one small page as one record among the spool's small results (see
     * {@link SmallResults}) instead of a page file and a manifest in a directory of its own.
     */
    private SpooledResult finishSmall() throws IOException {
        byte[] pageBytes = null;
        long rows = pageRowCount;
        if (pageRowCount > 0) {
            long reservation = bufferBytes(page) + PAGE_FILE_OVERHEAD_ESTIMATE;
            spool.reserve(reservation, owner, resultId);
            chargedBytes += reservation;
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (ArrowFileWriter writer = new ArrowFileWriter(page, null, java.nio.channels.Channels.newChannel(bytes))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            pageBytes = bytes.toByteArray();
        }
        closePage();
        if (arrowSchema == null) {
            arrowSchema = io.sluice.core.types.ArrowSchemas.toArrow(schema);
        }
        Instant createdAt = spool.now();
        List<PageInfo> onlyPage = pageBytes == null ? List.of() : List.of(new PageInfo(0, 0, rows, pageBytes.length));
        SpooledResult result = new SpooledResult(resultId, schema, onlyPage, rows,
                pageBytes == null ? 0 : pageBytes.length, createdAt, createdAt.plus(spool.config().retention()));
        long recordBytes = spool.keepSmall(new SpoolManifest(result, arrowSchema, owner == null ? null : owner.principalId()),
                pageBytes);
        // The record is what the result costs from now on; the reservation for its page is given back.
        spool.adjustBytesInUse(-chargedBytes);
        spool.adjustOwnerBytes(owner, recordBytes - chargedBytes);
        chargedBytes = recordBytes;
        // The directory create() made for it is empty: small results have none.
        java.nio.file.Files.deleteIfExists(resultDirectory);
        spool.finished(resultId, owner, chargedBytes, result.expiresAt());
        state = State.FINISHED;
        spool.writeEnded(resultId);
        allocator.close();
        return result;
    }

    /** Deletes everything written for this result. Does nothing once finished or aborted. */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            closePage();
            // Files that cannot be deleted now have no manifest, so the next start removes them.
            SpoolFiles.deleteRecursively(resultDirectory);
        } catch (IOException e) {
            // See above: the leftovers are harmless and temporary.
        } finally {
            spool.adjustBytesInUse(-chargedBytes);
            spool.adjustOwnerBytes(owner, -chargedBytes);
            chargedBytes = 0;
            spool.writeEnded(resultId);
            allocator.close();
        }
    }

    /** Aborts unless finished, so a writer in try-with-resources never leaves a half result behind. */
    @Override
    public void close() {
        abort();
    }

    private void checkSchema(Schema batchSchema) {
        if (batchSchema.getFields().size() != schema.size()) {
            throw new IllegalArgumentException("batch has " + batchSchema.getFields().size()
                    + " columns but result " + resultId + " has " + schema.size());
        }
        if (arrowSchema == null) {
            arrowSchema = batchSchema;
        } else if (!arrowSchema.equals(batchSchema)) {
            throw new IllegalArgumentException("batch schema " + batchSchema + " differs from the first batch's "
                    + arrowSchema + " in result " + resultId);
        }
    }

    /** As many rows as fit in the current page, judging bytes by the average row of the incoming batch. */
    private int rowsToCopy(int remaining, long averageRowBytes) {
        long byRows = spool.config().pageRows() - pageRowCount;
        long byBytes = averageRowBytes == 0
                ? Long.MAX_VALUE
                : Math.max(1, (spool.config().pageBytes() - bufferBytes(page)) / averageRowBytes);
        return (int) Math.min(remaining, Math.min(byRows, byBytes));
    }

    private void copyRows(VectorSchemaRoot batch, int from, int count) {
        VectorSchemaRoot rows = from == 0 && count == batch.getRowCount() ? batch : batch.slice(from, count);
        try {
            for (int column = 0; column < schema.size(); column++) {
                FieldVector source = rows.getVector(column);
                FieldVector target = page.getVector(column);
                if (source instanceof BaseFixedWidthVector || source instanceof BaseVariableWidthVector
                        || source instanceof BaseLargeVariableWidthVector) {
                    // Flat columns are appended buffer by buffer (memory copies), not value by value.
                    target.setValueCount(pageRowCount);
                    source.accept(new VectorAppender(target), null);
                } else {
                    // One transfer pair per column and chunk: copying a nested value through the vector's own
                    // copyFromSafe would build a new pair for every row.
                    TransferPair pair = source.makeTransferPair(target);
                    for (int row = 0; row < count; row++) {
                        pair.copyValueSafe(row, pageRowCount + row);
                    }
                }
            }
        } finally {
            if (rows != batch) {
                rows.close();
            }
        }
        pageRowCount += count;
        page.setRowCount(pageRowCount);
    }

    private void writePage() throws IOException {
        writePage(true);
    }

    /** @param sync false for the one page of a small result (see {@link SpoolConfig#smallResultBytes}) */
    private void writePage(boolean sync) throws IOException {
        int index = pages.size();
        long reservation = bufferBytes(page) + PAGE_FILE_OVERHEAD_ESTIMATE;
        spool.reserve(reservation, owner, resultId);
        chargedBytes += reservation;
        long fileBytes;
        Path file = resultDirectory.resolve(SpoolFiles.pageFileName(index));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter writer = new ArrowFileWriter(page, null, channel)) {
            writer.start();
            writer.writeBatch();
            writer.end();
            if (sync) {
                channel.force(true);
            }
            fileBytes = channel.size();
        }
        spool.adjustBytesInUse(fileBytes - reservation);
        spool.adjustOwnerBytes(owner, fileBytes - reservation);
        chargedBytes += fileBytes - reservation;
        pages.add(new PageInfo(index, totalRows, pageRowCount, fileBytes));
        totalRows += pageRowCount;
        totalPageBytes += fileBytes;
        closePage();
    }

    private void closePage() {
        if (page != null) {
            page.close();
            page = null;
        }
        pageRowCount = 0;
    }

    private void abortAfter(Throwable failure) {
        try {
            abort();
        } catch (RuntimeException | Error secondary) {
            failure.addSuppressed(secondary);
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("result " + resultId + " is already " + state.name().toLowerCase());
        }
    }

    private static long bufferBytes(VectorSchemaRoot root) {
        long total = 0;
        for (FieldVector vector : root.getFieldVectors()) {
            total += vector.getBufferSize();
        }
        return total;
    }
}
