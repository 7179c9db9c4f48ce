package io.sluice.engine.duckdb;

import io.sluice.core.access.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps audit records in the table {@code sluice.audit} of the engine's database, so admins can query them
 * with SQL ({@code SELECT … FROM sluice.audit}). Access control never grants the {@code sluice} schema to
 * anyone else. Rows are written on one background thread through the trusted path, off the statement's path.
 * The same thread deletes rows older than the audit retention ({@code audit.retentionDays}) once an hour, so the
 * table does not grow with every statement ever run (about 150 bytes of database file per small statement).
 */
public final class DuckDbAuditTable implements Consumer<AuditRecord>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbAuditTable.class);

    private static final int BATCH = 5_000;
    /** Rows wait at most this long, so admins see them within a second and the engine takes one insert a second. */
    private static final long BATCH_WINDOW_MILLIS = 1_000;

    /** How often rows past the retention are deleted. */
    private static final long PURGE_EVERY_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    private final DuckDbDatabase engine;
    private final java.time.Duration retention;
    private final java.time.Clock clock;
    /** When the next purge is due (System.nanoTime); the first comes right after start. */
    private long nextPurge = System.nanoTime();
    /** Bounded: when the table falls far behind, statements wait for room rather than memory growing. */
    private final java.util.concurrent.BlockingQueue<AuditRecord> pending = new java.util.concurrent.LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    private volatile boolean closing;

    public DuckDbAuditTable(DuckDbDatabase engine) {
        this(engine, io.sluice.core.access.AuditLog.Retention.DEFAULT.keep(), java.time.Clock.systemUTC());
    }

    public DuckDbAuditTable(DuckDbDatabase engine, java.time.Duration retention, java.time.Clock clock) {
        this.engine = engine;
        this.retention = java.util.Objects.requireNonNull(retention, "retention");
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        // The database is the catalog "sluice", so "sluice.audit" names its table main.audit.
        engine.executeTrusted("CREATE TABLE IF NOT EXISTS main.audit (time TIMESTAMP, principal VARCHAR, admin BOOLEAN,"
                + " remote_address VARCHAR, protocol VARCHAR, statement_id VARCHAR, sql_sha256 VARCHAR, sql VARCHAR,"
                + " tables VARCHAR[], outcome VARCHAR, error_code VARCHAR, rows BIGINT, duration_ms BIGINT, bytes_sent BIGINT)");
        // Tables made before bytes_sent existed get the column (NULL for their old rows).
        engine.executeTrusted("ALTER TABLE main.audit ADD COLUMN IF NOT EXISTS bytes_sent BIGINT");
        // event: STATEMENT or RESULT_READ (NULL in rows written before reads were audited: statements); page of a read.
        engine.executeTrusted("ALTER TABLE main.audit ADD COLUMN IF NOT EXISTS event VARCHAR");
        engine.executeTrusted("ALTER TABLE main.audit ADD COLUMN IF NOT EXISTS page BIGINT");
        this.writer = Thread.ofPlatform().name("audit-table").daemon().start(this::drain);
    }

    @Override
    public void accept(AuditRecord record) {
        if (closing) {
            return; // shutting down: the file has the record
        }
        try {
            pending.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One INSERT per second at most: a transaction per statement cost the engine more than the statements
     * themselves (its writes and checkpoints held up every other statement).
     */
    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        while (!closing || !pending.isEmpty()) {
            if (System.nanoTime() - nextPurge >= 0) {
                nextPurge = System.nanoTime() + PURGE_EVERY_NANOS;
                purgeExpired();
            }
            try {
                AuditRecord first = pending.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (!closing && pending.size() < BATCH) {
                    // Sleeps through the window instead of waiting on the queue, which woke this thread for every
                    // record: two thread switches per statement on a busy server, for rows written once a second.
                    Thread.sleep(BATCH_WINDOW_MILLIS);
                }
                pending.drainTo(batch, BATCH - batch.size());
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Through the engine's appender (see {@link AuditRows}); a failure loses these rows from the table, not the log. */
    private void write(List<AuditRecord> records) {
        List<List<Object>> rows = records.stream().map(AuditRows::row).toList();
        try {
            engine.appendAuditRows(rows);
        } catch (io.sluice.core.error.SluiceException e) {
            if (e.error().code() != io.sluice.core.error.ErrorCode.ENGINE_RESTARTED) {
                LOG.warn("cannot write {} audit rows to sluice.audit", records.size(), e);
                return;
            }
            // The engine process died under the append (nothing was committed): once more, on the engine that replaced it.
            try {
                engine.appendAuditRows(rows);
            } catch (RuntimeException again) {
                LOG.warn("cannot write {} audit rows to sluice.audit", records.size(), again);
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot write {} audit rows to sluice.audit", records.size(), e);
        }
    }

    /** Deletes the rows older than the retention; a failure is logged and retried at the next purge. */
    void purgeExpired() {
        // The cutoff is ours (not user input) and the column is UTC without a zone, like the rows written.
        java.time.LocalDateTime cutoff = java.time.LocalDateTime.ofInstant(clock.instant().minus(retention),
                java.time.ZoneOffset.UTC);
        try {
            engine.executeTrusted("DELETE FROM main.audit WHERE time < TIMESTAMP '" + cutoff + "'");
        } catch (RuntimeException e) {
            LOG.warn("cannot delete audit rows older than {} from sluice.audit", cutoff, e);
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
