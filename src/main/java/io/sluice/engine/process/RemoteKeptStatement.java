package io.sluice.engine.process;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A statement the engine process keeps prepared on a connection of its own (the streams' inserts run one at a very
 * high rate). Runs take turns on that connection. After an engine restart the next run prepares it again on the
 * new engine, so a kept statement outlives the engine it was first prepared on.
 */
final class RemoteKeptStatement implements ReusableStatement {

    private static final AtomicLong IDS = new AtomicLong();

    private final EngineSupervisor supervisor;
    private final String sql;
    private final SessionContext session;
    private final long keptId = IDS.incrementAndGet();
    private final Semaphore turn = new Semaphore(1);
    private HostConnection connection;
    private volatile boolean closed;

    RemoteKeptStatement(EngineSupervisor supervisor, String sql, SessionContext session) {
        this.supervisor = supervisor;
        this.sql = sql;
        this.session = session;
    }

    @Override
    public EngineStatement open(Parameters parameters, BufferAllocator allocator) {
        if (closed) {
            throw new IllegalStateException("the kept statement is closed");
        }
        turn.acquireUninterruptibly();
        EngineRequest request = new EngineRequest(sql, parameters, session, allocator);
        return new RemoteStatement(supervisor, request, new RemoteStatement.Lease() {
            @Override
            public HostConnection take() {
                try {
                    return prepared();
                } catch (RuntimeException e) {
                    turn.release();
                    throw e;
                }
            }

            @Override
            public void announce(DataOutputStream out, long id) throws IOException {
                out.writeByte(Wire.RUN);
                out.writeLong(id);
                out.writeLong(keptId);
                Wire.writeParameters(out, parameters);
            }

            @Override
            public void release(HostConnection used, boolean reusable) {
                if (!reusable) {
                    used.close();
                    synchronized (RemoteKeptStatement.this) {
                        if (connection == used) {
                            connection = null;
                        }
                    }
                }
                turn.release();
            }
        });
    }

    /** The connection on which the statement is prepared, preparing it (again, after a restart) when needed. */
    private synchronized HostConnection prepared() {
        if (connection != null && connection.isOpen() && connection.generation() == supervisor.generation()) {
            return connection;
        }
        if (connection != null) {
            // Prepared on an engine that has since been replaced: prepare again on the current one.
            connection.close();
            connection = null;
        }
        HostConnection fresh = supervisor.borrow();
        try {
            fresh.out().writeByte(Wire.KEEP);
            fresh.out().writeLong(keptId);
            Wire.writeString(fresh.out(), sql);
            Wire.writeSession(fresh.out(), session);
            fresh.out().flush();
            if (fresh.reply(Wire.VALUE, Wire.ERROR) == Wire.ERROR) {
                SluiceException failure = new SluiceException(Wire.readError(fresh.in()));
                supervisor.giveBack(fresh);
                throw failure;
            }
            if (!fresh.in().readBoolean()) {
                supervisor.giveBack(fresh);
                throw new SluiceException(ErrorCode.INTERNAL_ERROR, "The engine would not keep the statement prepared");
            }
        } catch (IOException e) {
            fresh.close();
            throw supervisor.lost(fresh.generation(), e);
        }
        connection = fresh;
        return fresh;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        turn.acquireUninterruptibly();
        try {
            synchronized (this) {
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
            }
        } finally {
            turn.release();
        }
    }
}
