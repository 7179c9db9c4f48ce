package io.sluice.engine.trino;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.SluiceException;
import io.sluice.core.io.Closing;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One statement on its own Trino connection (a connection of the JDBC driver is only a set of session
 * properties: the user, catalog and schema; the HTTP client underneath is shared). Cancelling it makes
 * the driver delete the query on the coordinator, so Trino stops every task (USER_CANCELED).
 */
final class TrinoStatement implements EngineStatement {

    /** How long cancel() keeps re-sending the cancel while execute is still submitting the query. */
    private static final long CANCEL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(2000);
    /** Update types that change nothing a cached result could depend on. */
    private static final Set<String> HARMLESS_UPDATES = Set.of("SET SESSION", "RESET SESSION", "USE", "PREPARE",
            "DEALLOCATE", "START TRANSACTION", "COMMIT", "ROLLBACK", "SET ROLE", "SET PATH", "SET TIME ZONE");

    private static final String EXPLAIN_PREFIX = "EXPLAIN (TYPE IO, FORMAT JSON) ";

    private final EngineRequest request;
    private final Connection connection;
    private final TrinoConfig config;
    private final Consumer<TrinoStatement> onClose;
    /** Records the Trino query id once Trino assigned it (OutsideWork), so a survivor can stop it if this node dies. */
    private final java.util.function.Function<String, io.sluice.core.engine.OutsideWork.Entry> recordQuery;
    /** The record of the running query, closed with the statement; null until the id is known. */
    private io.sluice.core.engine.OutsideWork.Entry recorded;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private volatile boolean executing;
    /** Why Trino can no longer finish this statement (its coordinator went away), or null. */
    private volatile String lostReason;
    private Statement jdbcStatement;
    private TrinoBatchStream stream;
    private boolean closed;

    TrinoStatement(EngineRequest request, Connection connection, TrinoConfig config, Consumer<TrinoStatement> onClose) {
        this(request, connection, config, onClose, queryId -> io.sluice.core.engine.OutsideWork.Entry.NOTHING);
    }

    TrinoStatement(EngineRequest request, Connection connection, TrinoConfig config, Consumer<TrinoStatement> onClose,
                   java.util.function.Function<String, io.sluice.core.engine.OutsideWork.Entry> recordQuery) {
        this.request = Objects.requireNonNull(request, "request");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.config = Objects.requireNonNull(config, "config");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.recordQuery = Objects.requireNonNull(recordQuery, "recordQuery");
    }

    /** Called by the driver with each status of the query (from execute and while rows are read): the first has its id. */
    private void progress(io.trino.jdbc.QueryStats stats) {
        String queryId = stats.getQueryId();
        if (queryId == null) {
            return;
        }
        synchronized (lock) {
            if (recorded != null || closed) {
                return;
            }
            recorded = io.sluice.core.engine.OutsideWork.Entry.NOTHING; // once, whatever the record does
        }
        io.sluice.core.engine.OutsideWork.Entry entry;
        try {
            entry = recordQuery.apply(queryId);
        } catch (RuntimeException e) {
            // Not recorded (the cluster's database is away): the query runs on, unprotected if this node dies.
            org.slf4j.LoggerFactory.getLogger(TrinoStatement.class).warn("could not record Trino query {}: {}", queryId,
                    e.getMessage());
            return;
        }
        boolean closeNow;
        synchronized (lock) {
            closeNow = closed;
            recorded = entry;
        }
        if (closeNow) {
            entry.close();
        }
    }

    @Override
    public EngineResult execute() {
        TrinoParameters parameters = TrinoParameters.of(request.sql(), request.parameters());
        executing = true;
        try {
            applySession();
            boolean returnsRows;
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("the statement is closed");
                }
                // Checked under the lock that cancel() takes, so either cancel sees the statement or we see the flag.
                if (cancelled) {
                    throw TrinoErrors.cancelled();
                }
                jdbcStatement = parameters.values().isEmpty() ? connection.createStatement()
                        : connection.prepareStatement(parameters.sql());
            }
            jdbcStatement.unwrap(io.trino.jdbc.TrinoStatement.class).setProgressMonitor(this::progress);
            if (jdbcStatement instanceof PreparedStatement prepared) {
                for (int index = 0; index < parameters.values().size(); index++) {
                    prepared.setObject(index + 1, parameters.values().get(index));
                }
                returnsRows = prepared.execute();
            } else {
                returnsRows = jdbcStatement.execute(parameters.sql());
            }
            if (cancelled) {
                throw TrinoErrors.cancelled();
            }
            if (lostReason != null) {
                throw TrinoErrors.unavailable(lostReason, null);
            }
            if (!returnsRows) {
                String updateType = jdbcStatement.unwrap(io.trino.jdbc.TrinoStatement.class).getUpdateType();
                boolean modifies = updateType == null || !HARMLESS_UPDATES.contains(updateType);
                return new EngineResult.UpdateCount(Math.max(0, jdbcStatement.getLargeUpdateCount()), modifies);
            }
            return new EngineResult.Rows(openStream(jdbcStatement.getResultSet()), false);
        } catch (SluiceException e) {
            throw lostReason != null && !cancelled ? TrinoErrors.unavailable(lostReason, e) : e;
        } catch (Exception e) {
            if (lostReason != null && !cancelled) {
                throw TrinoErrors.unavailable(lostReason, e);
            }
            throw TrinoErrors.map(e, cancelled, !parameters.rewritten());
        } finally {
            executing = false;
        }
    }

    /**
     * Asks Trino which tables the statement reads and writes: {@code EXPLAIN (TYPE IO, FORMAT JSON)} plans it as
     * this user with this session, without running it, and names every input table and the output table.
     */
    @Override
    public AccessedTables accessedTables() {
        TrinoParameters parameters = TrinoParameters.of(request.sql(), request.parameters());
        String firstWord = TrinoAccessAnalysis.firstWord(request.sql());
        AccessedTables.Kind kind = TrinoAccessAnalysis.kind(firstWord);
        Set<String> none = Set.of();
        if (kind == AccessedTables.Kind.OTHER) {
            return new AccessedTables(AccessedTables.Kind.OTHER, none, none, none);
        }
        try {
            applySession();
            String plan;
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(EXPLAIN_PREFIX + parameters.plannedSql())) {
                plan = rows.next() ? rows.getString(1) : "{}";
                drain(rows);
            }
            return TrinoAccessAnalysis.accessed(kind, plan);
        } catch (SluiceException e) {
            throw e;
        } catch (Exception e) {
            // Trino points into the EXPLAIN text; the client wrote the statement without the prefix.
            throw TrinoErrors.map(e, cancelled, !parameters.rewritten(), EXPLAIN_PREFIX.length());
        }
    }

    /**
     * Reads a result to its end. Closing a result the driver has not seen finish cancels the query, which would
     * list every finished EXPLAIN as USER_CANCELED in Trino's query history.
     */
    static void drain(ResultSet rows) throws SQLException {
        while (rows.next()) {
            // nothing more is expected
        }
    }

    private void applySession() throws SQLException {
        String catalog = request.session().catalog();
        String schema = request.session().schema();
        if (catalog != null) {
            connection.setCatalog(catalog.toLowerCase(java.util.Locale.ROOT));
        }
        if (schema != null) {
            connection.setSchema(schema.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private TrinoBatchStream openStream(ResultSet resultSet) throws SQLException {
        ResultSetMetaData metaData = resultSet.getMetaData();
        List<Column> columns = new ArrayList<>();
        List<String> trinoTypes = new ArrayList<>();
        for (int index = 1; index <= metaData.getColumnCount(); index++) {
            String trinoType = metaData.getColumnTypeName(index);
            trinoTypes.add(trinoType);
            columns.add(new Column(metaData.getColumnLabel(index), TrinoTypes.toCanonical(trinoType), true));
        }
        TrinoBatchStream batches = new TrinoBatchStream(new ResultSchema(columns), trinoTypes, resultSet,
                request.allocator(), config.batchRows(), config.batchBytes(), () -> cancelled, () -> lostReason,
                () -> Closing.quietly(resultSet));
        synchronized (lock) {
            stream = batches;
        }
        return batches;
    }

    @Override
    public String engineName() {
        return "trino";
    }

    @Override
    public void cancel() {
        cancelled = true;
        long deadline = System.nanoTime() + CANCEL_RETRY_NANOS;
        do {
            Statement statement;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                statement = jdbcStatement;
            }
            if (statement != null) {
                try {
                    statement.cancel();
                } catch (SQLException e) {
                    return; // the statement finished or closed meanwhile: nothing left to stop
                }
            }
            // The driver can only cancel a query it has submitted; while execute is still submitting it, repeat.
            if (executing) {
                sleepBriefly();
            }
        } while (executing && System.nanoTime() < deadline);
    }

    /** Fails the statement with ENGINE_UNAVAILABLE and {@code reason}: its coordinator is gone. */
    void lose(String reason) {
        if (lostReason != null || cancelled) {
            return;
        }
        lostReason = reason;
        Statement statement;
        synchronized (lock) {
            if (closed) {
                return;
            }
            statement = jdbcStatement;
        }
        if (statement != null) {
            try {
                // Aborts the driver's retry loop; the DELETE it sends cannot reach a dead coordinator, which is fine.
                statement.cancel();
            } catch (SQLException e) {
                // already finished
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        TrinoBatchStream openStream;
        Statement statement;
        io.sluice.core.engine.OutsideWork.Entry record;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            openStream = stream;
            statement = jdbcStatement;
            record = recorded;
        }
        try {
            if (openStream != null) {
                openStream.close();
            }
        } finally {
            // Closing a statement whose result was not read to the end cancels the query on Trino.
            Closing.quietly(statement);
            Closing.quietly(connection);
            if (record != null) {
                record.close(); // the query ended or was cancelled just above: nothing left for a survivor to stop
            }
            onClose.accept(this);
        }
    }
}
