package io.sluice.engine.process;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.SluiceException;
import io.sluice.engine.duckdb.DuckDbConfig;
import io.sluice.engine.duckdb.DuckDbDatabase;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The DuckDB engine in a supervised process of its own: what a statement does there (a memory bomb while it is
 * planned, a cancel it ignores) can cost that process, never the server. Statements, trusted SQL and lookups are
 * forwarded over a Unix domain socket to a {@link io.sluice.engine.duckdb.DuckDbEngine} in the engine process;
 * results come back as Arrow batches. One process owns the database file, as DuckDB requires of a writer.
 */
public final class ProcessEngine implements DuckDbDatabase {

    private final EngineSupervisor supervisor;

    /**
     * Starts the engine process and waits until it answers.
     *
     * @throws SluiceException ENGINE_UNAVAILABLE, with the engine's reason, when it cannot start
     */
    public ProcessEngine(DuckDbConfig config, ProcessSettings settings) {
        this.supervisor = new EngineSupervisor(Objects.requireNonNull(config, "config"), Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        Objects.requireNonNull(request, "request");
        return new RemoteStatement(supervisor, request, new RemoteStatement.Lease() {
            @Override
            public HostConnection take() {
                return supervisor.borrow();
            }

            @Override
            public void announce(DataOutputStream out, long id) throws IOException {
                out.writeByte(Wire.OPEN);
                out.writeLong(id);
                Wire.writeString(out, request.sql());
                Wire.writeParameters(out, request.parameters());
                Wire.writeSession(out, request.session());
            }

            @Override
            public void release(HostConnection connection, boolean reusable) {
                if (reusable) {
                    supervisor.giveBack(connection);
                } else {
                    connection.close();
                }
            }
        });
    }

    @Override
    public Optional<ReusableStatement> prepare(String sql, SessionContext session) {
        return Optional.of(new RemoteKeptStatement(supervisor, sql, session));
    }

    /** One question on a pooled connection: the command, then its answer. */
    private interface Exchange<T> {
        T run(HostConnection connection) throws IOException;
    }

    private <T> T ask(Exchange<T> exchange) {
        HostConnection connection = supervisor.borrow();
        try {
            T answer = exchange.run(connection);
            supervisor.giveBack(connection);
            return answer;
        } catch (IOException e) {
            connection.close();
            throw supervisor.lost(connection.generation(), e);
        } catch (RuntimeException e) {
            supervisor.giveBack(connection);
            throw e;
        }
    }

    /** Reads OK, or throws the engine's error. */
    private static Void okOrError(HostConnection connection) throws IOException {
        if (connection.reply(Wire.OK, Wire.ERROR) == Wire.ERROR) {
            throw new SluiceException(Wire.readError(connection.in()));
        }
        return null;
    }

    @Override
    public void executeTrusted(String sql) {
        executeTrusted(sql, List.of());
    }

    @Override
    public void executeTrusted(String sql, List<Object> parameters) {
        ask(connection -> {
            connection.out().writeByte(Wire.TRUSTED);
            Wire.writeString(connection.out(), sql);
            Wire.writeValue(connection.out(), parameters);
            connection.out().flush();
            return okOrError(connection);
        });
    }

    @Override
    public void appendAuditRows(List<List<Object>> rows) {
        ask(connection -> {
            connection.out().writeByte(Wire.APPEND);
            Wire.writeValue(connection.out(), rows);
            connection.out().flush();
            return okOrError(connection);
        });
    }

    @Override
    public long memoryBytes(boolean temporary) {
        if (supervisor.status() != EngineSupervisor.Status.UP) {
            return -1;
        }
        try {
            return ask(connection -> {
                connection.out().writeByte(Wire.MEMORY);
                connection.out().writeBoolean(temporary);
                connection.out().flush();
                connection.reply(Wire.VALUE);
                return connection.in().readLong();
            });
        } catch (SluiceException e) {
            return -1;
        }
    }

    @Override
    public Optional<String> resolveTable(List<String> nameParts) {
        return resolve(Wire.RESOLVE_TABLE, nameParts);
    }

    @Override
    public Optional<String> resolveSchema(List<String> nameParts) {
        return resolve(Wire.RESOLVE_SCHEMA, nameParts);
    }

    private Optional<String> resolve(byte command, List<String> nameParts) {
        return ask(connection -> {
            connection.out().writeByte(command);
            Wire.writeStrings(connection.out(), nameParts);
            connection.out().flush();
            if (connection.reply(Wire.VALUE, Wire.ERROR) == Wire.ERROR) {
                throw new SluiceException(Wire.readError(connection.in()));
            }
            return Optional.ofNullable(Wire.readString(connection.in()));
        });
    }

    @Override
    public Optional<Set<String>> catalogs() {
        try {
            return ask(connection -> {
                connection.out().writeByte(Wire.CATALOGS);
                connection.out().flush();
                connection.reply(Wire.VALUE);
                boolean known = connection.in().readBoolean();
                Set<String> names = new TreeSet<>(Wire.readStrings(connection.in()));
                return known ? Optional.of(names) : Optional.<Set<String>>empty();
            });
        } catch (SluiceException e) {
            return Optional.empty();
        }
    }

    /** DuckDB's messages are rewritten where they arrive, in the server, by the same rules as in-process. */
    @Override
    public io.sluice.core.error.SluiceError withoutHiddenObjects(io.sluice.core.error.SluiceError error,
            java.util.function.Predicate<List<String>> visible) {
        return io.sluice.engine.duckdb.DuckDbErrors.withoutHiddenObjects(error, visible);
    }

    @Override
    public boolean healthy() {
        return status().equals("UP");
    }

    /** UP, RESTARTING (an engine died and another is starting), STARTING or DOWN; UP only when the engine answers. */
    @Override
    public String status() {
        EngineSupervisor.Status status = supervisor.status();
        if (status != EngineSupervisor.Status.UP) {
            return status.name();
        }
        try {
            boolean answers = ask(connection -> {
                connection.out().writeByte(Wire.PING);
                connection.out().flush();
                return connection.reply(Wire.OK, Wire.UNSUPPORTED) == Wire.OK;
            });
            return answers ? "UP" : "DOWN";
        } catch (SluiceException e) {
            return supervisor.status() == EngineSupervisor.Status.UP ? "DOWN" : supervisor.status().name();
        }
    }

    /** The engine process's id, or -1 while none runs. */
    public long enginePid() {
        return supervisor.pid();
    }

    /** How many times an engine process was replaced since the server started. */
    public long restarts() {
        return supervisor.restarts();
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
