package io.sluice.core.engine;

/**
 * One statement on an engine. {@link #execute()} runs on the caller's thread; {@link #cancel()} may be
 * called from any thread at any time (before, during or after execute) and makes the engine stop the
 * work within a second, after which execute or the result stream fail with CANCELLED.
 */
public interface EngineStatement extends AutoCloseable {

    /**
     * Runs the statement and returns once its result can be read (for a query: the first batch may be
     * pending; for DML/DDL: the statement is complete).
     *
     * @throws io.sluice.core.error.SluiceException for SQL errors (with SQLSTATE and position where known),
     *     parameter errors, CANCELLED after cancel()
     */
    EngineResult execute();

    /**
     * Learns from the engine, without running the statement, which tables it reads and writes, resolved the
     * way the engine will resolve them when it runs (same connection, session and parameters). Called before
     * {@link #execute()} to enforce grants.
     *
     * @throws UnsupportedOperationException when the engine cannot tell (callers then refuse non-admins)
     * @throws io.sluice.core.error.SluiceException for SQL errors found while planning
     */
    default AccessedTables accessedTables() {
        throw new UnsupportedOperationException("this engine cannot tell which tables a statement touches");
    }

    /**
     * Runs the statement only if it touches exactly {@code approved} (tables read and written, table functions), as
     * {@link #accessedTables()} would say; otherwise runs nothing and returns null, and {@link #accessedTables()} then
     * tells what it does touch. Callers that already know what a statement text touches (from an earlier run of the
     * same text) use it to check grants and run in one step: an engine in another process answers both in one round
     * trip, and a stale guess can only cost the second step, never run something unchecked.
     *
     * @throws UnsupportedOperationException when the engine cannot tell what the statement touches
     * @throws io.sluice.core.error.SluiceException as {@link #execute()} and {@link #accessedTables()} do
     */
    default EngineResult executeIfAccessing(AccessedTables approved) {
        return accessedTables().equals(approved) ? execute() : null;
    }

    /**
     * How far the statement is while it runs; may be called from any thread at any time and must be cheap (admin
     * listings ask it of every running statement). Engines without an estimate keep the default.
     */
    default QueryProgress progress() {
        return QueryProgress.UNKNOWN;
    }

    /** The engine that runs this statement, as its {@link Engine#name()} (for metrics by engine). */
    default String engineName() {
        return "unknown";
    }

    /** Idempotent and thread-safe. */
    void cancel();

    /** Releases the connection; closes a result stream still open. Idempotent. */
    @Override
    void close();
}
