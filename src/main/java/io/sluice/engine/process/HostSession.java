package io.sluice.engine.process;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.QueryProgress;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.io.Closing;
import io.sluice.core.result.BatchStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * One connection from the server, served command by command on its own thread. A connection runs at most one
 * statement at a time (OPEN or RUN, then ANALYZE and EXECUTE, then CLOSE), and may keep prepared statements
 * (KEEP) for as long as it lives; whatever it still holds when the server hangs up is closed.
 */
final class HostSession implements Runnable {

    private final EngineHost host;
    private final SocketChannel channel;
    private final Map<Long, ReusableStatement> kept = new HashMap<>();
    private long statementId;
    private EngineStatement statement;
    private BufferAllocator statementAllocator;
    /** An OPEN or RUN that failed: its error answers the ANALYZE or EXECUTE that follows. */
    private SluiceError openFailure;
    private DataOutputStream out;
    /** Flushes what this connection buffered when DuckDB is slow with the next batch. */
    private DelayedFlush.Slot flush;

    HostSession(EngineHost host, SocketChannel channel) {
        this.host = host;
        this.channel = channel;
    }

    @Override
    public void run() {
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 16 * 1024));
            out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
            flush = host.flushSlot(out);
            byte[] presented = new byte[Wire.TOKEN_BYTES];
            in.readFully(presented);
            if (!MessageDigest.isEqual(presented, host.token())) {
                return;
            }
            while (true) {
                byte command;
                try {
                    command = in.readByte();
                } catch (EOFException e) {
                    return;
                }
                serve(command, in);
            }
        } catch (IOException | RuntimeException e) {
            // The server hung up or sent nonsense; what this connection held is released below.
        } finally {
            if (flush != null) {
                flush.close();
            }
            closeStatement();
            kept.values().forEach(Closing::quietly);
            kept.clear();
        }
    }

    private void serve(byte command, DataInputStream in) throws IOException {
        switch (command) {
            case Wire.OPEN -> {
                long id = in.readLong();
                String sql = Wire.readString(in);
                Parameters parameters = Wire.readParameters(in);
                SessionContext session = Wire.readSession(in);
                open(id, allocator -> host.engine().open(new EngineRequest(sql, parameters, session, allocator)));
            }
            case Wire.RUN -> {
                long id = in.readLong();
                long keptId = in.readLong();
                Parameters parameters = Wire.readParameters(in);
                ReusableStatement reusable = kept.get(keptId);
                open(id, allocator -> {
                    if (reusable == null) {
                        throw new SluiceException(ErrorCode.INTERNAL_ERROR, "The engine has no kept statement " + keptId);
                    }
                    return reusable.open(parameters, allocator);
                });
            }
            case Wire.ANALYZE -> analyze();
            case Wire.EXECUTE -> execute();
            case Wire.EXECUTE_IF -> executeIf(Wire.readAccess(in));
            case Wire.CLOSE -> closeStatement();
            case Wire.CANCEL -> {
                host.cancel(in.readLong());
                reply(Wire.OK);
            }
            case Wire.PROGRESS -> {
                EngineStatement running = host.statement(in.readLong());
                QueryProgress progress = running == null ? QueryProgress.UNKNOWN : running.progress();
                out.writeByte(Wire.VALUE);
                Wire.writeProgress(out, progress);
                out.flush();
            }
            case Wire.KEEP -> {
                long keptId = in.readLong();
                String sql = Wire.readString(in);
                SessionContext session = Wire.readSession(in);
                try {
                    Optional<ReusableStatement> prepared = host.engine().prepare(sql, session);
                    prepared.ifPresent(statement -> kept.put(keptId, statement));
                    out.writeByte(Wire.VALUE);
                    out.writeBoolean(prepared.isPresent());
                    out.flush();
                } catch (SluiceException e) {
                    replyError(e.error());
                }
            }
            case Wire.DROP_KEPT -> Closing.quietly(kept.remove(in.readLong()));
            case Wire.TRUSTED -> {
                String sql = Wire.readString(in);
                @SuppressWarnings("unchecked")
                List<Object> parameters = (List<Object>) Wire.readValue(in);
                try {
                    host.engine().executeTrusted(sql, parameters);
                    reply(Wire.OK);
                } catch (SluiceException e) {
                    replyError(e.error());
                }
            }
            case Wire.RESOLVE_TABLE, Wire.RESOLVE_SCHEMA -> {
                List<String> parts = Wire.readStrings(in);
                try {
                    Optional<String> name = command == Wire.RESOLVE_TABLE ? host.engine().resolveTable(parts)
                            : host.engine().resolveSchema(parts);
                    out.writeByte(Wire.VALUE);
                    Wire.writeString(out, name.orElse(null));
                    out.flush();
                } catch (SluiceException e) {
                    replyError(e.error());
                }
            }
            case Wire.CATALOGS -> {
                Optional<java.util.Set<String>> catalogs = host.engine().catalogs();
                out.writeByte(Wire.VALUE);
                out.writeBoolean(catalogs.isPresent());
                Wire.writeStrings(out, catalogs.orElse(java.util.Set.of()));
                out.flush();
            }
            case Wire.MEMORY -> {
                long bytes = host.engine().memoryBytes(in.readBoolean());
                out.writeByte(Wire.VALUE);
                out.writeLong(bytes);
                out.flush();
            }
            case Wire.STUCK -> {
                long stuck = host.stuckNanos(in.readLong());
                out.writeByte(Wire.VALUE);
                out.writeLong(stuck);
                out.flush();
            }
            case Wire.PING -> reply(host.engine().healthy() ? Wire.OK : Wire.UNSUPPORTED);
            case Wire.APPEND -> {
                @SuppressWarnings("unchecked")
                List<List<Object>> rows = (List<List<Object>>) Wire.readValue(in);
                try {
                    host.engine().appendAuditRows(rows);
                    reply(Wire.OK);
                } catch (SluiceException e) {
                    replyError(e.error());
                }
            }
            default -> throw new IOException("unknown command " + command);
        }
    }

    private interface Opener {
        EngineStatement open(BufferAllocator allocator);
    }

    private void open(long id, Opener opener) {
        closeStatement();
        statementId = id;
        statementAllocator = host.allocator().newChildAllocator("statement-" + id, 0, Long.MAX_VALUE);
        try {
            statement = opener.open(statementAllocator);
            host.started(id, statement);
        } catch (SluiceException e) {
            openFailure = e.error();
        } catch (RuntimeException e) {
            openFailure = internal(e);
        }
    }

    private void analyze() throws IOException {
        AccessedTables access = analysisOrReply();
        if (access != null) {
            replyAccess(access);
        }
    }

    /** Runs the statement if it touches what the server approved; else answers what it touches, running nothing. */
    private void executeIf(AccessedTables approved) throws IOException {
        AccessedTables access = analysisOrReply();
        if (access == null) {
            return;
        }
        if (!access.equals(approved)) {
            replyAccess(access);
            return;
        }
        execute();
    }

    /** What the statement touches, or null after answering why that cannot be told. */
    private AccessedTables analysisOrReply() throws IOException {
        if (statement == null) {
            replyError(openFailure != null ? openFailure : noStatement());
            return null;
        }
        try {
            host.busy(statementId, true);
            try {
                return statement.accessedTables();
            } finally {
                host.busy(statementId, false);
            }
        } catch (UnsupportedOperationException e) {
            reply(Wire.UNSUPPORTED);
        } catch (SluiceException e) {
            replyError(e.error());
        } catch (RuntimeException e) {
            replyError(internal(e));
        }
        return null;
    }

    private void replyAccess(AccessedTables access) throws IOException {
        out.writeByte(Wire.ACCESS);
        Wire.writeAccess(out, access);
        out.flush();
    }

    private void execute() throws IOException {
        if (statement == null) {
            replyError(openFailure != null ? openFailure : noStatement());
            return;
        }
        EngineResult result;
        try {
            host.busy(statementId, true);
            try {
                result = statement.execute();
            } finally {
                host.busy(statementId, false);
            }
        } catch (SluiceException e) {
            replyError(e.error());
            return;
        } catch (RuntimeException e) {
            replyError(internal(e));
            return;
        }
        switch (result) {
            case EngineResult.UpdateCount count -> {
                // Done: the statement is closed before the answer, so the server need not send CLOSE.
                closeStatement();
                out.writeByte(Wire.COUNT);
                out.writeLong(count.count());
                out.writeBoolean(count.modifiesData());
                out.flush();
            }
            case EngineResult.Rows rows -> stream(rows.rows(), rows.modifiesData());
        }
    }

    /**
     * The rows as an Arrow IPC stream, one message per batch, then the trailer. An error while rows flow ends the IPC
     * stream cleanly before the ERROR trailer, so the server can tell a failed result from a cut connection. Before
     * the trailer the statement is closed (a write that streams rows commits then), so the server need not send
     * CLOSE and sees the trailer only once the engine is done with the statement.
     *
     * <p>Nothing is flushed per batch: the buffer goes out when it is full (so the socket's back-pressure still
     * reaches DuckDB), with the trailer, or when DuckDB takes longer than {@link EngineHost#FLUSH_DELAY} for the
     * next batch. A small result is then one write and one wake-up of the server, not one per message.
     */
    private void stream(BatchStream result, boolean modifiesData) throws IOException {
        SluiceError failure;
        try (BatchStream rows = result) {
            failure = streamRows(rows, modifiesData);
        }
        closeStatement();
        if (failure == null) {
            reply(Wire.END);
        } else {
            replyError(failure);
        }
    }

    private SluiceError streamRows(BatchStream rows, boolean modifiesData) throws IOException {
        out.writeByte(Wire.ROWS);
        out.writeBoolean(modifiesData);
        Wire.writeSchema(out, rows.schema());
        SluiceError failure = null;
        try (ArrowStreamWriter writer = new ArrowStreamWriter(rows.root(), null, new KeepOpen(Channels.newChannel(out)))) {
            writer.start();
            try {
                while (next(rows)) {
                    writer.writeBatch();
                }
            } catch (SluiceException e) {
                failure = e.error();
            } catch (RuntimeException e) {
                failure = internal(e);
            }
            writer.end();
        }
        return failure;
    }

    /** The next batch, marked as time inside DuckDB (writing to the socket is not: a slow reader is no stuck engine). */
    private boolean next(BatchStream rows) {
        host.busy(statementId, true);
        flush.arm();
        try {
            return rows.next();
        } finally {
            flush.disarm();
            host.busy(statementId, false);
        }
    }

    private void closeStatement() {
        if (statement != null) {
            host.ended(statementId);
            Closing.quietly(statement);
            statement = null;
        }
        if (statementAllocator != null) {
            Closing.quietly(statementAllocator);
            statementAllocator = null;
        }
        openFailure = null;
    }

    private void reply(byte code) throws IOException {
        out.writeByte(code);
        out.flush();
    }

    private void replyError(SluiceError error) throws IOException {
        out.writeByte(Wire.ERROR);
        Wire.writeError(out, error);
        out.flush();
    }

    private static SluiceError noStatement() {
        return SluiceError.of(ErrorCode.INTERNAL_ERROR, "The engine was asked to run a statement it was not given");
    }

    /** A failure DuckDB's error mapping did not name: the class only, since the detail may hold paths. */
    private static SluiceError internal(RuntimeException e) {
        System.err.println("sluice engine: unexpected failure: " + e);
        return SluiceError.of(ErrorCode.INTERNAL_ERROR, "The engine failed unexpectedly (" + e.getClass().getSimpleName() + ")");
    }

    /** Lets the Arrow writer close its channel without closing the connection under it. */
    private record KeepOpen(WritableByteChannel channel) implements WritableByteChannel {
        @Override
        public int write(ByteBuffer source) throws IOException {
            return channel.write(source);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {
            // The connection outlives the result.
        }
    }
}
