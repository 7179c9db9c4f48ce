package io.sluice.engine.duckdb;

import io.sluice.core.access.AuditRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps audit records in the table {@code sluice.audit} of the engine's database, so admins can query them
 * with SQL ({@code SELECT … FROM sluice.audit}). Access control never grants the {@code sluice} schema to
 * anyone else. Rows are written on one background thread through the trusted path, off the statement's path.
 */
public final class DuckDbAuditTable implements Consumer<AuditRecord>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbAuditTable.class);

    private static final int BATCH = 5_000;
    /** Rows wait at most this long, so admins see them within a second and the engine takes one insert a second. */
    private static final long BATCH_WINDOW_MILLIS = 1_000;

    private final DuckDbEngine engine;
    /** Bounded: when the table falls far behind, statements wait for room rather than memory growing. */
    private final java.util.concurrent.BlockingQueue<AuditRecord> pending = new java.util.concurrent.LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    private volatile boolean closing;

    public DuckDbAuditTable(DuckDbEngine engine) {
        this.engine = engine;
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
            try {
                AuditRecord first = pending.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + BATCH_WINDOW_MILLIS * 1_000_000;
                while (batch.size() < BATCH && !closing) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    AuditRecord next = pending.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    pending.drainTo(batch, BATCH - batch.size());
                }
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Through DuckDB's appender: the earlier INSERT of up to 5,000 rows of 15 bound parameters each cost the engine
     * about as much CPU as the statements being audited (JFR under 32 clients running {@code SELECT 1}: half of
     * the native DuckDB samples were that INSERT's prepare and execute). The time is stored as UTC, like the log file.
     * The appender fills columns by position: the table's order is the CREATE's, then bytes_sent, event and page,
     * which the ALTERs above add at the end in that order to tables made by older versions.
     */
    private void write(List<AuditRecord> records) {
        try (DuckDBConnection connection = engine.trustedConnection();
             DuckDBAppender appender = connection.createAppender("main", "audit")) {
            for (AuditRecord record : records) {
                appender.beginRow().appendEpochMicros(epochMicros(record.time())).append(record.principal())
                        .append(record.admin()).append(record.remoteAddress()).append(record.protocol())
                        .append(record.statementId()).append(record.sqlSha256()).append(record.sql())
                        .append(record.tables()).append(record.outcome()).append(record.errorCode())
                        .append(record.rows()).append(record.durationMillis()).append(record.bytesSent())
                        .append(record.event());
                if (record.page() == null) {
                    appender.appendNull();
                } else {
                    appender.append(record.page().longValue());
                }
                appender.endRow();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot write {} audit rows to sluice.audit", records.size(), e);
        }
    }

    private static long epochMicros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
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
