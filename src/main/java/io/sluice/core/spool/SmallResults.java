package io.sluice.core.spool;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Small results of one node (one page up to {@link SpoolConfig#smallResultBytes}) in append-only segment files
 * instead of a directory each: a one-row result cost a directory, a page file and a manifest, three 4 KB blocks
 * for about a kilobyte, and a million directory entries in the spool after a day of small statements. Each record
 * holds one result's description and its page (an Arrow IPC file), compressed together; deletions are records too.
 *
 * <p>Which results exist, where their record is and when they expire is kept in memory (rebuilt from the record
 * headers at start, without inflating anything), so the purge never reads a record. A segment is removed once
 * none of its results is left; since results expire in the order they were written, that is normally the oldest
 * one. Only the oldest segment is removed, so a deletion record never goes while an older copy of its result
 * exists. Not used in a cluster, whose nodes read each other's results as files from the shared store.
 *
 * <p>Durability is that of a small result before: written (a killed server keeps it) but not fsynced (a machine
 * crash may lose it, and the statement then comes back FAILED; see the README).
 */
final class SmallResults implements AutoCloseable {

    private static final String PREFIX = "results-";
    private static final String SUFFIX = ".log";
    private static final byte RESULT = 1;
    private static final byte DELETED = 2;
    private static final int HEADER = io.sluice.core.io.FramedRecords.HEADER;

    /** Where a result's record is, and what the spool's accounts need without reading it. */
    record Entry(long segment, long offset, int length, String owner, long bytes, Instant expiresAt) {
    }

    private static final class SegmentCount {
        int records;
        int live;
    }

    private final Path directory;
    private final long segmentBytes;
    private final Object appendLock = new Object();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Segment number → counts, oldest first; guarded by the append lock. */
    private final TreeMap<Long, SegmentCount> segments = new TreeMap<>();
    private long currentNumber;
    private FileChannel current;
    private long currentSize;

    SmallResults(Path directory, long segmentBytes) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        try {
            for (long number : segmentNumbers()) {
                index(number);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the small results in " + directory, e);
        }
    }

    /** Rebuilds the index from a segment's record headers; a torn or damaged record ends the segment. */
    private void index(long number) throws IOException {
        SegmentCount count = new SegmentCount();
        segments.put(number, count);
        try (FileChannel channel = FileChannel.open(segmentFile(number), StandardOpenOption.READ)) {
            byte[] bytes = new byte[(int) channel.size()];
            ByteBuffer all = ByteBuffer.wrap(bytes);
            while (all.hasRemaining() && channel.read(all) >= 0) {
                // read the whole segment
            }
            for (io.sluice.core.io.FramedRecords.Record framed : io.sluice.core.io.FramedRecords.read(bytes)) {
                int offset = framed.offset();
                int length = framed.body().remaining();
                DataInputStream record = new DataInputStream(new ByteArrayInputStream(bytes, offset + HEADER, length));
                byte kind = record.readByte();
                String resultId = record.readUTF();
                count.records++;
                if (kind == RESULT) {
                    String owner = record.readBoolean() ? record.readUTF() : null;
                    long resultBytes = record.readLong();
                    Instant expiresAt = Instant.ofEpochSecond(record.readLong(), record.readInt());
                    forget(entries.put(resultId, new Entry(number, offset, HEADER + length, owner, resultBytes, expiresAt)));
                    count.live++;
                } else {
                    forget(entries.remove(resultId));
                }
            }
        }
    }

    /** Every small result found at start or written since, and its accounts. */
    Map<String, Entry> entries() {
        return entries;
    }

    boolean contains(String resultId) {
        return entries.containsKey(resultId);
    }

    Entry entry(String resultId) {
        return entries.get(resultId);
    }

    /**
     * Appends a finished small result: its description and its page file's bytes (null for a result without rows).
     *
     * @return the record's size, which is what the result costs on disk
     */
    long add(SpoolManifest manifest, byte[] page) {
        SpooledResult result = manifest.result();
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256 + (page == null ? 0 : page.length));
            DataOutputStream header = new DataOutputStream(body);
            header.writeByte(RESULT);
            header.writeUTF(result.resultId());
            header.writeBoolean(manifest.owner() != null);
            if (manifest.owner() != null) {
                header.writeUTF(manifest.owner());
            }
            long bytesEstimate = page == null ? 0 : page.length;
            header.writeLong(bytesEstimate);
            header.writeLong(result.expiresAt().getEpochSecond());
            header.writeInt(result.expiresAt().getNano());
            header.flush();
            // The rest is compressed: the schema is in it twice (description and page), and a page of a few rows is
            // mostly padding. The deflater is ended here: zlib's state is native memory that would wait for a GC.
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(body, deflater, 512));
            try {
                out.writeLong(result.createdAt().getEpochSecond());
                out.writeInt(result.createdAt().getNano());
                out.writeLong(result.totalRows());
                ResultSchema schema = result.schema();
                out.writeInt(schema.size());
                for (int i = 0; i < schema.size(); i++) {
                    Column column = schema.column(i);
                    out.writeUTF(column.name());
                    out.writeUTF(column.type().sqlName());
                    out.writeBoolean(column.nullable());
                }
                byte[] arrowSchema = manifest.arrowSchema().serializeAsMessage();
                out.writeInt(arrowSchema.length);
                out.write(arrowSchema);
                out.writeInt(page == null ? -1 : page.length);
                if (page != null) {
                    out.write(page);
                }
                out.close();
            } finally {
                deflater.end();
            }
            return append(result.resultId(), body.toByteArray(), manifest.owner(), bytesEstimate, result.expiresAt());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write small result " + result.resultId(), e);
        }
    }

    /** A result's description and page (null when it has no rows); null when there is no such small result. */
    Stored read(String resultId) throws IOException {
        Entry entry = entries.get(resultId);
        if (entry == null) {
            return null;
        }
        ByteBuffer record = ByteBuffer.allocate(entry.length());
        try (FileChannel channel = FileChannel.open(segmentFile(entry.segment()), StandardOpenOption.READ)) {
            while (record.hasRemaining()) {
                if (channel.read(record, entry.offset() + record.position()) < 0) {
                    throw new IOException("small result " + resultId + " is cut short");
                }
            }
        } catch (java.nio.file.NoSuchFileException deleted) {
            return null; // deleted since the look-up
        }
        byte[] bytes = record.array();
        DataInputStream header = new DataInputStream(new ByteArrayInputStream(bytes, HEADER, bytes.length - HEADER));
        header.readByte();
        header.readUTF();
        String owner = header.readBoolean() ? header.readUTF() : null;
        header.readLong();
        Instant expiresAt = Instant.ofEpochSecond(header.readLong(), header.readInt());
        // Closed at the end: its inflater's native memory goes at once, not at the next GC.
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(header))) {
            Instant createdAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            long totalRows = in.readLong();
            int columnCount = in.readInt();
            List<Column> columns = new ArrayList<>(columnCount);
            for (int i = 0; i < columnCount; i++) {
                columns.add(new Column(in.readUTF(), SqlTypes.parse(in.readUTF()), in.readBoolean()));
            }
            byte[] arrowSchema = new byte[in.readInt()];
            in.readFully(arrowSchema);
            int pageLength = in.readInt();
            byte[] page = null;
            if (pageLength >= 0) {
                page = new byte[pageLength];
                in.readFully(page);
            }
            List<PageInfo> pages = page == null ? List.of() : List.of(new PageInfo(0, 0, totalRows, page.length));
            SpooledResult result = new SpooledResult(resultId, new ResultSchema(columns), pages, totalRows,
                    page == null ? 0 : page.length, createdAt, expiresAt);
            return new Stored(new SpoolManifest(result, Schema.deserializeMessage(ByteBuffer.wrap(arrowSchema)), owner), page);
        }
    }

    /** A small result as read back. */
    record Stored(SpoolManifest manifest, byte[] page) {
    }

    /** Removes a result; its entry (null when there was none). The segment goes once nothing in it is left. */
    Entry remove(String resultId) {
        synchronized (appendLock) {
            Entry removed = entries.get(resultId);
            if (removed == null) {
                return null;
            }
            try {
                ByteArrayOutputStream body = new ByteArrayOutputStream(64);
                DataOutputStream out = new DataOutputStream(body);
                out.writeByte(DELETED);
                out.writeUTF(resultId);
                out.close();
                appendLocked(resultId, body.toByteArray(), null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete small result " + resultId, e);
            }
            removeEmptyOldSegments();
            return removed;
        }
    }

    /** The results expired at {@code now}, from the index (no record is read). */
    List<String> expired(Instant now) {
        List<String> expired = new ArrayList<>();
        entries.forEach((resultId, entry) -> {
            if (!now.isBefore(entry.expiresAt())) {
                expired.add(resultId);
            }
        });
        return expired;
    }

    private long append(String resultId, byte[] body, String owner, long bytes, Instant expiresAt) {
        synchronized (appendLock) {
            Entry entry = appendLocked(resultId, body, new Entry(0, 0, 0, owner, bytes, expiresAt));
            return entry.length();
        }
    }

    /** Writes a record (an entry for a result, null for a deletion) and updates the index and the counts. */
    private Entry appendLocked(String resultId, byte[] body, Entry result) {
        ByteBuffer record = io.sluice.core.io.FramedRecords.frame(body);
        try {
            if (current != null && currentSize > 0 && currentSize + record.remaining() > segmentBytes) {
                current.close();
                current = null;
            }
            if (current == null) {
                Files.createDirectories(directory); // made when first needed, and removed when empty again
                currentNumber = (segments.isEmpty() ? 0 : segments.lastKey()) + 1;
                current = FileChannel.open(segmentFile(currentNumber), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                currentSize = 0;
                segments.put(currentNumber, new SegmentCount());
            }
            long offset = currentSize;
            while (record.hasRemaining()) {
                current.write(record);
            }
            currentSize += HEADER + body.length;
            SegmentCount count = segments.get(currentNumber);
            count.records++;
            if (result == null) {
                forget(entries.remove(resultId));
                return null;
            }
            Entry placed = new Entry(currentNumber, offset, HEADER + body.length, result.owner(), result.bytes(),
                    result.expiresAt());
            forget(entries.put(resultId, placed));
            count.live++;
            return placed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write small result " + resultId, e);
        }
    }

    /** Counts a result's earlier record as no longer live. Called under the append lock (or while indexing). */
    private void forget(Entry previous) {
        if (previous != null) {
            SegmentCount count = segments.get(previous.segment());
            if (count != null) {
                count.live--;
            }
        }
    }

    /**
     * Removes old segments none of whose results is left, oldest first, up to the first one still in use: a
     * deletion record in a later segment must outlive every older record of its result. Called under the lock.
     */
    private void removeEmptyOldSegments() {
        if (segments.values().stream().allMatch(count -> count.live == 0)) {
            // Nothing left at all: every record goes, deletions too, and so does the directory.
            close();
            try {
                for (long number : segments.keySet()) {
                    Files.deleteIfExists(segmentFile(number));
                }
                segments.clear();
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the small results in " + directory, e);
            }
            return;
        }
        while (segments.size() > 1) {
            Map.Entry<Long, SegmentCount> oldest = segments.firstEntry();
            if (oldest.getValue().live > 0 || oldest.getKey() == currentNumber) {
                return;
            }
            segments.pollFirstEntry();
            try {
                Files.deleteIfExists(segmentFile(oldest.getKey()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + segmentFile(oldest.getKey()), e);
            }
        }
    }

    /** Bytes of the segment files. */
    long bytesOnDisk() {
        long total = 0;
        try {
            for (long number : segmentNumbers()) {
                total += Files.size(segmentFile(number));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private List<Long> segmentNumbers() throws IOException {
        List<Long> numbers = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return numbers;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    numbers.add(Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length())));
                } catch (NumberFormatException notOurs) {
                    // left alone
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    private Path segmentFile(long number) {
        return directory.resolve(String.format("%s%010d%s", PREFIX, number, SUFFIX));
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException ignored) {
                    // records were written; closing a file only read back later loses nothing
                }
                current = null;
            }
        }
    }
}
