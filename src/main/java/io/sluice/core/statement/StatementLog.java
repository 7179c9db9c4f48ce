package io.sluice.core.statement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statement statuses of one node in an append-only log: segment files {@code statuses-NNNNNNNNNN.log} of records
 * (a status, or the deletion of one when its retention ends), each framed by its length and a CRC32C. A file per
 * statement cost a 4 KB block and three metadata updates for a record of about a hundred bytes; 100,000 statements
 * left 41 MB in {@code data/statements} at 10,000 and 55 MB at 100,000.
 *
 * <p>Durability: a record is written with one {@code write} before {@link #save} returns, so a killed server keeps
 * it (the page cache survives the process); {@code sync} adds an fsync for a machine crash. A record torn by a crash
 * fails its checksum and ends its segment at start. Each start appends to a new segment.
 *
 * <p>Compaction: the node keeps, in memory, which segment holds the latest record of each statement still retained
 * and how many of each segment's records are still the latest. A background thread removes the oldest segment once
 * none of its records are, or copies its few live ones to the end of the log first when fewer than half are. Only
 * the oldest segment is ever removed, so a deletion record is never dropped while an older copy of its status
 * exists. The thread takes the append lock for one record at a time, so requests never wait behind a compaction.
 * The same thread compresses segments once they are no longer appended to ({@code .log.gz}, about a third).
 */
final class StatementLog implements StatementRepository {

    private static final Logger LOG = LoggerFactory.getLogger(StatementLog.class);
    private static final String PREFIX = "statuses-";
    private static final String SUFFIX = ".log";
    /** A sealed segment, compressed: only read again at start and by compaction, both sequentially. */
    private static final String COMPRESSED = ".gz";
    private static final byte STATUS = 1;
    private static final byte DELETED = 2;
    /** Length and checksum before each record body. */
    private static final long DEFAULT_SEGMENT_BYTES = 4L << 20;

    private final Path directory;
    private final long segmentBytes;
    private final Object appendLock = new Object();
    /** Statement id → number of the segment with its latest record, for the statements not deleted. */
    private final Map<String, Long> latest = new HashMap<>();
    /** Segment number → its records and how many of them are still the latest of a statement; oldest first. */
    private final TreeMap<Long, SegmentCount> segments = new TreeMap<>();
    private final ScheduledExecutorService compactor;
    private long currentNumber;
    private FileChannel current;
    private long currentSize;

    private static final class SegmentCount {
        /** False for a segment found at start until {@link #loadAll} has read it: its counts are not known yet. */
        boolean counted;
        int records;
        int live;

        SegmentCount(boolean counted) {
            this.counted = counted;
        }
    }

    StatementLog(Path directory) {
        this(directory, DEFAULT_SEGMENT_BYTES, true);
    }

    /** @param background false in tests that call {@link #compactOnce} themselves */
    StatementLog(Path directory, long segmentBytes, boolean background) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        try {
            Files.createDirectories(directory);
            for (long number : segmentNumbers()) {
                segments.put(number, new SegmentCount(false));
            }
            migrateStatusFiles();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the statement log in " + directory, e);
        }
        this.compactor = background ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("statement-log-compactor").daemon().factory()) : null;
        if (compactor != null) {
            compactor.scheduleWithFixedDelay(this::compactQuietly, 10, 10, TimeUnit.SECONDS);
        }
    }

    /** Statuses kept as one file each by earlier versions move into the log once, then their files go. */
    private void migrateStatusFiles() throws IOException {
        List<Path> legacy = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.properties")) {
            files.forEach(legacy::add);
        }
        if (legacy.isEmpty()) {
            return;
        }
        List<StatementStatus> statuses = new StatementStore(directory).loadAll();
        // Appended and synced before any file is deleted: a crash in between leaves both, and the log wins.
        for (StatementStatus status : statuses) {
            save(status, false);
        }
        synchronized (appendLock) {
            if (current != null) {
                current.force(false);
            }
        }
        for (Path file : legacy) {
            Files.deleteIfExists(file);
        }
        LOG.info("moved {} statement statuses from files into the statement log", statuses.size());
    }

    @Override
    public boolean save(StatementStatus status) {
        return save(status, true);
    }

    @Override
    public boolean save(StatementStatus status, boolean sync) {
        append(STATUS, StatusCodec.encode(status), status.id(), sync);
        return true;
    }

    @Override
    public void delete(String id) {
        StatusCodec.Output body = new StatusCodec.Output();
        body.text(id);
        append(DELETED, body.toByteArray(), id, false);
    }

    private void append(byte kind, byte[] body, String id, boolean sync) {
        FileChannel channel;
        synchronized (appendLock) {
            channel = appendLocked(kind, body, id);
        }
        if (sync) {
            try {
                // Outside the lock: other statements append meanwhile, and one fsync covers them too.
                channel.force(false);
            } catch (java.nio.channels.ClosedChannelException rolled) {
                // The segment was sealed (and forced) by a roll in between.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync the status of statement " + id, e);
            }
        }
    }

    /** Writes one record and counts it; returns the segment it went to. Called under the append lock. */
    private FileChannel appendLocked(byte kind, byte[] body, String id) {
        ByteBuffer record = frame(kind, body);
        FileChannel channel;
        try {
            channel = writable(record.remaining());
            while (record.hasRemaining()) {
                channel.write(record);
            }
            currentSize += record.limit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the status of statement " + id, e);
        }
        Long previous = kind == STATUS ? latest.put(id, currentNumber) : latest.remove(id);
        if (previous != null) {
            segments.get(previous).live--;
        }
        SegmentCount segment = segments.get(currentNumber);
        segment.records++;
        if (kind == STATUS) {
            segment.live++;
        }
        return channel;
    }

    private static ByteBuffer frame(byte kind, byte[] body) {
        byte[] kindAndBody = new byte[1 + body.length];
        kindAndBody[0] = kind;
        System.arraycopy(body, 0, kindAndBody, 1, body.length);
        return io.sluice.core.io.FramedRecords.frame(kindAndBody);
    }

    /** The segment to append to, starting a new one when the current one is full. Called under the append lock. */
    private FileChannel writable(int bytes) throws IOException {
        if (current != null && currentSize + bytes > segmentBytes && currentSize > 0) {
            current.force(false);
            current.close();
            current = null;
        }
        if (current == null) {
            currentNumber = (segments.isEmpty() ? 0 : segments.lastKey()) + 1;
            current = FileChannel.open(segmentFile(currentNumber), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            currentSize = 0;
            segments.put(currentNumber, new SegmentCount(true));
        }
        return current;
    }

    @Override
    public List<StatementStatus> loadAll() {
        Map<String, StatementStatus> statuses = new LinkedHashMap<>();
        synchronized (appendLock) {
            try {
                for (long number : segmentNumbers()) {
                    SegmentCount count = segments.get(number);
                    boolean counted = count == null || count.counted;
                    for (ByteBuffer record : read(number)) {
                        byte kind = record.get();
                        String id = kind == STATUS ? null : StatusCodec.text(record);
                        if (kind == STATUS) {
                            StatementStatus status = StatusCodec.decode(record);
                            id = status.id();
                            statuses.remove(id); // keeps the map in the order of each statement's latest record
                            statuses.put(id, status);
                        } else {
                            statuses.remove(id);
                        }
                        if (!counted) {
                            count.records++;
                            Long previous = kind == STATUS ? latest.put(id, number) : latest.remove(id);
                            if (previous != null) {
                                segments.get(previous).live--;
                            }
                            if (kind == STATUS) {
                                count.live++;
                            }
                        }
                    }
                    if (!counted) {
                        count.counted = true;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the statement log in " + directory, e);
            }
        }
        return new ArrayList<>(statuses.values());
    }

    /**
     * One step of compaction: the oldest segment goes when none of its records is the latest of a retained
     * statement, after its live records are copied to the end of the log when they are fewer than half. Returns
     * true when it removed a segment.
     */
    boolean compactOnce() {
        long oldest;
        synchronized (appendLock) {
            if (segments.size() < 2) {
                return false;
            }
            oldest = segments.firstKey();
            SegmentCount count = segments.get(oldest);
            if (!count.counted || count.live * 2 > count.records) {
                return false;
            }
        }
        try {
            if (segments.get(oldest).live > 0) {
                // The last record of each statement in the segment, in order; earlier ones were replaced.
                Map<String, byte[]> last = new LinkedHashMap<>();
                for (ByteBuffer record : read(oldest)) {
                    if (record.get() == STATUS) {
                        byte[] body = new byte[record.remaining()];
                        record.get(body);
                        last.remove(StatusCodec.id(ByteBuffer.wrap(body)));
                        last.put(StatusCodec.id(ByteBuffer.wrap(body)), body);
                    }
                }
                for (Map.Entry<String, byte[]> entry : last.entrySet()) {
                    synchronized (appendLock) {
                        // Only a latest record is copied; one replaced or deleted meanwhile no longer is.
                        Long holder = latest.get(entry.getKey());
                        if (holder != null && holder == oldest) {
                            appendLocked(STATUS, entry.getValue(), entry.getKey());
                        }
                    }
                }
            }
            synchronized (appendLock) {
                if (current != null) {
                    current.force(false);
                }
                segments.remove(oldest);
                Files.deleteIfExists(segmentFile(oldest));
                Files.deleteIfExists(compressedFile(oldest));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact the statement log in " + directory, e);
        }
    }

    private void compactQuietly() {
        try {
            while (compactOnce()) {
                // one segment per step; the next right away while there is work
            }
            compressSealed();
        } catch (RuntimeException e) {
            LOG.warn("statement log compaction failed; retrying later", e);
        }
    }

    /**
     * Compresses the segments no longer appended to (statuses with their SQL compress to about a third): into a
     * temporary file, renamed when whole, and only then is the plain segment removed, so a crash leaves one of them
     * whole. On the compactor's thread, like the removal of segments, so the two never meet.
     */
    void compressSealed() {
        List<Long> sealed;
        synchronized (appendLock) {
            sealed = new ArrayList<>(segments.headMap(current == null ? Long.MAX_VALUE : currentNumber).keySet());
        }
        for (long number : sealed) {
            Path plain = segmentFile(number);
            if (!Files.exists(plain)) {
                continue;
            }
            Path compressed = compressedFile(number);
            Path temporary = compressed.resolveSibling(compressed.getFileName() + ".tmp");
            try {
                try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(temporary), 64 * 1024)) {
                    Files.copy(plain, out);
                }
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temporary, compressed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Files.delete(plain);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compress " + plain, e);
            }
        }
    }

    /** The valid records of a segment, each positioned after its header; stops at a torn or damaged record. */
    private List<ByteBuffer> read(long number) throws IOException {
        byte[] bytes;
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(compressedFile(number)))) {
            bytes = in.readAllBytes();
        } catch (java.nio.file.NoSuchFileException notCompressed) {
            try {
                bytes = Files.readAllBytes(segmentFile(number));
            } catch (java.nio.file.NoSuchFileException gone) {
                return List.of();
            }
        }
        return io.sluice.core.io.FramedRecords.read(bytes).stream().map(io.sluice.core.io.FramedRecords.Record::body).toList();
    }

    private List<Long> segmentNumbers() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String suffix = name.endsWith(SUFFIX + COMPRESSED) ? SUFFIX + COMPRESSED
                        : name.endsWith(SUFFIX) ? SUFFIX : null;
                if (suffix == null) {
                    continue; // a compression a crash interrupted (.tmp) is done again from the plain segment
                }
                try {
                    long number = Long.parseLong(name.substring(PREFIX.length(), name.length() - suffix.length()));
                    if (!numbers.contains(number)) {
                        numbers.add(number);
                    }
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

    private Path compressedFile(long number) {
        return directory.resolve(String.format("%s%010d%s%s", PREFIX, number, SUFFIX, COMPRESSED));
    }

    /** Bytes of the log's segments on disk. */
    long bytesOnDisk() {
        long total = 0;
        try {
            for (long number : segmentNumbers()) {
                for (Path file : List.of(segmentFile(number), compressedFile(number))) {
                    if (Files.exists(file)) {
                        total += Files.size(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    @Override
    public void close() {
        if (compactor != null) {
            compactor.shutdownNow();
        }
        synchronized (appendLock) {
            if (current != null) {
                try {
                    current.force(false);
                    current.close();
                } catch (IOException e) {
                    LOG.warn("cannot close the statement log in {}", directory, e);
                }
                current = null;
            }
        }
    }
}
