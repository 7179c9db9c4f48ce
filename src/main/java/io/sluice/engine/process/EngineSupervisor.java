package io.sluice.engine.process;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.engine.duckdb.DuckDbConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the engine process, keeps it alive and keeps it within bounds. Once a second or faster it checks the
 * engine's resident memory against the ceiling (the only enforcement where cgroups are not writable, a second
 * one where they are) and whether a cancelled statement still holds the engine after the grace; either kills
 * the engine. When the engine ends for any reason, the statements that ran on it fail with ENGINE_RESTARTED
 * (their connections break), the reason and the suspects are logged, and a new engine is started at once.
 */
final class EngineSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);
    private static final int IDLE_CONNECTIONS = 64;
    private static final long WATCH_INTERVAL_MILLIS = 25;

    enum Status { STARTING, UP, RESTARTING, DOWN }

    private final DuckDbConfig config;
    private final ProcessSettings settings;
    private final Path socketDirectory;
    private final Path socket;
    private final byte[] token = EngineHost.newToken();
    private final Optional<MemoryCeiling.Place> cgroups;
    private final ConcurrentLinkedDeque<HostConnection> idle = new ConcurrentLinkedDeque<>();
    /** Statements that hold a connection to the engine now: the suspects if it dies, and the cancel-grace watch. */
    private final Set<RemoteStatement> inFlight = ConcurrentHashMap.newKeySet();
    /** Ended generations and why, so a statement whose connection broke can be told what happened. */
    private final Map<Long, String> endReasons = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Thread watchdog;
    private volatile EngineProcess current;
    /** A started engine waiting, database closed, to replace the current one at once when it dies (or null). */
    private volatile EngineProcess spare;
    private volatile Status status = Status.STARTING;
    private volatile boolean closed;
    private long nextGeneration = 1;
    private volatile long restarts;

    /**
     * Starts the first engine and waits until it answers.
     *
     * @throws SluiceException ENGINE_UNAVAILABLE with the engine's own reason when it cannot start
     */
    EngineSupervisor(DuckDbConfig config, ProcessSettings settings) {
        this.config = config;
        this.settings = settings;
        try {
            Files.createDirectories(config.databaseFile().toAbsolutePath().getParent());
            Files.createDirectories(config.tempDirectory());
            this.socketDirectory = Files.createTempDirectory("sluice-engine-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new SluiceException(SluiceError.of(ErrorCode.ENGINE_UNAVAILABLE,
                    "Cannot make the engine's directories: " + e.getMessage()), e);
        }
        this.socket = socketDirectory.resolve("engine.sock");
        this.cgroups = settings.useCgroups() ? MemoryCeiling.find() : Optional.empty();
        removeLeftSpillFiles();
        EngineProcess first = startFirst();
        synchronized (lock) {
            current = first;
            status = Status.UP;
        }
        watchExit(first);
        LOG.info("engine process started (pid {}, memory ceiling {}, enforced by {})", first.process().pid(),
                EngineProcess.megabytes(settings.ceilingBytes()), first.hasCgroup() ? "a cgroup and the watchdog" : "the watchdog");
        this.watchdog = Thread.ofPlatform().daemon().name("engine-watchdog").start(this::watch);
        startSpare();
    }

    /**
     * The first engine. The engine of a server that was just killed stops by itself (its standard input closes) but may
     * still hold the database's lock for a moment, so a lock conflict is retried within the start timeout.
     */
    private EngineProcess startFirst() {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (true) {
            EngineProcess first = launch(false);
            try {
                awaitReady(first);
                return first;
            } catch (SluiceException e) {
                first.kill("startup failed");
                first.awaitExit(Duration.ofSeconds(5));
                first.cleanUp();
                if (e.getMessage().contains("lock") && System.nanoTime() < deadline) {
                    LOG.info("the database is still locked by an earlier engine; retrying: {}", e.getMessage());
                    sleep(250);
                    continue;
                }
                deleteSocketDirectory();
                throw e;
            }
        }
    }

    /**
     * Starts a spare in the background when configured: a JVM start and DuckDB's native library take seconds on a
     * busy machine, opening the database a fraction of one, so a restart hands over to a spare that did the rest.
     */
    private void startSpare() {
        if (!settings.warmSpare() || closed) {
            return;
        }
        Thread.ofPlatform().daemon().name("engine-spare").start(() -> {
            try {
                EngineProcess started = launch(true);
                synchronized (lock) {
                    if (closed || spare != null) {
                        started.kill("not needed");
                        started.cleanUp();
                        return;
                    }
                    spare = started;
                }
                started.process().onExit().thenRun(started::cleanUp);
            } catch (SluiceException e) {
                LOG.warn("no spare engine process: {}", e.getMessage());
            }
        });
    }

    /** The spare, taken, if one is alive and takes the hand-over. */
    private EngineProcess takeSpare() {
        EngineProcess taken;
        synchronized (lock) {
            taken = spare;
            spare = null;
        }
        if (taken != null && taken.alive() && taken.handOver()) {
            return taken;
        }
        if (taken != null) {
            taken.kill("the spare did not take over");
        }
        return null;
    }

    /**
     * Spill files of an engine that died are never read again; DuckDB only cleans up those of a clean shutdown. The
     * scratch directories of engines whose server was killed are emptied for the same reason.
     */
    private void removeLeftSpillFiles() {
        EngineProcess.removeContents(config.tempDirectory());
        EngineProcess.removeContents(EngineProcess.scratchRoot(config));
    }

    private EngineProcess launch(boolean standby) {
        long generation;
        synchronized (lock) {
            generation = nextGeneration++;
        }
        DuckDbConfig engineConfig = config.withMemoryLimit(settings.duckDbLimitBytes() / (1024 * 1024) + "MB");
        try {
            return EngineProcess.start(generation, settings, engineConfig, socket, token, cgroups, standby);
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(SluiceError.of(ErrorCode.ENGINE_UNAVAILABLE,
                    "The engine process could not be started (" + settings.javaCommand() + "): " + e.getMessage()), e);
        }
    }

    /** Waits until the new engine answers on its socket, or fails with the reason it gave for stopping. */
    private void awaitReady(EngineProcess engine) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!engine.alive()) {
                String reason = engine.lastLine();
                throw new SluiceException(SluiceError.of(ErrorCode.ENGINE_UNAVAILABLE, "The engine process stopped while starting: "
                        + (reason != null ? reason : engine.endReason())
                        + (engine.endReason().contains("memory") ? " (engine.memoryLimit may be too small)" : "")));
            }
            if (Files.exists(socket)) {
                try (HostConnection connection = HostConnection.open(socket, token, engine.generation())) {
                    connection.out().writeByte(Wire.PING);
                    connection.out().flush();
                    if (connection.reply(Wire.OK, Wire.UNSUPPORTED) == Wire.OK) {
                        return;
                    }
                } catch (IOException e) {
                    last = e;
                }
            }
            sleep(20);
        }
        throw new SluiceException(SluiceError.of(ErrorCode.ENGINE_UNAVAILABLE, "The engine process did not answer within "
                + settings.startTimeout().toMillis() + " ms" + (last == null ? "" : " (" + last.getMessage() + ")")));
    }

    private void watchExit(EngineProcess engine) {
        engine.process().onExit().thenRun(() -> ended(engine));
    }

    /** The engine is gone: say why, fail what ran there (their connections broke already) and start another. */
    private void ended(EngineProcess engine) {
        String reason = engine.endReason();
        endReasons.put(engine.generation(), reason);
        engine.cleanUp();
        synchronized (lock) {
            if (current != engine) {
                return;
            }
            current = null;
            if (closed) {
                return;
            }
            status = Status.RESTARTING;
        }
        List<String> suspects = inFlight.stream().filter(statement -> statement.generation() == engine.generation())
                .map(RemoteStatement::describe).toList();
        LOG.warn("engine process {} ended: {}; statements running on it: {}", engine.process().pid(), reason,
                suspects.isEmpty() ? "none" : String.join(", ", suspects));
        dropIdle();
        Thread.ofPlatform().daemon().name("engine-restart").start(this::restart);
    }

    private void restart() {
        long backoffMillis = 200;
        while (!closed) {
            try {
                long started = System.nanoTime();
                EngineProcess spareEngine = takeSpare();
                EngineProcess next = spareEngine != null ? spareEngine : launch(false);
                try {
                    awaitReady(next);
                } catch (SluiceException e) {
                    next.kill("did not start");
                    next.awaitExit(Duration.ofSeconds(5));
                    throw e;
                }
                synchronized (lock) {
                    if (closed) {
                        next.kill("the server is stopping");
                        return;
                    }
                    current = next;
                    status = Status.UP;
                    restarts++;
                    lock.notifyAll();
                }
                watchExit(next);
                LOG.info("engine process restarted (pid {}, {} ms{})", next.process().pid(),
                        java.time.Duration.ofNanos(System.nanoTime() - started).toMillis(), spareEngine != null ? ", from the spare" : "");
                startSpare();
                return;
            } catch (SluiceException e) {
                LOG.error("engine restart failed, retrying in {} ms: {}", backoffMillis, e.getMessage());
                status = Status.DOWN;
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    /** Memory and cancel-grace checks, every few tens of milliseconds. */
    private void watch() {
        while (!closed) {
            EngineProcess engine = current;
            if (engine != null && engine.alive()) {
                long resident = engine.residentBytes();
                if (resident > settings.ceilingBytes()) {
                    engine.kill("the engine used " + EngineProcess.megabytes(resident) + ", over its memory ceiling of "
                            + EngineProcess.megabytes(settings.ceilingBytes()));
                } else {
                    long now = System.nanoTime();
                    long grace = settings.cancelGrace().toNanos();
                    for (RemoteStatement statement : inFlight) {
                        if (statement.generation() == engine.generation() && statement.ignoresCancel(now, grace)
                                && stuck(engine, statement, grace)) {
                            engine.kill("a statement kept running " + settings.cancelGrace().toMillis()
                                    + " ms after it was cancelled or timed out (" + statement.describe() + ")");
                            break;
                        }
                    }
                }
            }
            sleep(WATCH_INTERVAL_MILLIS);
        }
    }

    /**
     * Whether the engine itself says the statement has stayed inside DuckDB for the grace since its cancel arrived. A
     * statement that only waits for a slow answer on a busy machine is not stuck; an engine that cannot even answer
     * within a second, while the statement has waited three graces, is taken to be wedged.
     */
    private boolean stuck(EngineProcess engine, RemoteStatement statement, long graceNanos) {
        java.util.concurrent.CompletableFuture<Long> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (HostConnection side = HostConnection.open(socket, token, engine.generation())) {
                side.out().writeByte(Wire.STUCK);
                side.out().writeLong(statement.id());
                side.out().flush();
                side.reply(Wire.VALUE);
                return side.in().readLong();
            } catch (IOException e) {
                return -1L;
            }
        }, command -> Thread.ofPlatform().daemon().name("engine-stuck-check").start(command));
        try {
            return answer.get(1, java.util.concurrent.TimeUnit.SECONDS) >= graceNanos;
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(true);
            return statement.ignoresCancel(System.nanoTime(), 3 * graceNanos);
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A connection to the current engine, waiting (within the start timeout) for one that is restarting. */
    HostConnection borrow() {
        EngineProcess engine = awaitCurrent();
        HostConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.generation() == engine.generation() && connection.isOpen()) {
                return connection;
            }
            connection.close();
        }
        try {
            return HostConnection.open(socket, token, engine.generation());
        } catch (IOException e) {
            throw lost(engine.generation(), e);
        }
    }

    private EngineProcess awaitCurrent() {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        synchronized (lock) {
            while (current == null || status != Status.UP) {
                if (closed) {
                    throw new SluiceException(ErrorCode.ENGINE_UNAVAILABLE, "The engine is shutting down");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SluiceException(ErrorCode.ENGINE_UNAVAILABLE,
                            "The engine is restarting and did not come back within " + settings.startTimeout().toSeconds() + " s");
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SluiceException(ErrorCode.CANCELLED, "Interrupted while waiting for the engine");
                }
            }
            return current;
        }
    }

    /** Keeps a connection in a clean state for the next statement. */
    void giveBack(HostConnection connection) {
        EngineProcess engine = current;
        if (!closed && engine != null && connection.generation() == engine.generation() && connection.isOpen()
                && idle.size() < IDLE_CONNECTIONS) {
            idle.offerFirst(connection);
        } else {
            connection.close();
        }
    }

    /**
     * What to tell a statement whose connection broke: ENGINE_RESTARTED with the reason when its engine died (waiting
     * briefly for the exit to be seen), otherwise ENGINE_UNAVAILABLE.
     */
    SluiceException lost(long generation, IOException cause) {
        EngineProcess engine = current;
        if (engine != null && engine.generation() == generation) {
            engine.awaitExit(Duration.ofSeconds(3));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        String reason = endReasons.get(generation);
        while (reason == null && System.nanoTime() < deadline && (engine == null || !engine.alive())) {
            sleep(5);
            reason = endReasons.get(generation);
        }
        if (reason != null) {
            return new SluiceException(new SluiceError(ErrorCode.ENGINE_RESTARTED, "ENGINE_RESTARTED: " + reason
                    + " while this statement ran; the statement did not finish and the engine was restarted", "58000", null), cause);
        }
        return new SluiceException(new SluiceError(ErrorCode.ENGINE_UNAVAILABLE,
                "The connection to the engine broke while this statement ran", "58000", null), cause);
    }

    void running(RemoteStatement statement) {
        inFlight.add(statement);
    }

    void done(RemoteStatement statement) {
        inFlight.remove(statement);
    }

    /** Sends a cancel on a connection of its own, so it reaches a statement whose own connection is busy. */
    void cancel(long generation, long statementId) {
        EngineProcess engine = current;
        if (engine == null || engine.generation() != generation) {
            return; // that engine is gone, and its statements with it
        }
        try (HostConnection connection = HostConnection.open(socket, token, generation)) {
            connection.out().writeByte(Wire.CANCEL);
            connection.out().writeLong(statementId);
            connection.out().flush();
            connection.reply(Wire.OK);
        } catch (IOException e) {
            LOG.debug("cancel of engine statement {} not delivered", statementId, e);
        }
    }

    /** Opens a connection for a one-off question about a statement, or null when the engine is not up. */
    HostConnection sideConnection(long generation) {
        EngineProcess engine = current;
        if (engine == null || engine.generation() != generation || status != Status.UP) {
            return null;
        }
        try {
            return HostConnection.open(socket, token, generation);
        } catch (IOException e) {
            return null;
        }
    }

    Status status() {
        return status;
    }

    /** The current engine's generation, or -1 while none serves. */
    long generation() {
        EngineProcess engine = current;
        return engine == null ? -1 : engine.generation();
    }

    long restarts() {
        return restarts;
    }

    /** The current engine's process id, or -1 (tests kill it to prove the server survives). */
    long pid() {
        EngineProcess engine = current;
        return engine == null ? -1 : engine.process().pid();
    }

    private void dropIdle() {
        HostConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }

    @Override
    public void close() {
        EngineProcess engine;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            engine = current;
            current = null;
            status = Status.DOWN;
            lock.notifyAll();
        }
        dropIdle();
        EngineProcess unused = spare;
        spare = null;
        if (unused != null) {
            unused.kill("the server is stopping");
        }
        if (engine != null) {
            // Closing its standard input asks it to stop; DuckDB keeps the WAL, so a kill loses nothing committed.
            try {
                engine.process().getOutputStream().close();
            } catch (IOException e) {
                LOG.debug("engine stdin close", e);
            }
            if (!engine.awaitExit(Duration.ofSeconds(10))) {
                engine.kill("the server is stopping");
                engine.awaitExit(Duration.ofSeconds(5));
            }
            engine.cleanUp();
        }
        deleteSocketDirectory();
    }

    private void deleteSocketDirectory() {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socketDirectory);
        } catch (IOException e) {
            LOG.debug("could not remove {}", socketDirectory, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
