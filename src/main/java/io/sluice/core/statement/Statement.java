package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.time.Instant;
import org.apache.arrow.vector.VectorSchemaRoot;
import java.util.concurrent.CompletableFuture;

/**
 * The live state of one statement. Transitions are synchronized and only move forward; a cancel can arrive
 * from any thread at any moment (client, timeout, disconnect, shutdown) and always reaches the engine.
 */
final class Statement {

    private final String id;
    private final String ownerId;
    private final StatementRequest request;
    private final Instant createdAt;
    private final CompletableFuture<StatementStatus> completion = new CompletableFuture<>();
    private final boolean streaming;

    private StatementState state;
    private Instant startedAt;
    private Instant endedAt;
    private long rows;
    /** Arrow bytes of the rows the statement produced, for its end line (not kept in its status). */
    private long resultBytes;
    private long updateCount = -1;
    private int pageCount;
    private boolean truncated;
    private boolean reused;
    private String resultId;
    private SluiceError error;
    private SluiceError cancelReason;
    // Dropped when the statement ends: a finished statement stays in the registry for a while, and the engine's
    // statement (its allocator, plan and parameters) must not stay with it.
    private EngineStatement engineStatement;
    private String engineName = "none";

    Statement(String id, Principal owner, StatementRequest request, Instant createdAt, boolean streaming) {
        this.id = id;
        this.streaming = streaming;
        this.ownerId = owner.id();
        this.request = request;
        this.createdAt = createdAt;
        this.state = StatementState.QUEUED;
        this.resultId = id;
    }

    /** A statement known only from its saved status (after a restart); it is always terminal. */
    Statement(StatementStatus saved) {
        this.id = saved.id();
        this.streaming = false;
        this.ownerId = saved.ownerId();
        this.request = new StatementRequest(saved.sql(), io.sluice.core.engine.Parameters.NONE,
                io.sluice.core.engine.SessionContext.DEFAULT, null, 0, saved.requestId(), null, saved.protocol(),
                ClientConnection.UNKNOWN, saved.tags());
        this.createdAt = saved.createdAt();
        this.state = saved.state();
        this.startedAt = saved.startedAt();
        this.endedAt = saved.endedAt();
        this.rows = saved.rows();
        this.updateCount = saved.updateCount();
        this.pageCount = saved.pageCount();
        this.truncated = saved.truncated();
        this.reused = saved.reused();
        this.resultId = saved.resultId();
        this.error = saved.error();
        if (state.isTerminal()) {
            completion.complete(saved);
        }
    }

    String id() {
        return id;
    }

    /** True when the rows go straight to the caller instead of the spool. */
    boolean streaming() {
        return streaming;
    }

    String ownerId() {
        return ownerId;
    }

    StatementRequest request() {
        return request;
    }

    CompletableFuture<StatementStatus> completion() {
        return completion;
    }

    synchronized boolean isCancelRequested() {
        return cancelReason != null;
    }

    synchronized SluiceError cancelReason() {
        return cancelReason;
    }

    synchronized StatementState state() {
        return state;
    }

    synchronized void markRunning(Instant now) {
        if (state == StatementState.QUEUED) {
            state = StatementState.RUNNING;
            startedAt = now;
        }
    }

    /** Remembers the engine statement so a cancel can reach it; cancels at once if one already came. */
    synchronized void attach(EngineStatement statement) {
        this.engineName = statement.engineName();
        if (!state.isTerminal()) {
            this.engineStatement = statement;
        }
        if (cancelReason != null) {
            statement.cancel();
        }
    }

    /** The name of the engine the statement was handed to, "none" before (or without) one. */
    synchronized String engineName() {
        return engineName;
    }

    /** The engine's estimate while the statement runs; unknown before and after. */
    io.sluice.core.engine.QueryProgress progress() {
        EngineStatement running;
        synchronized (this) {
            running = state == StatementState.RUNNING ? engineStatement : null;
        }
        if (running == null) {
            return io.sluice.core.engine.QueryProgress.UNKNOWN;
        }
        try {
            return running.progress();
        } catch (RuntimeException e) {
            return io.sluice.core.engine.QueryProgress.UNKNOWN; // the statement ended meanwhile
        }
    }

    /**
     * Asks the statement to stop. The first reason wins (a timeout stays a timeout even if the client
     * cancels afterwards). Returns false when the statement had already ended.
     */
    boolean requestCancel(SluiceError reason) {
        EngineStatement toCancel;
        synchronized (this) {
            if (state.isTerminal()) {
                return false;
            }
            if (cancelReason == null) {
                cancelReason = reason;
            }
            toCancel = engineStatement;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        return true;
    }

    synchronized void addRows(long count) {
        rows += count;
    }

    /** Counts a batch of {@code count} rows that made up {@code batch}'s Arrow bytes. */
    void addRows(long count, VectorSchemaRoot batch) {
        long bytes = 0;
        for (var vector : batch.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        synchronized (this) {
            rows += count;
            resultBytes += bytes;
        }
    }

    synchronized long resultBytes() {
        return resultBytes;
    }

    synchronized void markTruncated() {
        truncated = true;
    }

    synchronized long rows() {
        return rows;
    }

    /** Ends the statement successfully; returns false if it had already ended. */
    boolean succeed(Instant now, long finalRows, long finalUpdateCount, int pages, boolean wasReused, String result) {
        if (!succeedUnannounced(now, finalRows, finalUpdateCount, pages, wasReused, result)) {
            return false;
        }
        announceEnd();
        return true;
    }

    /**
     * Ends the statement successfully without waking those who await it yet ({@link #announceEnd()} does): in a
     * cluster the end is recorded in the shared store first, or a client told "SUCCEEDED" by this node could ask
     * another node at once and hear "RUNNING".
     */
    boolean succeedUnannounced(Instant now, long finalRows, long finalUpdateCount, int pages, boolean wasReused,
                               String result) {
        synchronized (this) {
            if (state.isTerminal()) {
                return false;
            }
            state = StatementState.SUCCEEDED;
            endedAt = now;
            rows = finalRows;
            updateCount = finalUpdateCount;
            pageCount = pages;
            reused = wasReused;
            resultId = result;
            if (startedAt == null) {
                startedAt = now;
            }
            engineStatement = null;
        }
        return true;
    }

    /** Wakes those who await the end of a statement {@link #succeedUnannounced ended}. */
    void announceEnd() {
        completion.complete(snapshot());
    }

    /** Ends the statement with an error: CANCELLED when the error is a cancellation, FAILED otherwise. */
    boolean fail(Instant now, SluiceError failure) {
        StatementStatus status;
        synchronized (this) {
            if (state.isTerminal()) {
                return false;
            }
            state = failure.code() == ErrorCode.CANCELLED ? StatementState.CANCELLED : StatementState.FAILED;
            endedAt = now;
            error = failure;
            pageCount = 0;
            engineStatement = null;
            status = snapshot();
        }
        completion.complete(status);
        return true;
    }

    synchronized StatementStatus snapshot() {
        return new StatementStatus(id, ownerId, request.protocol(), request.sql(), state, createdAt, startedAt,
                endedAt, rows, updateCount, pageCount, truncated, reused, resultId, request.requestId(), error,
                request.tags());
    }
}
