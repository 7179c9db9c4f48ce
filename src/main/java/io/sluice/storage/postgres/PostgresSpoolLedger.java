package io.sluice.storage.postgres;

import io.sluice.core.spool.SpoolLedger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The spool ledger of a cluster: one row per finished result (owner, bytes, expiry) in PostgreSQL, written by
 * the node that finished the result and read by every node, so a principal's spool quota counts its results
 * wherever they were written. Rows of results past their expiry are ignored and purged by any node.
 */
final class PostgresSpoolLedger implements SpoolLedger {

    private final PostgresDatabase database;

    PostgresSpoolLedger(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    public long held(String owner, Instant now) {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COALESCE(sum(bytes), 0) FROM sluice_spool_ledger WHERE owner_id = ? AND expires_at > ?")) {
                select.setString(1, owner);
                select.setTimestamp(2, Timestamp.from(now));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public void add(String resultId, String owner, long bytes, Instant expiresAt) {
        database.call(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO sluice_spool_ledger"
                    + " (result_id, owner_id, bytes, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (result_id) DO UPDATE"
                    + " SET owner_id = EXCLUDED.owner_id, bytes = EXCLUDED.bytes, expires_at = EXCLUDED.expires_at")) {
                upsert.setString(1, resultId);
                upsert.setString(2, owner);
                upsert.setLong(3, bytes);
                upsert.setTimestamp(4, Timestamp.from(expiresAt));
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public void remove(String resultId) {
        database.call(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_spool_ledger WHERE result_id = ?")) {
                delete.setString(1, resultId);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public void purge(Instant now) {
        database.call(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_spool_ledger WHERE expires_at <= ?")) {
                delete.setTimestamp(1, Timestamp.from(now));
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean shared() {
        return true;
    }
}
