package io.sluice.storage.postgres;

import io.sluice.core.access.AuditRecord;
import io.sluice.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's audit records in {@code sluice_audit}, so each node's {@code sluice.audit} table shows the whole
 * cluster's: a node writes its own records there (batched, off the statement's path) and copies the other nodes'
 * into its table, a second or two behind.
 *
 * <p>The node's {@code audit.log} stays the record of what it did itself; this copy is for admins who query one
 * node and must see all. When PostgreSQL is unreachable, records wait in a bounded queue and go out when it is back;
 * past 100,000 waiting records the oldest are dropped from the copy (never from the node's own file), with a warning.
 */
public final class PostgresAudit implements Consumer<AuditRecord>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAudit.class);

    static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS sluice_audit (
                seq bigserial PRIMARY KEY,
                node_id text NOT NULL,
                written_at timestamptz NOT NULL DEFAULT now(),
                time timestamptz NOT NULL,
                principal text,
                admin boolean NOT NULL,
                remote_address text,
                protocol text,
                statement_id text,
                sql_sha256 text,
                sql text,
                tables text[] NOT NULL,
                outcome text,
                error_code text,
                rows bigint NOT NULL,
                duration_ms bigint NOT NULL,
                bytes_sent bigint NOT NULL,
                event text,
                page integer)""",
            "CREATE INDEX IF NOT EXISTS sluice_audit_by_time ON sluice_audit (time)");

    private static final int BATCH = 1_000;
    private static final Duration WRITE_EVERY = Duration.ofMillis(500);
    private static final Duration READ_EVERY = Duration.ofSeconds(1);
    /**
     * Rows younger than this are left for the next read: sequence numbers are handed out when a row is inserted
     * but become visible when its transaction commits, so a row read past could otherwise be missed for good.
     */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration RETENTION_SWEEP = Duration.ofHours(1);
    private static final String COLUMNS = "time, principal, admin, remote_address, protocol, statement_id, sql_sha256, "
            + "sql, tables, outcome, error_code, rows, duration_ms, bytes_sent, event, page";

    private final PostgresDatabase database;
    private final String nodeId;
    private volatile Duration retention;
    private final BlockingQueue<AuditRecord> pending = new ArrayBlockingQueue<>(100_000);
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cluster-audit").daemon().factory());
    private volatile Consumer<AuditRecord> othersInto;
    private volatile Path positionFile;
    private long position;
    private boolean warnedUnavailable;

    PostgresAudit(PostgresDatabase database, String nodeId, Duration retention) {
        this.database = database;
        this.nodeId = nodeId;
        this.retention = retention;
        background.scheduleWithFixedDelay(this::writeSafely, WRITE_EVERY.toMillis(), WRITE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::purgeSafely, 1, RETENTION_SWEEP.toMinutes(), TimeUnit.MINUTES);
    }

    /** How long the cluster keeps audit records: the node's {@code audit.retentionDays}. */
    public void retainFor(Duration keep) {
        this.retention = keep;
    }

    /** A record of this node: queued, written with the next batch. */
    @Override
    public void accept(AuditRecord record) {
        while (!pending.offer(record)) {
            // Full: PostgreSQL has been away for long. The node's own audit.log has every record.
            if (pending.poll() != null) {
                LOG.warn("the cluster audit copy is 100,000 records behind; dropping the oldest from the copy");
            }
        }
    }

    /**
     * Copies every other node's records into {@code table} from now on, starting after the last one copied before
     * (kept in {@code position}, so a restarted node neither repeats nor skips records).
     */
    public void copyOthersInto(Consumer<AuditRecord> table, Path position) {
        try {
            this.position = Files.exists(position) ? Long.parseLong(Files.readString(position).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read the cluster audit position {}; copying from the start", position);
            this.position = 0;
        }
        this.positionFile = position;
        this.othersInto = table;
        background.scheduleWithFixedDelay(this::readSafely, 0, READ_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeSafely() {
        try {
            write();
            warnedUnavailable = false;
        } catch (RuntimeException e) {
            if (!warnedUnavailable) {
                LOG.warn("cannot copy audit records to the cluster ({}); retrying", e.getMessage());
                warnedUnavailable = true;
            }
        }
    }

    private void write() {
        while (!pending.isEmpty()) {
            List<AuditRecord> batch = new ArrayList<>(BATCH);
            // Peek, write, then remove: a failed write keeps the batch for the next try.
            for (AuditRecord record : pending) {
                batch.add(record);
                if (batch.size() == BATCH) {
                    break;
                }
            }
            database.transaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sluice_audit (node_id, " + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (AuditRecord record : batch) {
                        bind(insert, connection, record);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                return null;
            });
            for (int removed = 0; removed < batch.size(); removed++) {
                pending.poll();
            }
        }
    }

    private void bind(PreparedStatement insert, java.sql.Connection connection, AuditRecord record) throws SQLException {
        insert.setString(1, nodeId);
        insert.setTimestamp(2, Timestamp.from(record.time()));
        insert.setString(3, record.principal());
        insert.setBoolean(4, record.admin());
        insert.setString(5, record.remoteAddress());
        insert.setString(6, record.protocol());
        insert.setString(7, record.statementId());
        insert.setString(8, record.sqlSha256());
        insert.setString(9, record.sql());
        insert.setArray(10, connection.createArrayOf("text", record.tables().toArray()));
        insert.setString(11, record.outcome());
        insert.setString(12, record.errorCode());
        insert.setLong(13, record.rows());
        insert.setLong(14, record.durationMillis());
        insert.setLong(15, record.bytesSent());
        insert.setString(16, record.event());
        if (record.page() == null) {
            insert.setNull(17, Types.INTEGER);
        } else {
            insert.setInt(17, record.page());
        }
    }

    private void readSafely() {
        try {
            while (read() == BATCH) {
                // a backlog (a node that was away, or one just joining): go on at once
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot read other nodes' audit records yet: {}", e.getMessage());
        }
    }

    private int read() {
        List<AuditRecord> records = new ArrayList<>();
        long last = database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT seq, " + COLUMNS + " FROM sluice_audit"
                    + " WHERE seq > ? AND node_id <> ? AND written_at < now() - make_interval(secs => ?) ORDER BY seq LIMIT ?")) {
                select.setLong(1, position);
                select.setString(2, nodeId);
                select.setDouble(3, SETTLE.toMillis() / 1000.0);
                select.setInt(4, BATCH);
                long seq = position;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        seq = rows.getLong(1);
                        records.add(record(rows));
                    }
                }
                return seq;
            }
        });
        if (records.isEmpty()) {
            return 0;
        }
        Consumer<AuditRecord> table = othersInto;
        records.forEach(table);
        position = last;
        try {
            AtomicFiles.writeString(positionFile, Long.toString(last));
        } catch (RuntimeException e) {
            LOG.warn("cannot keep the cluster audit position in {}: {}", positionFile, e.getMessage());
        }
        return records.size();
    }

    private static AuditRecord record(ResultSet row) throws SQLException {
        Array tables = row.getArray(10);
        int page = row.getInt(17);
        Integer pageOrNull = row.wasNull() ? null : page;
        return new AuditRecord(row.getTimestamp(2).toInstant(), row.getString(3), row.getBoolean(4), row.getString(5),
                row.getString(6), row.getString(7), row.getString(8), row.getString(9),
                tables == null ? List.of() : Arrays.stream((Object[]) tables.getArray()).map(String::valueOf).toList(),
                row.getString(11), row.getString(12), row.getLong(13), row.getLong(14), row.getLong(15), row.getString(16),
                pageOrNull);
    }

    private void purgeSafely() {
        try {
            database.call(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM sluice_audit WHERE time < now() - make_interval(secs => ?)")) {
                    delete.setDouble(1, retention.toSeconds());
                    return delete.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("cannot purge old cluster audit records: {}", e.getMessage());
        }
    }

    /** Writes what is still queued (while the database is open), then stops copying. */
    @Override
    public void close() {
        background.shutdownNow();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeSafely();
    }
}
