package io.sluice.engine.process;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.QueryProgress;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One statement running in the engine process. It holds one connection while it runs: the OPEN (or RUN of a kept
 * statement) travels with its first question, the result streams back on the same connection, and a clean end
 * hands the connection on. Cancel and progress go on connections of their own, since this one may be busy.
 *
 * <p>The supervisor watches it: {@link #ignoresCancel} is true while a thread still waits for the engine longer
 * than the grace after a cancel, and then the engine is killed, which ends the wait.
 */
final class RemoteStatement implements EngineStatement {

    private static final AtomicLong IDS = new AtomicLong();

    /** Where the statement's connection comes from and goes back to: the shared pool, or a kept statement's own. */
    interface Lease {
        HostConnection take();

        /** Writes the OPEN or RUN command that makes the statement exist in the engine (not flushed). */
        void announce(DataOutputStream out, long id) throws IOException;

        /** The statement is done with the connection; {@code reusable} false when it is mid-result and must be dropped. */
        void release(HostConnection connection, boolean reusable);
    }

    private final EngineSupervisor supervisor;
    private final EngineRequest request;
    private final Lease lease;
    private final long id = IDS.incrementAndGet();
    private final Object lock = new Object();
    private HostConnection connection;
    private RemoteBatchStream rows;
    private volatile long generation = -1;
    private volatile boolean cancelled;
    private volatile long cancelledAtNanos;
    /** When a thread started waiting for the engine's answer; 0 while nobody waits. */
    private volatile long waitingSinceNanos;
    private boolean closed;
    /** The engine closed the statement itself (after a count, or after a result's trailer): no CLOSE to send. */
    private volatile boolean hostClosed;
    /** What the engine said the statement touches when it declined an EXECUTE_IF. */
    private volatile AccessedTables toldAccess;

    RemoteStatement(EngineSupervisor supervisor, EngineRequest request, Lease lease) {
        this.supervisor = supervisor;
        this.request = request;
        this.lease = lease;
    }

    @Override
    public AccessedTables accessedTables() {
        AccessedTables told = toldAccess;
        if (told != null) {
            return told;
        }
        HostConnection engine = connect();
        try {
            engine.out().writeByte(Wire.ANALYZE);
            engine.out().flush();
            byte reply = await(engine, Wire.ACCESS, Wire.UNSUPPORTED, Wire.ERROR);
            try {
                return switch (reply) {
                    case Wire.ACCESS -> Wire.readAccess(engine.in());
                    case Wire.UNSUPPORTED -> throw new UnsupportedOperationException("the engine cannot tell what this statement touches");
                    default -> throw new SluiceException(Wire.readError(engine.in()));
                };
            } finally {
                waitingSinceNanos = 0;
            }
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public EngineResult execute() {
        return run(null);
    }

    /**
     * One round trip: the engine analyses the statement, and runs it only if it touches what the server approved;
     * otherwise it answers what it touches, which {@link #accessedTables()} then returns without asking again.
     */
    @Override
    public EngineResult executeIfAccessing(AccessedTables approved) {
        return run(approved);
    }

    /** EXECUTE, or EXECUTE_IF with {@code approved} when it is not null; null when the engine refused to run it. */
    private EngineResult run(AccessedTables approved) {
        if (cancelled) {
            throw cancelledError();
        }
        HostConnection engine = connect();
        try {
            if (approved == null) {
                engine.out().writeByte(Wire.EXECUTE);
            } else {
                engine.out().writeByte(Wire.EXECUTE_IF);
                Wire.writeAccess(engine.out(), approved);
            }
            engine.out().flush();
            byte reply = await(engine, Wire.ROWS, Wire.COUNT, Wire.ERROR, Wire.ACCESS, Wire.UNSUPPORTED);
            try {
                switch (reply) {
                    case Wire.COUNT -> {
                        long count = engine.in().readLong();
                        hostClosed = true;
                        return new EngineResult.UpdateCount(count, engine.in().readBoolean());
                    }
                    case Wire.ROWS -> {
                        boolean modifies = engine.in().readBoolean();
                        RemoteBatchStream stream = new RemoteBatchStream(this, engine, Wire.readSchema(engine.in()),
                                request.allocator());
                        synchronized (lock) {
                            rows = stream;
                        }
                        return new EngineResult.Rows(stream, modifies);
                    }
                    case Wire.ACCESS -> {
                        toldAccess = Wire.readAccess(engine.in());
                        return null;
                    }
                    case Wire.UNSUPPORTED -> throw new UnsupportedOperationException("the engine cannot tell what this statement touches");
                    default -> throw new SluiceException(Wire.readError(engine.in()));
                }
            } finally {
                waitingSinceNanos = 0;
            }
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** The connection, taken and the statement announced on first use. */
    private HostConnection connect() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the statement is closed");
            }
            if (connection != null) {
                return connection;
            }
        }
        HostConnection taken = lease.take();
        try {
            lease.announce(taken.out(), id);
        } catch (IOException e) {
            lease.release(taken, false);
            throw supervisor.lost(taken.generation(), e);
        }
        synchronized (lock) {
            connection = taken;
            generation = taken.generation();
        }
        supervisor.running(this);
        if (cancelled) {
            supervisor.cancel(generation, id);
        }
        return taken;
    }

    /** Reads the first byte of the engine's answer, marked as waiting for the supervisor's cancel-grace watch. */
    byte await(HostConnection engine, byte... expected) throws IOException {
        waitingSinceNanos = System.nanoTime();
        return engine.reply(expected);
    }

    void waiting(boolean waiting) {
        waitingSinceNanos = waiting ? System.nanoTime() : 0;
    }

    /** A broken connection: the engine died (ENGINE_RESTARTED) or the statement was cancelled meanwhile. */
    SluiceException broken(IOException e) {
        waitingSinceNanos = 0;
        SluiceException lost = supervisor.lost(generation, e);
        if (lost.error().code() != ErrorCode.ENGINE_RESTARTED && cancelled) {
            return cancelledError();
        }
        return lost;
    }

    private static SluiceException cancelledError() {
        return new SluiceException(ErrorCode.CANCELLED, "The statement was cancelled");
    }

    boolean ignoresCancel(long nowNanos, long graceNanos) {
        long since = waitingSinceNanos;
        return cancelled && since != 0 && nowNanos - Math.max(since, cancelledAtNanos) > graceNanos;
    }

    long generation() {
        return generation;
    }

    /** The statement's id in the engine process. */
    long id() {
        return id;
    }

    /** For the engine's crash log: the statement and whose it is. */
    String describe() {
        String user = request.session().user();
        return "engine statement " + id + (user == null ? "" : " of " + user);
    }

    @Override
    public QueryProgress progress() {
        long running = generation;
        if (running < 0 || closed) {
            return QueryProgress.UNKNOWN;
        }
        try (HostConnection side = supervisor.sideConnection(running)) {
            if (side == null) {
                return QueryProgress.UNKNOWN;
            }
            side.out().writeByte(Wire.PROGRESS);
            side.out().writeLong(id);
            side.out().flush();
            side.reply(Wire.VALUE);
            return Wire.readProgress(side.in());
        } catch (IOException e) {
            return QueryProgress.UNKNOWN;
        }
    }

    @Override
    public String engineName() {
        return "duckdb";
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelledAtNanos = System.nanoTime();
        cancelled = true;
        long running = generation;
        if (running >= 0) {
            supervisor.cancel(running, id);
        }
    }

    @Override
    public void close() {
        HostConnection held;
        RemoteBatchStream open;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            held = connection;
            open = rows;
            connection = null;
            rows = null;
        }
        if (held == null) {
            return;
        }
        supervisor.done(this);
        boolean reusable = open == null || open.ended();
        if (open != null) {
            if (!reusable) {
                // Mid-result: the engine must stop producing, and the connection, with rows still in it, is dropped
                // first, so a reader blocked on it wakes up before its batches are freed.
                supervisor.cancel(generation, id);
                lease.release(held, false);
            }
            open.release();
            if (!reusable) {
                return;
            }
        }
        // A result read to its trailer, or a count, was closed by the engine itself; anything else (an error, a
        // statement refused before it ran) is closed here.
        if (open == null && !hostClosed) {
            try {
                held.out().writeByte(Wire.CLOSE);
                held.out().flush();
            } catch (IOException e) {
                reusable = false;
            }
        }
        lease.release(held, reusable);
    }
}
