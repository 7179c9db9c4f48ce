package io.sluice.protocol.ksql;

import io.sluice.core.error.SluiceError;
import io.sluice.core.streams.ChangeRow;
import io.sluice.core.streams.Subscription;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push query's response, written without holding a thread while it waits. The stream's feed wakes the
 * session when rows arrive ({@link Subscription#onAvailable}); a small shared pool then encodes what is
 * buffered and writes it with the servlet's non-blocking output, and when the socket cannot take more the
 * container calls back ({@link WriteListener#onWritePossible}). Rows the client cannot take yet wait in the
 * subscription's bounded buffer, which cuts the query off with an error when it overflows — so a slow
 * reader costs a bounded amount of memory and no thread.
 *
 * <p>Each row is written and flushed on its own, as ksqlDB does: one HTTP/1.1 chunk or one HTTP/2 DATA frame
 * per row. Clients rely on it: npm {@code ksqldb-client} parses every chunk it receives as one JSON value, so
 * two rows in one frame fail its parser and lose every row after the first.
 */
final class PushSession implements WriteListener, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PushSession.class);

    private final Subscription subscription;
    private final QueryPlan plan;
    private final ServletOutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final RowWriter writer;
    private final SharedRowEncoding encoding;
    private final Executor executor;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final long limit;
    private final java.util.function.BooleanSupplier connectionClosed;
    private long sent;
    private boolean needsFlush;
    private boolean finishing;
    /** The LIMIT was reached with the last row: the end goes out as a write of its own after it. */
    private boolean limitReached;
    private volatile boolean idleDue;
    private volatile boolean wroteSinceTick;

    /**
     * {@code writerFactory} builds the layout's writer over the session's pending bytes; {@code connectionClosed}
     * says, at each tick, whether the client's connection is gone although no failure was reported for the request.
     */
    PushSession(Subscription subscription, QueryPlan plan, ServletOutputStream out, Executor executor,
                java.util.function.Function<java.io.OutputStream, RowWriter> writerFactory, SharedRowEncoding.Registry encodings,
                java.util.function.BooleanSupplier connectionClosed) {
        this.connectionClosed = connectionClosed;
        this.subscription = subscription;
        this.plan = plan;
        this.out = out;
        this.executor = executor;
        this.writer = writerFactory.apply(pending);
        this.encoding = encodings.forShape(SharedRowEncoding.Shape.of(writer, plan));
        this.limit = plan.select().limit();
    }

    /** Writes the header and starts delivering; the future completes when the response is over. */
    CompletableFuture<Void> start() throws IOException {
        writer.header(subscription.id(), plan);
        if (limit == 0) {
            writer.finish("Limit Reached");
            finishing = true;
        }
        needsFlush = true;
        out.setWriteListener(this);
        subscription.onAvailable(this::schedule);
        return done;
    }

    /**
     * Called every idle interval: over HTTP/1.1 a newline is the only way to notice a client that left. A
     * session that wrote rows since the last tick has just been checked by that write and is left alone.
     */
    void tick() {
        if (connectionClosed.getAsBoolean()) {
            LOG.debug("push query {} ends: its client closed the connection", subscription.id());
            clientGone();
            return;
        }
        if (wroteSinceTick) {
            wroteSinceTick = false;
            return;
        }
        idleDue = true;
        schedule();
    }

    boolean isDone() {
        return done.isDone();
    }

    void schedule() {
        if (!done.isDone() && scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The server has stopped: nothing will be written any more.
                end();
            }
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        try {
            drain();
        } catch (IOException | RuntimeException e) {
            LOG.debug("push query {} ended by a write failure", subscription.id(), e);
            end();
        }
    }

    @Override
    public void onWritePossible() {
        schedule();
    }

    @Override
    public void onError(Throwable failure) {
        LOG.debug("push query {} client went away", subscription.id(), failure);
        end();
    }

    /** The client reset the stream or dropped the connection: end without writing anything more. */
    void clientGone() {
        end();
    }

    private void end() {
        subscription.close();
        done.complete(null);
    }

    /** Writes while the socket takes bytes; returns when it does not (onWritePossible follows) or nothing is left. */
    private synchronized void drain() throws IOException {
        while (!done.isDone()) {
            if (!out.isReady()) {
                return;
            }
            if (pending.size() > 0) {
                out.write(pending.toByteArray());
                pending.reset();
                needsFlush = true;
                wroteSinceTick = true;
                continue;
            }
            if (needsFlush) {
                needsFlush = false;
                out.flush();
                continue;
            }
            if (finishing) {
                end();
                return;
            }
            if (!produce()) {
                return;
            }
        }
    }

    /**
     * Encodes the next row (or the end, or an idle keep-alive) into pending bytes, one at a time so that each
     * is written and flushed on its own; false when there was nothing to encode.
     */
    private boolean produce() throws IOException {
        if (limitReached) {
            writer.finish("Limit Reached");
            finishing = true;
            return true;
        }
        while (true) {
            ChangeRow row = subscription.next();
            if (row == null) {
                if (subscription.isEnded()) {
                    SluiceError failure = subscription.failure();
                    if (failure != null) {
                        writer.error(KsqlError.of(failure));
                    } else {
                        writer.finish(subscription.endMessage() == null ? "Query Completed" : subscription.endMessage());
                    }
                    finishing = true;
                    return true;
                }
                if (idleDue) {
                    idleDue = false;
                    writer.idle();
                    return pending.size() > 0;
                }
                return false;
            }
            idleDue = false;
            if (!row.tombstone() && plan.select().where() != null && !plan.select().where().test(plan.source(), row.values())) {
                continue;
            }
            pending.write(encoding.encode(row, () -> writer.rowBytes(plan.project(row.values()), row.tombstone() && plan.table())));
            sent++;
            limitReached = limit > 0 && sent >= limit;
            return true;
        }
    }
}
