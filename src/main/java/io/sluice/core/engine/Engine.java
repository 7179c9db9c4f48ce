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

    /**
     * Prepares {@code sql} to be run many times (see {@link ReusableStatement}); empty when the engine does not
     * keep prepared statements, and callers then {@link #open} each run.
     */
    default java.util.Optional<ReusableStatement> prepare(String sql, SessionContext session) {
        return java.util.Optional.empty();
    }

    /**
     * Resolves a table or view name (1 to 3 parts, as written, unquoted) to its lower-case
     * {@code catalog.schema.table}; empty when no such table or view exists.
     */
    default java.util.Optional<String> resolveTable(java.util.List<String> nameParts) {
        return java.util.Optional.empty();
    }

    /** Resolves a schema name (1 or 2 parts) to its lower-case {@code catalog.schema}; empty when unknown. */
    default java.util.Optional<String> resolveSchema(java.util.List<String> nameParts) {
        return java.util.Optional.empty();
    }

    /**
     * The catalogs this engine serves (lower-case), so that a router can send a statement to the right engine
     * and name an unknown catalog clearly; empty when the engine cannot tell.
     */
    default java.util.Optional<java.util.Set<String>> catalogs() {
        return java.util.Optional.empty();
    }

    /**
     * True when the data this engine reads lives on this node alone (an embedded database): another node of a
     * cluster may hold different rows under the same names, so its results must never answer there. False for an
     * engine every node reaches alike (Trino).
     */
    default boolean nodeLocal() {
        return false;
    }

    /**
     * The engine {@code sql} would run on: itself, or for a router the engine that serves the statement's catalog.
     *
     * @throws io.sluice.core.error.SluiceException SQL_CATALOG_ERROR when no one engine can run it
     */
    default Engine engineFor(String sql, SessionContext session) {
        return this;
    }

    /** The engines behind this one, each checked on its own for readiness; an engine on its own is just itself. */
    default java.util.List<Engine> components() {
        return java.util.List.of(this);
    }

    /**
     * {@code error} as it may be shown to a principal that does not see every object: whatever the engine's message
     * tells of an object that {@code visible} refuses (a name as the message writes it, in parts) is removed, or the
     * message is rewritten as {@link io.sluice.core.error.HiddenObjects} words it. A pure function of its arguments, so
     * it runs wherever the error arrives. The default keeps the error: for engines whose messages name no objects.
     */
    default io.sluice.core.error.SluiceError withoutHiddenObjects(io.sluice.core.error.SluiceError error,
            java.util.function.Predicate<java.util.List<String>> visible) {
        return error;
    }

    /** True when the engine can take statements (for readiness checks). */
    boolean healthy();

    /**
     * UP when the engine can take statements, otherwise why not: DOWN, or RESTARTING / STARTING for an engine whose
     * process is being replaced (statements wait for it). For readiness, which reports it per engine.
     */
    default String status() {
        return healthy() ? "UP" : "DOWN";
    }

    @Override
    void close();
}
