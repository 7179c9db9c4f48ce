package io.sluice.core.streams;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One reader of a stream or table's change feed (a push query, or a persistent query's input). Rows arrive
 * in sequence order through a bounded buffer; a reader that falls more than the buffer behind is cut off
 * with an error instead of growing memory. A reader starting from the earliest row first replays what is
 * stored, on its own thread, then joins the live feed without gaps or duplicates.
 *
 * <p>One consumer thread calls {@link #poll}; {@link #end} and {@link #close} may come from any thread.
 */
public final class Subscription implements AutoCloseable {

    private static final ChangeRow WAKE = new ChangeRow(-1, List.of(), false);

    private final String id;
    private final String statement;
    private final SourceFeed feed;
    private final LinkedBlockingQueue<ChangeRow> buffer;
    private final ArrayDeque<ChangeRow> replayed = new ArrayDeque<>();
    private final Runnable onClose;
    /** Told whenever rows arrive or the subscription ends, for readers that do not block on {@link #poll}. */
    private volatile Runnable onAvailable = () -> { };
    /** Sequence of the last row this reader has been given (or will be given from the buffer). Guarded by the feed's lock. */
    long position;
    volatile boolean live;
    private volatile SluiceError failure;
    private volatile String endMessage;
    private volatile boolean closed;

    Subscription(String id, String statement, SourceFeed feed, int capacity, long position, boolean live, Runnable onClose) {
        this.id = id;
        this.statement = statement;
        this.feed = feed;
        this.buffer = new LinkedBlockingQueue<>(capacity);
        this.position = position;
        this.live = live;
        this.onClose = onClose;
    }

    public String id() {
        return id;
    }

    public String statement() {
        return statement;
    }

    public SourceDefinition source() {
        return feed.definition();
    }

    /**
     * The next change, waiting up to {@code timeout}; null when none came in time or the subscription
     * ended (then {@link #isEnded()} is true and {@link #failure()} or {@link #endMessage()} says why).
     */
    public ChangeRow poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (isEnded()) {
            return null;
        }
        if (replayed.isEmpty() && !live) {
            replayed.addAll(feed.replay(this));
        }
        if (!replayed.isEmpty()) {
            return replayed.poll();
        }
        ChangeRow row = buffer.poll(timeout, unit);
        while (row == WAKE) {
            row = isEnded() ? null : buffer.poll(timeout, unit);
        }
        return isEnded() ? null : row;
    }

    /**
     * For non-blocking readers: {@code listener} runs (on the writer's thread, so it must only hand work off)
     * whenever new rows are buffered or the subscription ends; the reader then takes them with {@link #next}.
     */
    public void onAvailable(Runnable listener) {
        this.onAvailable = java.util.Objects.requireNonNull(listener, "listener");
        listener.run();
    }

    /**
     * The next change without waiting, or null when none is buffered (or the subscription ended). A reader
     * starting from the earliest row reads the stored rows here, on the caller's thread.
     */
    public ChangeRow next() {
        if (isEnded()) {
            return null;
        }
        if (replayed.isEmpty() && !live) {
            replayed.addAll(feed.replay(this));
        }
        if (!replayed.isEmpty()) {
            return replayed.poll();
        }
        ChangeRow row = buffer.poll();
        while (row == WAKE) {
            row = buffer.poll();
        }
        return isEnded() ? null : row;
    }

    /** True when a non-blocking reader has more to take: buffered rows, or stored rows still to replay. */
    public boolean hasNext() {
        return !isEnded() && (!live || !replayed.isEmpty() || !buffer.isEmpty());
    }

    /** Rows already waiting, without blocking (for readers that work in batches). */
    public void drainTo(java.util.Collection<ChangeRow> target, int max) {
        if (isEnded()) {
            return;
        }
        while (!replayed.isEmpty() && max-- > 0) {
            target.add(replayed.poll());
        }
        buffer.drainTo(target, Math.max(0, max));
        target.removeIf(row -> row == WAKE);
    }

    public boolean isEnded() {
        return failure != null || endMessage != null || closed;
    }

    public SluiceError failure() {
        return failure;
    }

    public String endMessage() {
        return endMessage;
    }

    public int buffered() {
        return buffer.size();
    }

    /** Ends the subscription normally (a close-query, the server shutting down); the reader sees {@code message}. */
    public void end(String message) {
        if (endMessage == null) {
            endMessage = message;
        }
        buffer.offer(WAKE);
        feed.unsubscribe(this);
        onAvailable.run();
    }

    void fail(SluiceError error) {
        if (failure == null) {
            failure = error;
        }
        buffer.clear();
        buffer.offer(WAKE);
        feed.unsubscribe(this);
        onAvailable.run();
    }

    /** Called by the feed with its lock held. */
    void deliver(ChangeRow row) {
        if (!buffer.offer(row)) {
            fail(SluiceError.of(ErrorCode.BUSY, "The query was cut off: its reader fell more than "
                    + (buffer.size() + buffer.remainingCapacity()) + " rows behind"));
        }
    }

    /** Called by the feed once per write, so a non-blocking reader is woken once, not per row. */
    void delivered() {
        onAvailable.run();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffer.clear();
        buffer.offer(WAKE);
        feed.unsubscribe(this);
        onClose.run();
        onAvailable.run();
    }
}
