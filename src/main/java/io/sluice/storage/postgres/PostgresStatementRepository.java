package io.sluice.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.statement.StatementRepository;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Statement statuses, request ids and cancel requests in PostgreSQL, shared by every node. A row names the
 * node that runs the statement; that node alone moves it on, except that any node may fail the statements
 * of a node whose lease expired ({@link PostgresNodes}). A terminal row is never updated again (the upsert's
 * WHERE), which is what keeps a late node from reporting success for a statement already failed for it.
 * A statement's tags (a JSON object) are written by the insert and never updated.
 */
final class PostgresStatementRepository implements StatementRepository {

    private static final String COLUMNS = "id, owner_id, node_id, protocol, sql_text, state, created_at, started_at,"
            + " ended_at, row_count, update_count, page_count, truncated, reused, result_id, request_id, error_code,"
            + " error_message, error_sql_state, error_line, error_column, tags";
    static final String ACTIVE = "state IN ('QUEUED', 'RUNNING')";
    /** Tags are a flat object of strings; Jackson's mapper is immutable once built and safe to share. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() { };

    private final PostgresDatabase database;
    private final String nodeId;

    PostgresStatementRepository(PostgresDatabase database, String nodeId) {
        this.database = database;
        this.nodeId = nodeId;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void recordProgress(Map<String, Progress> running) {
        if (running.isEmpty()) {
            return;
        }
        database.call(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sluice_statements SET row_count = ?,"
                    + " progress_percent = ?, progress_rows = ?, progress_total = ? WHERE id = ? AND node_id = ? AND " + ACTIVE)) {
                for (Map.Entry<String, Progress> entry : running.entrySet()) {
                    io.sluice.core.engine.QueryProgress engine = entry.getValue().engine();
                    update.setLong(1, entry.getValue().rows());
                    update.setDouble(2, engine.percent());
                    update.setLong(3, engine.rowsProcessed());
                    update.setLong(4, engine.totalRows());
                    update.setString(5, entry.getKey());
                    update.setString(6, nodeId);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    @Override
    public io.sluice.core.engine.QueryProgress progress(String id) {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT progress_percent, progress_rows, progress_total"
                    + " FROM sluice_statements WHERE id = ? AND " + ACTIVE + " AND progress_percent IS NOT NULL")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? new io.sluice.core.engine.QueryProgress(row.getDouble(1), row.getLong(2), row.getLong(3))
                            : io.sluice.core.engine.QueryProgress.UNKNOWN;
                }
            }
        });
    }

    @Override
    public boolean save(StatementStatus status) {
        return database.call(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO sluice_statements (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))"
                    + " ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, started_at = EXCLUDED.started_at,"
                    + " ended_at = EXCLUDED.ended_at, row_count = EXCLUDED.row_count, update_count = EXCLUDED.update_count,"
                    + " page_count = EXCLUDED.page_count, truncated = EXCLUDED.truncated, reused = EXCLUDED.reused,"
                    + " result_id = EXCLUDED.result_id, error_code = EXCLUDED.error_code,"
                    + " error_message = EXCLUDED.error_message, error_sql_state = EXCLUDED.error_sql_state,"
                    + " error_line = EXCLUDED.error_line, error_column = EXCLUDED.error_column"
                    + " WHERE sluice_statements." + ACTIVE)) {
                int index = 0;
                upsert.setString(++index, status.id());
                upsert.setString(++index, status.ownerId());
                upsert.setString(++index, nodeId);
                upsert.setString(++index, status.protocol());
                upsert.setString(++index, status.sql());
                upsert.setString(++index, status.state().name());
                upsert.setTimestamp(++index, timestamp(status.createdAt()));
                upsert.setTimestamp(++index, timestamp(status.startedAt()));
                upsert.setTimestamp(++index, timestamp(status.endedAt()));
                upsert.setLong(++index, status.rows());
                upsert.setLong(++index, status.updateCount());
                upsert.setInt(++index, status.pageCount());
                upsert.setBoolean(++index, status.truncated());
                upsert.setBoolean(++index, status.reused());
                upsert.setString(++index, status.resultId());
                upsert.setString(++index, status.requestId());
                SluiceError error = status.error();
                upsert.setString(++index, error == null ? null : error.code().name());
                upsert.setString(++index, error == null ? null : error.message());
                upsert.setString(++index, error == null ? null : error.sqlState());
                setInteger(upsert, ++index, error == null || error.position() == null ? null : error.position().line());
                setInteger(upsert, ++index, error == null || error.position() == null ? null : error.position().column());
                upsert.setString(++index, json(status.tags()));
                return upsert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<StatementStatus> loadAll() {
        return database.call(connection -> query(connection, "SELECT " + COLUMNS + " FROM sluice_statements", ignored -> { }));
    }

    @Override
    public void delete(String id) {
        database.call(connection -> {
            try (PreparedStatement ids = connection.prepareStatement("DELETE FROM sluice_request_ids WHERE statement_id = ?");
                 PreparedStatement statement = connection.prepareStatement("DELETE FROM sluice_statements WHERE id = ?")) {
                ids.setString(1, id);
                ids.executeUpdate();
                statement.setString(1, id);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StatementStatus> find(String id) {
        return database.call(connection -> query(connection, "SELECT " + COLUMNS + " FROM sluice_statements WHERE id = ?",
                select -> select.setString(1, id)).stream().findFirst());
    }

    @Override
    public List<StatementStatus> list(String ownerId, int limit) {
        return database.call(connection -> ownerId == null
                ? query(connection, "SELECT " + COLUMNS + " FROM sluice_statements ORDER BY created_at DESC LIMIT ?",
                        select -> select.setInt(1, limit))
                : query(connection, "SELECT " + COLUMNS + " FROM sluice_statements WHERE owner_id = ?"
                        + " ORDER BY created_at DESC LIMIT ?", select -> {
                            select.setString(1, ownerId);
                            select.setInt(2, limit);
                        }));
    }

    @Override
    public List<StatementStatus> list(String ownerId, String protocol, int limit) {
        return database.call(connection -> query(connection, "SELECT " + COLUMNS + " FROM sluice_statements"
                + " WHERE owner_id = ? AND protocol = ? ORDER BY created_at DESC LIMIT ?", select -> {
                    select.setString(1, ownerId);
                    select.setString(2, protocol);
                    select.setInt(3, limit);
                }));
    }

    @Override
    public List<StatementStatus> findActiveByTag(String ownerId, String name, String value) {
        return byTag(ownerId, name, value, " AND " + ACTIVE, "");
    }

    @Override
    public List<StatementStatus> findByTag(String ownerId, String name, String value) {
        return byTag(ownerId, name, value, "", " ORDER BY created_at");
    }

    /** Statements whose tags hold {name: value}, of {@code ownerId} (any owner for null). */
    private List<StatementStatus> byTag(String ownerId, String name, String value, String condition, String order) {
        String tag = json(Map.of(name, value));
        // tags @> {name: value} is what the GIN index on tags answers.
        String sql = "SELECT " + COLUMNS + " FROM sluice_statements WHERE tags @> CAST(? AS jsonb)" + condition
                + (ownerId == null ? "" : " AND owner_id = ?") + order;
        return database.call(connection -> query(connection, sql, select -> {
            select.setString(1, tag);
            if (ownerId != null) {
                select.setString(2, ownerId);
            }
        }));
    }

    @Override
    public String claimRequestId(String ownerId, String requestId, String statementId) {
        return database.call(connection -> {
            try (PreparedStatement claim = connection.prepareStatement("INSERT INTO sluice_request_ids"
                    + " (owner_id, request_id, statement_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                claim.setString(1, ownerId);
                claim.setString(2, requestId);
                claim.setString(3, statementId);
                if (claim.executeUpdate() == 1) {
                    return statementId;
                }
            }
            try (PreparedStatement bound = connection.prepareStatement(
                    "SELECT statement_id FROM sluice_request_ids WHERE owner_id = ? AND request_id = ?")) {
                bound.setString(1, ownerId);
                bound.setString(2, requestId);
                try (ResultSet row = bound.executeQuery()) {
                    // Released between the two statements (its launch failed): this caller may run it.
                    return row.next() ? row.getString(1) : claimRequestId(ownerId, requestId, statementId);
                }
            }
        });
    }

    @Override
    public void releaseRequestId(String ownerId, String requestId, String statementId) {
        database.call(connection -> {
            try (PreparedStatement release = connection.prepareStatement(
                    "DELETE FROM sluice_request_ids WHERE owner_id = ? AND request_id = ? AND statement_id = ?")) {
                release.setString(1, ownerId);
                release.setString(2, requestId);
                release.setString(3, statementId);
                return release.executeUpdate();
            }
        });
    }

    @Override
    public void requestCancel(String id, SluiceError reason) {
        database.call(connection -> {
            try (PreparedStatement cancel = connection.prepareStatement("UPDATE sluice_statements SET cancel_code = ?,"
                    + " cancel_message = ? WHERE id = ? AND cancel_code IS NULL AND " + ACTIVE)) {
                cancel.setString(1, reason.code().name());
                cancel.setString(2, reason.message());
                cancel.setString(3, id);
                return cancel.executeUpdate();
            }
        });
    }

    @Override
    public List<CancelRequest> cancelRequests() {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, cancel_code, cancel_message"
                    + " FROM sluice_statements WHERE node_id = ? AND " + ACTIVE + " AND cancel_code IS NOT NULL")) {
                select.setString(1, nodeId);
                List<CancelRequest> requests = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        requests.add(new CancelRequest(rows.getString(1),
                                SluiceError.of(ErrorCode.valueOf(rows.getString(2)), rows.getString(3))));
                    }
                }
                return requests;
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static List<StatementStatus> query(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            binder.bind(select);
            List<StatementStatus> statuses = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    statuses.add(status(rows));
                }
            }
            return statuses;
        }
    }

    private static StatementStatus status(ResultSet row) throws SQLException {
        SluiceError error = null;
        String code = row.getString("error_code");
        if (code != null) {
            int line = row.getInt("error_line");
            SluiceError.Position position = row.wasNull() ? null : new SluiceError.Position(line, row.getInt("error_column"));
            error = new SluiceError(ErrorCode.valueOf(code), row.getString("error_message"),
                    row.getString("error_sql_state"), position);
        }
        return new StatementStatus(row.getString("id"), row.getString("owner_id"), row.getString("protocol"),
                row.getString("sql_text"), StatementState.valueOf(row.getString("state")), instant(row, "created_at"),
                instant(row, "started_at"), instant(row, "ended_at"), row.getLong("row_count"),
                row.getLong("update_count"), row.getInt("page_count"), row.getBoolean("truncated"),
                row.getBoolean("reused"), row.getString("result_id"), row.getString("request_id"), error,
                tags(row.getString("tags")));
    }

    private static String json(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write statement tags as JSON", e);
        }
    }

    private static Map<String, String> tags(String json) throws SQLException {
        if (json == null || json.equals("{}")) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, TAGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("damaged statement tags: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
