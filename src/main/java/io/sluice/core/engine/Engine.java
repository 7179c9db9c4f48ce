package io.sluice.core.engine;

/**
 * An engine that runs SQL: the embedded DuckDB by default, others (Trino) behind the same contract.
 * Knows nothing of HTTP, protocols or principals beyond the names in the session context.
 * Implementations are thread-safe: many statements run at once.
 */
public interface Engine extends AutoCloseable {

    String name();

    /**
     * Prepares to run one statement. Cheap and non-blocking beyond allocating a connection; the work
     * starts with {@link EngineStatement#execute()}.
     *
     * @throws io.sluice.core.error.SluiceException ENGINE_UNAVAILABLE when the engine cannot take work
     */
    EngineStatement open(EngineRequest request);

    /** True when the engine can take statements (for readiness checks). */
    boolean healthy();

    @Override
    void close();
}
