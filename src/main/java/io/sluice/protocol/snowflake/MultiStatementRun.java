package io.sluice.protocol.snowflake;

import io.sluice.core.auth.Principal;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A multi-statement request: its statements run one after the other as ordinary Sluice statements (each with
 * its own handle); the first failure stops the rest, and statements before it stay executed, as Snowflake's
 * multi-statement driver does. The parent handle is what the request answers with.
 */
final class MultiStatementRun {

    enum State { RUNNING, SUCCEEDED, FAILED }

    private final String handle;
    private final Principal owner;
    private final List<SnowflakeSql.Piece> pieces;
    private final Function<SnowflakeSql.Piece, StatementRequest> requests;
    private final Instant createdOn;
    private final List<String> childHandles = new CopyOnWriteArrayList<>();
    private final CompletableFuture<State> done = new CompletableFuture<>();
    private volatile SnowflakeException failure;
    private volatile String currentId;
    private volatile boolean cancelRequested;

    MultiStatementRun(String handle, Principal owner, List<SnowflakeSql.Piece> pieces,
                      Function<SnowflakeSql.Piece, StatementRequest> requests, Instant createdOn) {
        this.handle = handle;
        this.owner = owner;
        this.pieces = List.copyOf(pieces);
        this.requests = requests;
        this.createdOn = createdOn;
    }

    String handle() {
        return handle;
    }

    Principal owner() {
        return owner;
    }

    Instant createdOn() {
        return createdOn;
    }

    List<String> childHandles() {
        return List.copyOf(childHandles);
    }

    SnowflakeException failure() {
        return failure;
    }

    State state() {
        return done.isDone() ? done.join() : State.RUNNING;
    }

    /** Waits up to {@code wait} for the run to end; returns its state either way. */
    State await(Duration wait) {
        if (wait.isZero()) {
            return state();
        }
        try {
            return done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return state();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return state();
        }
    }

    /** Stops the statement that runs and every one after it; false when the run had already ended. */
    boolean cancel(StatementService statements) {
        if (done.isDone()) {
            return false;
        }
        cancelRequested = true;
        String running = currentId;
        if (running != null) {
            try {
                statements.cancel(owner, running);
            } catch (SluiceException ignored) {
                // it ended meanwhile
            }
        }
        await(Duration.ofSeconds(5));
        return true;
    }

    void run(StatementService statements) {
        try {
            for (SnowflakeSql.Piece piece : pieces) {
                if (cancelRequested) {
                    fail(SnowflakeException.failure(SnowflakeErrors.CANCELLED_CODE, "57014", "SQL execution canceled",
                            handle));
                    return;
                }
                StatementStatus submitted;
                try {
                    submitted = statements.submit(owner, requests.apply(piece));
                } catch (SluiceException e) {
                    fail(failedOn(piece, e.error()));
                    return;
                } catch (SnowflakeException e) {
                    fail(failedOn(piece, e.getMessage()));
                    return;
                }
                currentId = submitted.id();
                childHandles.add(StatementHandles.handleOf(submitted.id()));
                StatementStatus status = submitted;
                while (!status.isTerminal()) {
                    status = statements.await(owner, submitted.id(), Duration.ofMinutes(1));
                }
                if (status.state() != StatementState.SUCCEEDED) {
                    fail(failedOn(piece, status.error()));
                    return;
                }
            }
            done.complete(State.SUCCEEDED);
        } catch (RuntimeException e) {
            fail(SnowflakeException.failure("100132", "P0000", "Execution of multiple statements failed", handle));
        }
    }

    private void fail(SnowflakeException error) {
        failure = error;
        done.complete(State.FAILED);
    }

    private SnowflakeException failedOn(SnowflakeSql.Piece piece, SluiceError error) {
        if (error != null && error.code() == io.sluice.core.error.ErrorCode.CANCELLED) {
            return SnowflakeException.failure(SnowflakeErrors.CANCELLED_CODE, "57014", "SQL execution canceled", handle);
        }
        String detail = error == null ? "" : SnowflakeErrors.of(error, handle).getMessage();
        return failedOn(piece, detail);
    }

    private SnowflakeException failedOn(SnowflakeSql.Piece piece, String detail) {
        String text = piece.sql().length() > 120 ? piece.sql().substring(0, 120) + "..." : piece.sql();
        return SnowflakeException.failure("100132", "P0000",
                "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \""
                        + text + "\" (at line " + piece.line() + ", position " + (piece.column() - 1) + ").\n" + detail,
                handle);
    }
}
