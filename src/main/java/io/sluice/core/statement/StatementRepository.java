package io.sluice.core.statement;

import io.sluice.core.error.SluiceError;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where statement statuses are kept. On one node that is an append-only log under the data dir
 * ({@link #local}); in a cluster it is a database every node shares ({@link #shared()} true), which also
 * carries idempotency keys and cancel requests between nodes.
 *
 * <p>A status that is terminal in the repository never changes again: {@link #save} of any status over a
 * terminal one is ignored, so a node that comes back after its statements were failed for it cannot turn
 * them into successes. A status's tags are written with its first save and never change. Implementations throw {@link io.sluice.core.error.SluiceException} with
 * STORAGE_UNAVAILABLE when they cannot be reached.
 */
public interface StatementRepository extends AutoCloseable {

    /** The single-node repository: an append-only log of statuses in {@code directory} ({@link StatementLog}). */
    static StatementRepository local(java.nio.file.Path directory) {
        return new StatementLog(directory);
    }

    /** Writes a status unless the stored one is already terminal; false when it was. */
    boolean save(StatementStatus status);

    /**
     * Saves a status; {@code sync} false lets a local store skip its fsync (a small result's end: a killed server keeps
     * the file, and a machine crash that loses it loses the result too, which recovery reports). Shared stores ignore it.
     */
    default boolean save(StatementStatus status, boolean sync) {
        return save(status);
    }

    /** Every stored status (single-node recovery at start). */
    List<StatementStatus> loadAll();

    void delete(String id);

    /** True when other nodes read and write the same statements. */
    default boolean shared() {
        return false;
    }

    // ---- cluster: only called when shared() -------------------------------------------------------------

    default Optional<StatementStatus> find(String id) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /**
     * Rows so far and the engine's progress of statements this node runs, refreshed every second, so any node shows
     * how far they are. Only statements still QUEUED or RUNNING in the repository are touched.
     */
    default void recordProgress(Map<String, Progress> running) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** The progress last recorded for a statement another node runs; UNKNOWN when none was. */
    default io.sluice.core.engine.QueryProgress progress(String id) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** What {@link #recordProgress} keeps of one running statement. */
    record Progress(long rows, io.sluice.core.engine.QueryProgress engine) {
    }

    /** A principal's statements (every principal's with a null owner), newest first. */
    default List<StatementStatus> list(String ownerId, int limit) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /**
     * The statements still QUEUED or RUNNING, on any node, that carry the tag {@code name=value}: a principal's
     * (every principal's with a null owner). This is how a protocol's own query id reaches a statement another
     * node runs (a Druid cancel by sqlQueryId).
     */
    default List<StatementStatus> findActiveByTag(String ownerId, String name, String value) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /**
     * Every statement, in any state, that carries the tag {@code name=value}: a principal's (every principal's
     * with a null owner), oldest first. How a protocol finds the statements one of its own handles groups
     * (the statements of a Snowflake multi-statement request).
     */
    default List<StatementStatus> findByTag(String ownerId, String name, String value) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** A principal's statements submitted through one protocol, newest first. */
    default List<StatementStatus> list(String ownerId, String protocol, int limit) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /**
     * Binds a principal's request id to a statement id unless it is bound already, atomically across nodes;
     * returns the statement id it is bound to (the given one when this call bound it).
     */
    default String claimRequestId(String ownerId, String requestId, String statementId) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** Undoes {@link #claimRequestId} for a statement that could not be started. */
    default void releaseRequestId(String ownerId, String requestId, String statementId) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** Asks the node that runs a statement to cancel it (the first reason wins). */
    default void requestCancel(String id, SluiceError reason) {
        throw new UnsupportedOperationException("not a shared repository");
    }

    /** Cancels other nodes asked for statements this node runs (still QUEUED or RUNNING). */
    default List<CancelRequest> cancelRequests() {
        throw new UnsupportedOperationException("not a shared repository");
    }

    @Override
    default void close() {
    }

    /** A cancel asked for through another node. */
    record CancelRequest(String statementId, SluiceError reason) {
    }
}
