package io.sluice.core.export;

import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.ResultTap;
import io.sluice.core.result.BatchStream;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.core.types.ResultSchema;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes statement results as files into an {@link ExportStorage} and hands out links to them.
 *
 * <p>Rows flow once: batches are read from the statement as the engine produces them and encoded straight
 * into the store; a file is closed and the next one started when the rows written to it reach the split
 * size (measured as their uncompressed Arrow size, so the rule is the same for every format and codec).
 * Files are named {@code query-YYYYMMDD-HHMMSS-ffffff-NNNNNNNNNNNN.<ext>} after the export's start (UTC)
 * and numbered from 0, under {@code <principal>/<export id>/} in the store.
 *
 * <p>{@code dataScannedBytes} is the size of the data the engine's scan delivered: the sum of the Arrow
 * buffer sizes of every batch read from the engine. DuckDB's profiling is locked in the hardened engine, so
 * this is the closest honest figure: it grows with the columns and rows the query reads, it is not a
 * constant and it is measured, not estimated.
 *
 * <p>Lifecycle: files older than the retention are deleted by a sweep over the store (so it survives
 * restarts); a principal may hold at most the quota of exported bytes at once. A failed export (SQL error,
 * quota, storage failure) deletes whatever files it had written, so no partial result is ever listed.
 */
public final class Exporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSSSSS")
            .withZone(ZoneOffset.UTC);

    private final StatementService statements;
    private final ExportStorage storage;
    private volatile ExportRecords outcomes = ExportRecords.NONE;
    private final ExportEncoders encoders;
    private final ExportConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    private final java.util.concurrent.atomic.LongAdder bytesWritten = new java.util.concurrent.atomic.LongAdder();
    /** Each principal's quota; the configured one unless access control says otherwise (role quotas). */
    private volatile java.util.function.ToLongFunction<Principal> quotaOf;
    /** Where runs in progress are recorded (in a cluster, so a survivor removes the files of a node that died). */
    private volatile io.sluice.core.engine.OutsideWork runs = io.sluice.core.engine.OutsideWork.NONE;
    /** {@link io.sluice.core.engine.OutsideWork} kind of an export in progress; its reference is the files' key prefix. */
    public static final String RUN = "export-files";

    public Exporter(StatementService statements, ExportStorage storage, ExportEncoders encoders, ExportConfig config,
                    Clock clock) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.encoders = Objects.requireNonNull(encoders, "encoders");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.quotaOf = principal -> config.quotaBytesPerPrincipal();
        if (config.linkTtl().compareTo(storage.maxLinkTtl()) > 0) {
            throw new IllegalArgumentException("export link lifetime " + config.linkTtl() + " exceeds what the "
                    + storage.name() + " store can sign (" + storage.maxLinkTtl() + ")");
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("export-retention").daemon().factory());
        long every = Math.clamp(config.retention().toMillis() / 2, 500, 60_000);
        sweeper.scheduleWithFixedDelay(this::purgeQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    public ExportConfig config() {
        return config;
    }

    /** Where each statement's export outcome is kept for other nodes (a cluster); {@link ExportRecords#NONE} on one node. */
    public void shareOutcomesThrough(ExportRecords records) {
        this.outcomes = Objects.requireNonNull(records, "records");
    }

    public ExportRecords outcomes() {
        return outcomes;
    }

    /** Records each export while it writes files, in {@code work} (see {@link io.sluice.core.engine.OutsideWork}). */
    public void recordRunsIn(io.sluice.core.engine.OutsideWork work) {
        this.runs = Objects.requireNonNull(work, "work");
    }

    /**
     * Deletes the files of an export another node was writing when it died (a multipart upload it left open is
     * invisible and is aborted by the bucket's lifecycle rule, see the deployment docs).
     *
     * @return true once no file is left under {@code prefix}
     */
    public boolean removeFilesUnder(String prefix) {
        try {
            for (ExportStorage.StoredObject object : storage.list(prefix)) {
                storage.delete(object.key());
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Decides each principal's quota of exported bytes from now on (access control: the tightest of the
     * configured quota and its roles' EXPORT_QUOTA_BYTES).
     */
    public void quotas(java.util.function.ToLongFunction<Principal> quotaOf) {
        this.quotaOf = Objects.requireNonNull(quotaOf, "quotaOf");
    }

    /** The store's link checker when its links point back at Sluice (the local store), else one refusing all. */
    public SignedFiles signedFiles() {
        if (storage instanceof SignedFiles signed) {
            return signed;
        }
        return (key, expires, signature) -> {
            throw new SluiceException(ErrorCode.NOT_FOUND, "exports are served by the " + storage.name() + " store");
        };
    }

    public String storeName() {
        return storage.name();
    }

    /** Runs {@code request} and writes its rows as files. Fails with the statement's error, or the store's. */
    public ExportResult export(Principal principal, StatementRequest request, ExportSpec spec) {
        long started = System.nanoTime();
        try (StreamingStatement rows = statements.stream(principal, request)) {
            Written written = write(principal, rows, spec);
            return result(rows.id(), written, started);
        }
    }

    /** Writes an already finished (spooled) statement's result as files. */
    public ExportResult exportStatement(Principal principal, String statementId, ExportSpec spec) {
        long started = System.nanoTime();
        try (BatchStream rows = statements.results().readAll(principal, statementId)) {
            Written written = write(principal, rows, spec);
            return result(statementId, written, started);
        }
    }

    /** Bytes of files written by exports that succeeded since start (a metric next to the spool's bytes). */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /**
     * An export fed by a statement while it spools its rows (one pass, no read-back of the spool). Give it to
     * {@link StatementService#submit(Principal, StatementRequest, io.sluice.core.result.ResultTap)}; if the
     * statement never feeds it (a reused result, an idempotent replay), use {@link #exportStatement} instead.
     */
    public ExportTap tap(Principal principal, ExportSpec spec) {
        return tap(principal, spec, false);
    }

    /** With {@code only}, the export is all the statement keeps: see {@link ResultTap#replacesResult()}. */
    public ExportTap tap(Principal principal, ExportSpec spec, boolean only) {
        return new ExportTap(this, principal, spec, only);
    }

    Run start(Principal principal, ResultSchema schema, ExportSpec spec) {
        return new Run(principal, schema, spec);
    }

    ExportResult result(String statementId, Written written, long startedNanos) {
        Instant now = clock.instant();
        List<ExportedFile> files = new ArrayList<>();
        for (ExportedFile file : written.files) {
            bytesWritten.add(file.bytes());
            files.add(new ExportedFile(file.key(), storage.link(file.key(), config.linkTtl()), file.bytes(), file.rows()));
        }
        long millis = Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
        return new ExportResult(statementId, List.copyOf(files), written.rows, written.scanned, millis,
                now.plus(config.linkTtl()));
    }

    record Written(List<ExportedFile> files, long rows, long scanned) {
    }

    private Written write(Principal principal, BatchStream rows, ExportSpec spec) {
        Run run = new Run(principal, rows.schema(), spec);
        try {
            while (rows.next()) {
                run.accept(rows.root());
            }
            return run.finish();
        } catch (RuntimeException e) {
            throw run.abort(e);
        }
    }

    /**
     * One export in progress, fed batch by batch: from a stream it pulls ({@link #write}), or from a statement
     * that pushes its rows while it spools them ({@link ExportTap}). Not thread-safe: one feeder at a time.
     */
    final class Run {
        private final ResultSchema schema;
        private final ExportSpec spec;
        private final long split;
        private final String prefix;
        private final String baseName;
        private final Reservation reserved;
        private final long held;
        private final long quota;
        private final List<ExportedFile> committed = new ArrayList<>();
        private FileInProgress current;
        private long totalRows;
        private long scanned;
        private boolean released;
        private final io.sluice.core.engine.OutsideWork.Entry recorded;

        Run(Principal principal, ResultSchema schema, ExportSpec spec) {
            this.schema = schema;
            this.spec = spec;
            this.split = spec.splitBytes() > 0 ? spec.splitBytes() : config.splitBytes();
            String owner = ownerPrefix(principal);
            this.prefix = owner + exportId() + "/";
            this.baseName = "query-" + NAME_TIME.format(clock.instant()) + "-";
            this.reserved = new Reservation(inFlight.computeIfAbsent(owner, ignored -> new AtomicLong()));
            this.held = usage(owner);
            this.quota = quotaOf.applyAsLong(principal);
            // Before any file is written: a node killed mid-export leaves no file unrecorded.
            this.recorded = runs.started(RUN, prefix, principal.id());
        }

        /** Writes the rows of {@code batch}, closing a file and starting the next wherever the split size is reached. */
        void accept(VectorSchemaRoot batch) {
            int count = batch.getRowCount();
            long batchBytes = arrowBytes(batch);
            scanned += batchBytes;
            double perRow = count == 0 ? 0 : (double) batchBytes / count;
            int offset = 0;
            while (offset < count) {
                if (current == null) {
                    current = open(prefix + baseName + "%012d".formatted(committed.size()) + spec.fileSuffix(),
                            schema, spec);
                }
                long room = split - current.dataBytes;
                int take = perRow == 0 ? count - offset
                        : (int) Math.clamp((long) Math.floor(room / perRow), 1, count - offset);
                if (offset == 0 && take == count) {
                    current.encoder.writeBatch(batch);
                } else {
                    try (VectorSchemaRoot slice = batch.slice(offset, take)) {
                        current.encoder.writeBatch(slice);
                    }
                }
                current.rows += take;
                current.dataBytes += (long) Math.ceil(take * perRow);
                offset += take;
                totalRows += take;
                checkQuota(reserved, held, quota, committed, current);
                if (current.dataBytes >= split) {
                    committed.add(current.commit());
                    current = null;
                }
            }
        }

        /** Closes the last file and gives back the in-flight reservation; the files are then the store's. */
        Written finish() {
            if (current == null && committed.isEmpty()) {
                // An empty result is still one file: a CSV header, or a Parquet file with the schema.
                current = open(prefix + baseName + "%012d".formatted(0) + spec.fileSuffix(), schema, spec);
            }
            if (current != null) {
                current.finish();
                checkQuota(reserved, held, quota, committed, current);
                committed.add(current.commit());
                current = null;
            }
            release();
            return new Written(List.copyOf(committed), totalRows, scanned);
        }

        /** Deletes every file this export wrote; returns the failure to throw, as the client should see it. */
        RuntimeException abort(RuntimeException failure) {
            if (current != null) {
                current.abort();
                current = null;
            }
            for (ExportedFile file : committed) {
                deleteQuietly(file.key());
            }
            committed.clear();
            release();
            if (failure instanceof java.io.UncheckedIOException io) {
                return storageFailure(io.getCause());
            }
            return failure;
        }

        private void release() {
            if (!released) {
                released = true;
                reserved.release();
                recorded.close(); // finished (its files are the store's) or aborted (deleted above)
            }
        }
    }

    /** Fails when the principal's files, other exports in flight and this one's bytes pass the quota. */
    private void checkQuota(Reservation reserved, long held, long quota, List<ExportedFile> committed, FileInProgress current) {
        long now = current.counter.count;
        for (ExportedFile file : committed) {
            now += file.bytes();
        }
        reserved.hold(now);
        if (held + reserved.others() + now > quota) {
            throw new SluiceException(ErrorCode.EXPORT_QUOTA_EXCEEDED, "the export would exceed the quota of "
                    + quota + " bytes of exported files per user (" + held
                    + " bytes held by earlier exports until their retention ends)");
        }
    }

    /** The bytes one export in flight counts against its principal's quota, shared with concurrent exports. */
    private static final class Reservation {
        private final AtomicLong shared;
        private long mine;

        Reservation(AtomicLong shared) {
            this.shared = shared;
        }

        void hold(long bytes) {
            shared.addAndGet(bytes - mine);
            mine = bytes;
        }

        long others() {
            return shared.get() - mine;
        }

        void release() {
            shared.addAndGet(-mine);
            mine = 0;
        }
    }

    private FileInProgress open(String key, ResultSchema schema, ExportSpec spec) {
        ExportStorage.Upload upload = storage.create(key, spec.contentType());
        try {
            CountingStream counter = new CountingStream(upload.stream());
            ExportEncoders.FileEncoder encoder = encoders.open(counter, schema, spec);
            return new FileInProgress(key, upload, counter, encoder);
        } catch (RuntimeException e) {
            upload.abort();
            throw e;
        }
    }

    private static final class FileInProgress {
        final String key;
        final ExportStorage.Upload upload;
        final CountingStream counter;
        final ExportEncoders.FileEncoder encoder;
        long rows;
        long dataBytes;
        boolean finished;

        FileInProgress(String key, ExportStorage.Upload upload, CountingStream counter, ExportEncoders.FileEncoder encoder) {
            this.key = key;
            this.upload = upload;
            this.counter = counter;
            this.encoder = encoder;
        }

        void finish() {
            if (!finished) {
                finished = true;
                encoder.finish();
            }
        }

        ExportedFile commit() {
            finish();
            encoder.close();
            try {
                counter.flush();
            } catch (IOException e) {
                throw storageFailure(e);
            }
            upload.commit();
            return new ExportedFile(key, null, counter.count, rows);
        }

        void abort() {
            try {
                encoder.close();
            } catch (RuntimeException ignored) {
                // the upload is thrown away anyway
            }
            upload.abort();
        }
    }

    static SluiceException storageFailure(IOException e) {
        return new SluiceException(SluiceError.of(ErrorCode.STORAGE_UNAVAILABLE,
                "the export store failed: " + e.getMessage()), e);
    }

    /** Counts the bytes that reach the store. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    static long arrowBytes(VectorSchemaRoot batch) {
        long bytes = 0;
        for (FieldVector vector : batch.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
    }

    // ---- lifecycle -------------------------------------------------------------------------------------

    /** Bytes of exported files the principal holds now. */
    public long usage(Principal principal) {
        return usage(ownerPrefix(principal));
    }

    /**
     * What the store holds under the owner's folder and within the retention: files past it are no longer
     * served and the sweep is about to delete them, so they do not count. Read from the store itself, so the
     * figure is right after a restart and, with S3, the same on every node of a cluster.
     */
    private long usage(String ownerPrefix) {
        Instant cutoff = clock.instant().minus(config.retention());
        return storage.list(ownerPrefix).stream().filter(object -> !object.lastModified().isBefore(cutoff))
                .mapToLong(ExportStorage.StoredObject::size).sum();
    }

    /** Deletes every exported file older than the retention. Returns how many were deleted. */
    public int purgeExpired() {
        Instant cutoff = clock.instant().minus(config.retention());
        int deleted = 0;
        for (ExportStorage.StoredObject object : storage.list("")) {
            if (object.lastModified().isBefore(cutoff)) {
                storage.delete(object.key());
                deleted++;
            }
        }
        return deleted;
    }

    private void purgeQuietly() {
        try {
            int deleted = purgeExpired();
            if (deleted > 0) {
                LOG.info("deleted {} exported files past their retention", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("export retention sweep failed: {}", e.getMessage());
        }
    }

    private void deleteQuietly(String key) {
        try {
            storage.delete(key);
        } catch (RuntimeException e) {
            LOG.warn("could not delete partial export file {}: {}", key, e.getMessage());
        }
    }

    private String exportId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A store-safe folder per principal: the id itself when it is plain, else a digest of it. */
    static String ownerPrefix(Principal principal) {
        String id = principal.id();
        if (id.matches("[A-Za-z0-9_-]{1,64}")) {
            return id + "/";
        }
        return "u" + io.sluice.core.io.Digests.sha256Hex(id).substring(0, 32) + "/";
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        storage.close();
    }
}
