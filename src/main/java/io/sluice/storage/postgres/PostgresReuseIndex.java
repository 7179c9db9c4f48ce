package io.sluice.storage.postgres;

import io.sluice.core.statement.ReuseIndex;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The result-reuse index shared by a cluster: entries in {@code sluice_reuse}, the write epoch in the one
 * row of {@code sluice_reuse_epoch}. An entry is remembered only if the epoch it started in is still the
 * current one (checked in the same statement), and a write moves the epoch on and empties the index in
 * one transaction, so no node reuses a result from before a write made through any node.
 */
final class PostgresReuseIndex implements ReuseIndex {

    private final PostgresDatabase database;
    private final String nodeId;

    PostgresReuseIndex(PostgresDatabase database, String nodeId) {
        this.database = database;
        this.nodeId = nodeId;
    }

    @Override
    public String thisNode() {
        return nodeId;
    }

    @Override
    public long epoch() {
        return database.call(connection -> {
            try (Statement select = connection.createStatement();
                 ResultSet row = select.executeQuery("SELECT epoch FROM sluice_reuse_epoch")) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    @Override
    public Optional<Entry> lookup(String key, Duration maxAge, Instant now) {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT r.statement_id, r.result_id,"
                    + " r.finished_at, r.epoch, r.row_count, r.update_count, r.page_count, r.truncated"
                    + " FROM sluice_reuse r JOIN sluice_reuse_epoch e ON r.epoch = e.epoch"
                    + " WHERE r.reuse_key = ? AND r.finished_at >= ?")) {
                select.setString(1, key);
                select.setTimestamp(2, Timestamp.from(now.minus(maxAge)));
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Entry>empty();
                    }
                    return Optional.of(new Entry(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(),
                            row.getLong(4), row.getLong(5), row.getLong(6), row.getInt(7), row.getBoolean(8)));
                }
            }
        });
    }

    @Override
    public void remember(String key, Entry entry) {
        database.call(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sluice_reuse (reuse_key,"
                    + " statement_id, result_id, finished_at, epoch, row_count, update_count, page_count, truncated)"
                    + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM sluice_reuse_epoch WHERE epoch = ?"
                    + " ON CONFLICT (reuse_key) DO UPDATE SET statement_id = EXCLUDED.statement_id,"
                    + " result_id = EXCLUDED.result_id, finished_at = EXCLUDED.finished_at, epoch = EXCLUDED.epoch,"
                    + " row_count = EXCLUDED.row_count, update_count = EXCLUDED.update_count,"
                    + " page_count = EXCLUDED.page_count, truncated = EXCLUDED.truncated")) {
                insert.setString(1, key);
                insert.setString(2, entry.statementId());
                insert.setString(3, entry.resultId());
                insert.setTimestamp(4, Timestamp.from(entry.finishedAt()));
                insert.setLong(5, entry.epoch());
                insert.setLong(6, entry.rows());
                insert.setLong(7, entry.updateCount());
                insert.setInt(8, entry.pageCount());
                insert.setBoolean(9, entry.truncated());
                insert.setLong(10, entry.epoch());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public void dataChanged() {
        database.transaction(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.executeUpdate("UPDATE sluice_reuse_epoch SET epoch = epoch + 1");
                sql.executeUpdate("DELETE FROM sluice_reuse");
            }
            return null;
        });
    }

    @Override
    public void forgetResult(String resultId) {
        database.call(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_reuse WHERE result_id = ?")) {
                delete.setString(1, resultId);
                return delete.executeUpdate();
            }
        });
    }
}
