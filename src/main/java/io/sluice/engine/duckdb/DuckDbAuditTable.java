package io.sluice.engine.duckdb;

import io.sluice.core.access.AuditRecord;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps audit records in the table {@code sluice.audit} of the engine's database, so admins can query them
 * with SQL ({@code SELECT … FROM sluice.audit}). Access control never grants the {@code sluice} schema to
 * anyone else. Rows are written on one background thread through the trusted path, off the statement's path.
 */
public final class DuckDbAuditTable implements Consumer<AuditRecord>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbAuditTable.class);

    private final DuckDbEngine engine;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("audit-table").daemon().factory());

    public DuckDbAuditTable(DuckDbEngine engine) {
        this.engine = engine;
        // The database is the catalog "sluice", so "sluice.audit" names its table main.audit.
        engine.executeTrusted("CREATE TABLE IF NOT EXISTS main.audit (time TIMESTAMP, principal VARCHAR, admin BOOLEAN,"
                + " remote_address VARCHAR, protocol VARCHAR, statement_id VARCHAR, sql_sha256 VARCHAR, sql VARCHAR,"
                + " tables VARCHAR[], outcome VARCHAR, error_code VARCHAR, rows BIGINT, duration_ms BIGINT)");
    }

    @Override
    public void accept(AuditRecord record) {
        try {
            writer.execute(() -> write(record));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: the file has the record
        }
    }

    private void write(AuditRecord record) {
        String tables = String.join("\u001f", record.tables());
        try {
            engine.executeTrusted("INSERT INTO main.audit VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                    + " CASE WHEN ? = '' THEN []::VARCHAR[] ELSE string_split(?, chr(31)) END, ?, ?, ?, ?)",
                    Arrays.asList(Timestamp.from(record.time()), record.principal(), record.admin(), record.remoteAddress(),
                            record.protocol(), record.statementId(), record.sqlSha256(), record.sql(), tables, tables,
                            record.outcome(), record.errorCode(), record.rows(), record.durationMillis()));
        } catch (RuntimeException e) {
            LOG.warn("cannot write an audit row to sluice.audit", e);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
