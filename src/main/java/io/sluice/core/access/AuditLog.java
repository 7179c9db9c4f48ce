package io.sluice.core.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * room in the queue, so no record is ever dropped. A record reaches the file within about 10 ms. {@link #close()} drains the queue before it returns.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("sluice.audit");
    /** How long records may wait for company before they are written: a record reaches the file within it. */
    private static final long BATCH_WINDOW_MILLIS = 10;

    private final Path file;
    private final Writer writer;
    private final List<Consumer<AuditRecord>> sinks = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.BlockingQueue<java.util.Optional<AuditRecord>> queue =
            new java.util.concurrent.LinkedBlockingQueue<>(65_536);
    private final Thread drainer;

    public AuditLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
        this.drainer = Thread.ofPlatform().name("audit-writer").daemon().start(this::drain);
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
        synchronized (writer) {
            try {
                writer.write(line);
                writer.write('\n');
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

    private void flush() {
        synchronized (writer) {
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
        synchronized (writer) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("cannot close the audit log {}", file, e);
            }
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
