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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The run itself lives on the node that took the request, but each of its statements carries the parent
 * handle and its place in the run as tags, so any other node of a cluster reads the run's state from them
 * ({@link #viewOf}) and cancels it by cancelling the statement that runs.
 */
final class MultiStatementRun {

    enum State { RUNNING, SUCCEEDED, FAILED }

    /** The run as a response needs it, whether this node runs it or reads it from its statements. */
    record View(String handle, State state, Instant createdOn, List<String> childHandles, SnowflakeException failure) {
    }

    static final String PARENT_TAG = "snowflake.parent";
    private static final String PART_TAG = "snowflake.part";
    private static final String PARTS_TAG = "snowflake.parts";
    private static final String LINE_TAG = "snowflake.line";
    private static final String COLUMN_TAG = "snowflake.column";
    private static final String TEXT_TAG = "snowflake.text";
    /**
     * Seen from another node, a run whose last statement ended this long ago without a next one is taken as
     * stopped with its node (the node submits the next statement as soon as one ends).
     */
    private static final Duration ORPHANED_AFTER = Duration.ofMinutes(1);

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

    State state() {
        return done.isDone() ? done.join() : State.RUNNING;
    }

    View view() {
        State state = state();
        return new View(handle, state, createdOn, List.copyOf(childHandles), state == State.FAILED ? failure : null);
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

    /** True once a cancel reached the run while it ran (a later cancel then answers as the first did). */
    boolean wasCancelled() {
        return cancelRequested;
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

    /**
     * Submits the first statement on the caller's thread (so that the run can be found through any node as
     * soon as the request is answered), then runs the rest on a virtual thread. Returns the parent handle the
     * request belongs to: this run's, or, when the first statement's request id was already taken by an
     * earlier run of the same request (retried through another node), that run's, and this one stops.
     */
    String start(StatementService statements) {
        StatementStatus first = submit(statements, 0);
        if (first == null) {
            return handle;
        }
        String parent = first.tag(PARENT_TAG);
        if (parent != null && !parent.equals(handle)) {
            fail(SnowflakeException.failure("100132", "P0000", "Superseded by " + parent, handle));
            return parent;
        }
        Thread.ofVirtual().name("snowflake-multi-" + handle).start(() -> run(statements, first));
        return handle;
    }

    private void run(StatementService statements, StatementStatus first) {
        try {
            StatementStatus submitted = first;
            for (int index = 0; ; ) {
                StatementStatus status = submitted;
                while (!status.isTerminal()) {
                    status = statements.await(owner, submitted.id(), Duration.ofMinutes(1));
                }
                if (status.state() != StatementState.SUCCEEDED) {
                    fail(failedOn(handle, pieces.get(index).sql(), pieces.get(index).line(), pieces.get(index).column(),
                            status.error()));
                    return;
                }
                if (++index == pieces.size()) {
                    break;
                }
                submitted = submit(statements, index);
                if (submitted == null) {
                    return;
                }
            }
            done.complete(State.SUCCEEDED);
        } catch (RuntimeException e) {
            fail(SnowflakeException.failure("100132", "P0000", "Execution of multiple statements failed", handle));
        }
    }

    /** Submits the statement at {@code index}; null when the run ended instead (cancelled, or refused). */
    private StatementStatus submit(StatementService statements, int index) {
        SnowflakeSql.Piece piece = pieces.get(index);
        if (cancelRequested) {
            fail(SnowflakeException.failure(SnowflakeErrors.CANCELLED_CODE, "57014", "SQL execution canceled", handle));
            return null;
        }
        StatementStatus submitted;
        try {
            submitted = statements.submit(owner, requests.apply(piece).withTags(tags(index, piece)));
        } catch (SluiceException e) {
            fail(failedOn(handle, piece.sql(), piece.line(), piece.column(), e.error()));
            return null;
        } catch (SnowflakeException e) {
            fail(failedOn(handle, piece.sql(), piece.line(), piece.column(), e.getMessage()));
            return null;
        } catch (RuntimeException e) {
            fail(SnowflakeException.failure("100132", "P0000", "Execution of multiple statements failed", handle));
            return null;
        }
        currentId = submitted.id();
        childHandles.add(StatementHandles.handleOf(submitted.id()));
        return submitted;
    }

    private Map<String, String> tags(int index, SnowflakeSql.Piece piece) {
        Map<String, String> tags = new HashMap<>();
        tags.put(PARENT_TAG, handle);
        tags.put(PART_TAG, Integer.toString(index));
        tags.put(PARTS_TAG, Integer.toString(pieces.size()));
        tags.put(LINE_TAG, Integer.toString(piece.line()));
        tags.put(COLUMN_TAG, Integer.toString(piece.column()));
        tags.put(TEXT_TAG, shortText(piece.sql()));
        return tags;
    }

    private void fail(SnowflakeException error) {
        failure = error;
        done.complete(State.FAILED);
    }

    // ---- the run as another node sees it --------------------------------------------------------------

    /**
     * The state of a run this node does not hold, read from its statements (the caller's, found by the parent
     * handle tag): running while its last statement runs or more are to come, failed on the first that did
     * not succeed, succeeded when all did. Empty when no statement names the handle.
     */
    static java.util.Optional<View> viewOf(String handle, List<StatementStatus> children, Instant now) {
        List<StatementStatus> ordered = children.stream()
                .sorted(Comparator.comparingInt(child -> Integer.parseInt(child.tags().getOrDefault(PART_TAG, "0"))))
                .toList();
        if (ordered.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> handles = ordered.stream().map(child -> StatementHandles.handleOf(child.id())).toList();
        Instant createdOn = ordered.getFirst().createdAt();
        int parts = Integer.parseInt(ordered.getFirst().tags().getOrDefault(PARTS_TAG, "1"));
        for (StatementStatus child : ordered) {
            if (!child.isTerminal()) {
                return java.util.Optional.of(new View(handle, State.RUNNING, createdOn, handles, null));
            }
            if (child.state() != StatementState.SUCCEEDED) {
                SnowflakeException failure = failedOn(handle, child.tags().getOrDefault(TEXT_TAG, child.sql()),
                        Integer.parseInt(child.tags().getOrDefault(LINE_TAG, "1")),
                        Integer.parseInt(child.tags().getOrDefault(COLUMN_TAG, "1")), child.error());
                return java.util.Optional.of(new View(handle, State.FAILED, createdOn, handles, failure));
            }
        }
        if (ordered.size() >= parts) {
            return java.util.Optional.of(new View(handle, State.SUCCEEDED, createdOn, handles, null));
        }
        Instant lastEnd = ordered.getLast().endedAt();
        if (lastEnd != null && lastEnd.plus(ORPHANED_AFTER).isBefore(now)) {
            return java.util.Optional.of(new View(handle, State.FAILED, createdOn, handles, SnowflakeException.failure(
                    "100132", "P0000", "Execution of multiple statements failed: the node running them stopped", handle)));
        }
        return java.util.Optional.of(new View(handle, State.RUNNING, createdOn, handles, null));
    }

    private static SnowflakeException failedOn(String handle, String sql, int line, int column, SluiceError error) {
        if (error != null && error.code() == io.sluice.core.error.ErrorCode.CANCELLED) {
            return SnowflakeException.failure(SnowflakeErrors.CANCELLED_CODE, "57014", "SQL execution canceled", handle);
        }
        String detail = error == null ? "" : SnowflakeErrors.of(error, handle).getMessage();
        return failedOn(handle, sql, line, column, detail);
    }

    private static SnowflakeException failedOn(String handle, String sql, int line, int column, String detail) {
        return SnowflakeException.failure("100132", "P0000",
                "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \""
                        + shortText(sql) + "\" (at line " + line + ", position " + (column - 1) + ").\n" + detail,
                handle);
    }

    private static String shortText(String sql) {
        return sql.length() > 120 ? sql.substring(0, 120) + "..." : sql;
    }
}
