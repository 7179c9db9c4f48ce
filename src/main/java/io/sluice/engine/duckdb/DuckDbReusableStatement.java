package io.sluice.engine.duckdb;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.io.Closing;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * A statement text kept prepared on a connection of its own between runs. Each run is a {@link DuckDbStatement}
 * like any other (parameters, errors, cancel, Arrow results), except that it borrows the connection and the
 * prepared statement instead of making and closing its own. A run that fails or is cancelled takes both with
 * it, so the next run starts clean.
 */
final class DuckDbReusableStatement implements ReusableStatement {

    private final DuckDbEngine engine;
    private final String sql;
    private final SessionContext session;
    /** Held from a run's open until its close; a semaphore, since a run may be closed on another thread. */
    private final Semaphore turn = new Semaphore(1);
    private volatile boolean closed;
    // Guarded by turn:
    private DuckDBConnection connection;
    private String preparedSql;
    private DuckDBPreparedStatement prepared;

    DuckDbReusableStatement(DuckDbEngine engine, String sql, SessionContext session) {
        this.engine = engine;
        this.sql = Objects.requireNonNull(sql, "sql");
        this.session = Objects.requireNonNull(session, "session");
    }

    @Override
    public EngineStatement open(Parameters parameters, BufferAllocator allocator) {
        turn.acquireUninterruptibly();
        try {
            if (closed) {
                throw DuckDbEngine.unavailable(null);
            }
            if (connection == null) {
                connection = engine.newConnection();
            }
            return engine.openRun(new EngineRequest(sql, parameters, session, allocator), connection, this);
        } catch (RuntimeException e) {
            turn.release();
            throw e;
        }
    }

    /** The prepared statement for the SQL a run executes: the one kept from the last run when the text is the same. */
    DuckDBPreparedStatement prepared(String executedSql) throws SQLException {
        if (prepared == null || !executedSql.equals(preparedSql)) {
            discard(false);
            prepared = connection.prepareStatement(executedSql).unwrap(DuckDBPreparedStatement.class);
            preparedSql = executedSql;
        }
        return prepared;
    }

    /** A run closed: the next may start; one that failed or was cancelled does not leave its connection behind. */
    void finished(boolean clean) {
        try {
            if (!clean || closed) {
                discard(true);
            }
        } finally {
            turn.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        turn.acquireUninterruptibly();
        try {
            discard(true);
        } finally {
            turn.release();
            engine.forget(this);
        }
    }

    private void discard(boolean withConnection) {
        Closing.quietly(prepared);
        prepared = null;
        preparedSql = null;
        if (withConnection) {
            Closing.quietly(connection);
            connection = null;
        }
    }
}
