package io.sluice.core.spool;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * Reads a run of rows from spooled pages. At most one page file is open and one batch loaded at a time;
 * the loaded vectors are moved (not copied) into the stream's root, and sliced when only part of a page
 * is wanted. Owns its allocator and closes it on {@link #close()}.
 */
final class SpoolBatchStream implements BatchStream {

    /** The rows {@code [skipRows, skipRows + takeRows)} of one page, relative to the page's first row. */
    record PageSegment(PageInfo page, long skipRows, long takeRows) {
        PageSegment {
            Objects.requireNonNull(page, "page");
            if (skipRows < 0 || takeRows < 0 || skipRows + takeRows > page.rowCount()) {
                throw new IllegalArgumentException("segment outside page " + page + ": skip " + skipRows
                        + ", take " + takeRows);
            }
        }

        long endRow() {
            return skipRows + takeRows;
        }
    }

    private final PageSource pages;
    private final SpoolManifest manifest;
    private final List<PageSegment> segments;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private int segmentIndex;
    private ArrowFileReader pageReader;
    /** Row offset within the current page of the next batch the page reader will load. */
    private long pageRowPosition;
    private boolean closed;

    SpoolBatchStream(Path resultDirectory, SpoolManifest manifest, List<PageSegment> segments,
                     BufferAllocator allocator) {
        this(page -> FileChannel.open(resultDirectory.resolve(SpoolFiles.pageFileName(page.index())),
                StandardOpenOption.READ), manifest, segments, allocator);
    }

    /** Where a page's Arrow IPC file is read from: its own file, or the bytes of a small result (SmallResults). */
    @FunctionalInterface
    interface PageSource {
        java.nio.channels.SeekableByteChannel open(PageInfo page) throws IOException;
    }

    SpoolBatchStream(PageSource pages, SpoolManifest manifest, List<PageSegment> segments, BufferAllocator allocator) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.segments = List.copyOf(segments);
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.root = VectorSchemaRoot.create(manifest.arrowSchema(), allocator);
    }

    @Override
    public ResultSchema schema() {
        return manifest.result().schema();
    }

    @Override
    public VectorSchemaRoot root() {
        return root;
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        // Releases the previous batch before loading the next, so only one is ever held.
        root.clear();
        try {
            while (segmentIndex < segments.size()) {
                PageSegment segment = segments.get(segmentIndex);
                if (pageReader == null) {
                    openPage(segment.page());
                }
                if (!pageReader.loadNextBatch()) {
                    finishPage();
                    continue;
                }
                VectorSchemaRoot loaded = pageReader.getVectorSchemaRoot();
                long batchStart = pageRowPosition;
                long batchEnd = batchStart + loaded.getRowCount();
                pageRowPosition = batchEnd;
                long start = Math.max(batchStart, segment.skipRows());
                long end = Math.min(batchEnd, segment.endRow());
                if (batchEnd >= segment.endRow()) {
                    // Nothing further in this page is wanted; moving the vectors out first keeps them alive.
                    boolean produced = start < end && moveRows(loaded, (int) (start - batchStart), (int) (end - start));
                    finishPage();
                    if (produced) {
                        return true;
                    }
                } else if (start < end && moveRows(loaded, (int) (start - batchStart), (int) (end - start))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw ResultSpool.failure("could not read a page of result " + manifest.result().resultId(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closePageReader();
        } catch (IOException e) {
            // The file was only read; nothing is lost by failing to close it cleanly.
        } finally {
            root.close();
            allocator.close();
        }
    }

    /** Moves rows {@code [offset, offset + count)} of the loaded batch into {@link #root}. */
    private boolean moveRows(VectorSchemaRoot loaded, int offset, int count) {
        boolean whole = offset == 0 && count == loaded.getRowCount();
        for (int column = 0; column < root.getFieldVectors().size(); column++) {
            FieldVector source = loaded.getVector(column);
            FieldVector target = root.getVector(column);
            if (whole) {
                source.makeTransferPair(target).transfer();
            } else {
                source.makeTransferPair(target).splitAndTransfer(offset, count);
            }
        }
        root.setRowCount(count);
        return true;
    }

    private void openPage(PageInfo page) throws IOException {
        String resultId = manifest.result().resultId();
        java.nio.channels.SeekableByteChannel channel;
        try {
            channel = pages.open(page);
        } catch (NoSuchFileException deleted) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "result " + resultId + " was deleted");
        }
        try {
            // The manifest records each page's size; a different size means the file was damaged.
            if (channel.size() != page.sizeBytes()) {
                throw damaged(page, "size " + channel.size() + " instead of " + page.sizeBytes());
            }
            pageReader = new ArrowFileReader(channel, allocator);
            pageRowPosition = 0;
            if (!pageReader.getVectorSchemaRoot().getSchema().equals(manifest.arrowSchema())) {
                throw damaged(page, "schema differs from the manifest");
            }
        } catch (IOException | RuntimeException e) {
            if (pageReader != null) {
                closePageReader();
            } else {
                channel.close();
            }
            throw e;
        }
    }

    /** Done with the current segment's page: close it and move on to the next segment. */
    private void finishPage() throws IOException {
        segmentIndex++;
        closePageReader();
    }

    /** Closes the page file; the reader also releases the vectors it loaded (those not moved out). */
    private void closePageReader() throws IOException {
        ArrowFileReader reader = pageReader;
        pageReader = null;
        if (reader != null) {
            reader.close();
        }
    }

    private SluiceException damaged(PageInfo page, String reason) {
        return new SluiceException(ErrorCode.INTERNAL_ERROR, "page " + page.index() + " of result "
                + manifest.result().resultId() + " is damaged: " + reason);
    }
}
