package io.sluice.core.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per statement to {@code audit.log} under the data dir and to the log (logger
 * {@code sluice.audit}, at INFO), and hands each record to further sinks (the engine's {@code sluice.audit}
 * table).
 *
 * <p>Records are written by one background thread, in order, in batches: a statement never waits for the
 * disk, the console or the engine's audit table, only — when the writer falls 65,536 records behind — for
 * room in the queue, so no record is ever dropped. A record reaches the file within about 10 ms. {@link #close()}
 * drains the queue before it returns.
 *
 * <p>Rotation: once {@code audit.log} reaches {@link Retention#rotateBytes} it is renamed
 * {@code audit-<time>.log} (the time of the rotation, UTC) and a new one begins; another thread compresses the
 * rotated file to {@code audit-<time>.log.gz} (a small statement's three or four lines took about 1.4 KB, 140 MB
 * after 100,000 statements; compressed they take about a twentieth) and removes compressed files older than
 * {@link Retention#keep}. A rotated file left uncompressed by a crash is compressed at the next start.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("sluice.audit");
    /** How long records may wait for company before they are written: a record reaches the file within it. */
    private static final long BATCH_WINDOW_MILLIS = 10;

    private static final DateTimeFormatter ROTATED_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * How the audit log is rotated and how long rotated files are kept.
     *
     * @param rotateBytes size at which {@code audit.log} is rotated
     * @param keep how long a rotated, compressed file is kept (counted from its last record)
     */
    public record Retention(long rotateBytes, Duration keep) {

        /** 4 MiB files (about 3,000 small statements; compressed, about 200 KB); 90 days. */
        public static final Retention DEFAULT = new Retention(4L << 20, Duration.ofDays(90));

        public Retention {
            if (rotateBytes <= 0 || keep.isNegative() || keep.isZero()) {
                throw new IllegalArgumentException("audit rotation size and retention must be positive");
            }
        }
    }

    private final Path file;
    private final Retention retention;
    private final Clock clock;
    /** Compresses rotated files and removes old ones, so the writer never waits for either. */
    private final ExecutorService housekeeper = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("audit-housekeeper").daemon().factory());
    private Writer writer;
    /** Bytes in the current {@code audit.log}; only the writer thread (or close) touches it, under the writer lock. */
    private long written;
    private final List<Consumer<AuditRecord>> sinks = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.BlockingQueue<java.util.Optional<AuditRecord>> queue =
            new java.util.concurrent.LinkedBlockingQueue<>(65_536);
    private final Thread drainer;

    public AuditLog(Path file) {
        this(file, Retention.DEFAULT, Clock.systemUTC());
    }

    public AuditLog(Path file, Retention retention, Clock clock) {
        this.file = file;
        this.retention = java.util.Objects.requireNonNull(retention, "retention");
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.writer = open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
        housekeeper.execute(this::compressAndExpire); // what a crash left uncompressed, and what expired meanwhile
        this.drainer = Thread.ofPlatform().name("audit-writer").daemon().start(this::drain);
    }

    private Writer open() throws IOException {
        written = Files.exists(file) ? Files.size(file) : 0;
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    public Path file() {
        return file;
    }

    public void addSink(Consumer<AuditRecord> sink) {
        sinks.add(sink);
    }

    public void write(AuditRecord record) {
        try {
            queue.put(java.util.Optional.of(record));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writeNow(record);
        }
    }

    /**
     * Sleeps through a short window after the first record and then writes everything that came meanwhile in
     * one go. Waking for each record cost a busy server two thread switches per statement (its start and end
     * records), more than the statement itself when it is small; producers never wake a writer that sleeps.
     */
    private void drain() {
        List<java.util.Optional<AuditRecord>> batch = new java.util.ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                if (batch.getFirst().isPresent()) {
                    Thread.sleep(BATCH_WINDOW_MILLIS);
                }
                queue.drainTo(batch);
                for (java.util.Optional<AuditRecord> next : batch) {
                    if (next.isEmpty()) {
                        flush();
                        return;
                    }
                    writeNow(next.get());
                }
                batch.clear();
                flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeNow(AuditRecord record) {
        String line = record.toJson();
        synchronized (this) {
            try {
                writer.write(line);
                writer.write('\n');
                // Characters, not bytes: close enough for a rotation threshold, and free.
                written += line.length() + 1;
                if (written >= retention.rotateBytes()) {
                    rotate();
                }
            } catch (IOException e) {
                LOG.error("cannot write the audit log {}", file, e);
            }
        }
        LOG.info(line);
        for (Consumer<AuditRecord> sink : sinks) {
            try {
                sink.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("an audit sink failed", e);
            }
        }
    }

    /** Renames the full file out of the way and starts a new one; the housekeeper compresses it. Under the lock. */
    private void rotate() throws IOException {
        writer.close();
        String stamp = rotatedPrefix() + ROTATED_NAME.format(clock.instant());
        Path rotated = file.resolveSibling(stamp + ".log");
        for (int again = 1; Files.exists(rotated) || Files.exists(rotated.resolveSibling(rotated.getFileName() + ".gz")); again++) {
            rotated = file.resolveSibling(String.format("%s_%03d.log", stamp, again)); // two within a millisecond
        }
        Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
        writer = open();
        housekeeper.execute(this::compressAndExpire);
    }

    private String rotatedPrefix() {
        String name = file.getFileName().toString();
        return (name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + "-";
    }

    /** Compresses every rotated file not compressed yet, then removes compressed ones past the retention. */
    private void compressAndExpire() {
        Path directory = file.toAbsolutePath().getParent();
        String prefix = rotatedPrefix();
        Instant cutoff = clock.instant().minus(retention.keep());
        try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                if (name.endsWith(".log")) {
                    compress(entry);
                } else if (name.endsWith(".log.gz") && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot compress or expire rotated audit files in {}", directory, e);
        }
    }

    /** Into a temporary file first, renamed when whole; the original goes last, so a crash loses no line. */
    private static void compress(Path rotated) throws IOException {
        Path compressed = rotated.resolveSibling(rotated.getFileName() + ".gz");
        Path temporary = rotated.resolveSibling(rotated.getFileName() + ".gz.tmp");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(temporary), 64 * 1024)) {
            Files.copy(rotated, out);
        }
        Files.setLastModifiedTime(temporary, Files.getLastModifiedTime(rotated));
        Files.move(temporary, compressed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(rotated);
    }

    private void flush() {
        synchronized (this) {
            try {
                writer.flush();
            } catch (IOException e) {
                LOG.error("cannot write the audit log {}", file, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            queue.put(java.util.Optional.empty());
            drainer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("cannot close the audit log {}", file, e);
            }
        }
        housekeeper.shutdown();
        try {
            housekeeper.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Consumer<AuditRecord> sink : sinks) {
            if (sink instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("an audit sink did not close cleanly", e);
                }
            }
        }
    }
}
