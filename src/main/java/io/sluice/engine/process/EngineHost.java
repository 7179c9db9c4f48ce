package io.sluice.engine.process;

import io.sluice.core.engine.EngineStatement;
import io.sluice.engine.duckdb.DuckDbConfig;
import io.sluice.engine.duckdb.DuckDbEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The engine process: opens the DuckDB database locked down, as the in-process engine did, and serves the
 * server over a Unix domain socket (see {@link Wire}), one platform thread per connection (DuckDB's calls
 * are native and would pin a virtual thread anyway).
 *
 * <p>It lives exactly as long as the server wants it: it stops when its standard input closes, which happens
 * when the server exits for any reason, kill -9 included, so an orphan never keeps the database file locked.
 */
public final class EngineHost {

    /** The environment variable that carries the connection secret (not an argument: those show in ps). */
    static final String TOKEN_VARIABLE = "SLUICE_ENGINE_TOKEN";
    /** Set by the supervisor when {@code java.io.tmpdir} is this process's own directory, so its files may be deleted. */
    static final String PRIVATE_TMP_PROPERTY = "sluice.engine.privateTmp";
    /** How long rows written but not yet sent may wait for the next batch before they are flushed anyway. */
    static final Duration FLUSH_DELAY = Duration.ofMillis(1);
    /** Exit codes the supervisor tells apart. */
    static final int EXIT_BAD_ARGUMENTS = 64;
    static final int EXIT_DATABASE = 65;
    /** Sent on standard input to a spare started with --standby=true: open the database and serve. */
    static final int HAND_OVER = 'O';

    /** Set once the database is open, so that the end of the server closes it cleanly (a checkpoint, no WAL replay). */
    private static volatile DuckDbEngine opened;

    private final DuckDbEngine engine;
    private final BufferAllocator allocator = new RootAllocator();
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    /** Cancels that arrived before their statement (the cancel travels on another connection); kept briefly. */
    private final Set<Long> earlyCancels = ConcurrentHashMap.newKeySet();
    private final byte[] token;
    /** Flushes results whose next batch is slow in coming; see {@link HostSession}. */
    private final DelayedFlush flusher = new DelayedFlush(FLUSH_DELAY);

    private EngineHost(DuckDbEngine engine, byte[] token) {
        this.engine = engine;
        this.token = token;
    }

    public static void main(String[] args) {
        Arguments arguments;
        byte[] token;
        try {
            arguments = Arguments.parse(args);
            token = HexFormat.of().parseHex(System.getenv().getOrDefault(TOKEN_VARIABLE, ""));
            if (token.length != Wire.TOKEN_BYTES) {
                throw new IllegalArgumentException(TOKEN_VARIABLE + " must hold " + Wire.TOKEN_BYTES + " bytes in hex");
            }
        } catch (RuntimeException e) {
            System.err.println("sluice engine: " + e.getMessage());
            Runtime.getRuntime().halt(EXIT_BAD_ARGUMENTS);
            return;
        }
        if (arguments.standby()) {
            // A warm spare: the JVM, the classes and DuckDB's native library are loaded now, the database is opened
            // only when the server hands over (the file has one writer, and the engine it replaces holds it).
            preload();
            forgetUnpackedLibraries();
            awaitHandOver();
        }
        watchParent();
        DuckDbEngine engine;
        try {
            engine = new DuckDbEngine(arguments.config());
            opened = engine;
            forgetUnpackedLibraries();
        } catch (RuntimeException e) {
            System.err.println("sluice engine: " + e.getMessage());
            Runtime.getRuntime().halt(EXIT_DATABASE);
            return;
        }
        try {
            new EngineHost(engine, token).serve(arguments.socket());
        } catch (IOException | RuntimeException e) {
            System.err.println("sluice engine: cannot serve on " + arguments.socket() + ": " + e.getMessage());
            Runtime.getRuntime().halt(EXIT_DATABASE);
        }
    }

    /** Loads what a start spends its time on: DuckDB's native library (unpacked from the jar), Arrow, the host's classes. */
    private static void preload() {
        try {
            ClassLoader loader = EngineHost.class.getClassLoader();
            Class.forName("org.duckdb.DuckDBNative", true, loader);
            Class.forName("org.apache.arrow.vector.ipc.ArrowStreamWriter", true, loader);
            Class.forName(HostSession.class.getName(), true, loader);
            new RootAllocator().close();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            System.err.println("sluice engine: preloading failed (the start will do it): " + e);
        }
    }

    /**
     * Deletes the native libraries that DuckDB's driver and Arrow unpacked into this process's private temporary
     * directory. They are mapped once loaded, so the files are no longer needed, and a process that is killed or halts
     * (which skips delete-on-exit) then leaves nothing behind.
     */
    private static void forgetUnpackedLibraries() {
        if (!Boolean.getBoolean(PRIVATE_TMP_PROPERTY)) {
            return;
        }
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            files.filter(Files::isRegularFile).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // Left for the supervisor, which removes the directory when this process ends.
                }
            });
        } catch (IOException | RuntimeException e) {
            System.err.println("sluice engine: could not empty the temporary directory: " + e);
        }
    }

    /** Waits for the byte that hands the database over; the end of standard input means the server is gone. */
    private static void awaitHandOver() {
        try {
            int signal = System.in.read();
            if (signal != HAND_OVER) {
                Runtime.getRuntime().halt(0);
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        }
    }

    /** Halts when standard input ends: the server that started this process is gone. */
    private static void watchParent() {
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[64];
            try {
                while (in.read(buffer) >= 0) {
                    // Nothing is ever sent; reading only waits for the end.
                }
            } catch (IOException e) {
                // Same as the end: the pipe is gone.
            }
            DuckDbEngine engine = opened;
            if (engine != null) {
                // Closing cancels what still runs; a statement stuck in native code must not keep the process alive.
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Runtime.getRuntime().halt(0);
                });
                engine.close();
            }
            Runtime.getRuntime().halt(0);
        });
    }

    private void serve(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 256);
            System.out.println("sluice engine: serving on " + socket);
            System.out.flush();
            while (true) {
                SocketChannel channel = server.accept();
                Thread.ofPlatform().daemon().name("engine-connection-" + connections.incrementAndGet())
                        .start(new HostSession(this, channel));
            }
        }
    }

    DuckDbEngine engine() {
        return engine;
    }

    BufferAllocator allocator() {
        return allocator;
    }

    byte[] token() {
        return token.clone();
    }

    void started(long id, EngineStatement statement) {
        Running entry = new Running(statement);
        running.put(id, entry);
        if (earlyCancels.remove(id)) {
            entry.cancel();
        }
    }

    void ended(long id) {
        running.remove(id);
    }

    EngineStatement statement(long id) {
        Running entry = running.get(id);
        return entry == null ? null : entry.statement();
    }

    /** The delayed-flush timer of one connection's output: armed while DuckDB works on a result's next batch. */
    DelayedFlush.Slot flushSlot(OutputStream out) {
        return flusher.slot(out);
    }

    /** Marks the statement as inside (or out of) a call into DuckDB, for {@link #stuckNanos}. */
    void busy(long id, boolean inside) {
        Running entry = running.get(id);
        if (entry != null) {
            entry.busySince.set(inside ? System.nanoTime() : 0);
        }
    }

    void cancel(long id) {
        Running entry = running.get(id);
        if (entry != null) {
            entry.cancel();
            return;
        }
        // Bounded: a cancel whose statement never comes (it failed before opening) must not pile up.
        if (earlyCancels.size() > 10_000) {
            earlyCancels.clear();
        }
        earlyCancels.add(id);
    }

    /**
     * How long the statement has stayed inside DuckDB since its cancel reached this process, or -1 when it is not
     * cancelled, not inside DuckDB, or unknown: only a statement that really ignores its cancel gets the engine killed,
     * not one that is merely slow to be answered on a busy machine.
     */
    long stuckNanos(long id) {
        Running entry = running.get(id);
        if (entry == null) {
            return -1;
        }
        long cancelled = entry.cancelledAt.get();
        long busy = entry.busySince.get();
        if (cancelled == 0 || busy == 0) {
            return -1;
        }
        return System.nanoTime() - Math.max(cancelled, busy);
    }

    /** A statement of this process, whether a cancel reached it and since when it has been inside DuckDB. */
    private record Running(EngineStatement statement, java.util.concurrent.atomic.AtomicLong cancelledAt,
                           java.util.concurrent.atomic.AtomicLong busySince) {
        Running(EngineStatement statement) {
            this(statement, new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong());
        }

        void cancel() {
            cancelledAt.compareAndSet(0, System.nanoTime());
            statement.cancel();
        }
    }

    /** Command-line arguments, written by {@link EngineProcess}. */
    record Arguments(Path socket, DuckDbConfig config, boolean standby) {

        static List<String> of(Path socket, DuckDbConfig config, boolean standby) {
            List<String> arguments = new ArrayList<>();
            arguments.add("--standby=" + standby);
            arguments.add("--socket=" + socket.toAbsolutePath());
            arguments.add("--database=" + config.databaseFile().toAbsolutePath());
            arguments.add("--temp=" + config.tempDirectory().toAbsolutePath());
            arguments.add("--memory-limit=" + config.memoryLimit());
            arguments.add("--threads=" + config.threads());
            arguments.add("--batch-rows=" + config.batchRows());
            arguments.add("--catalogs=" + String.join(",", config.attachedCatalogs()));
            return arguments;
        }

        static Arguments parse(String[] args) {
            Map<String, String> values = new java.util.HashMap<>();
            for (String argument : args) {
                int equals = argument.indexOf('=');
                if (!argument.startsWith("--") || equals < 0) {
                    throw new IllegalArgumentException("unexpected argument " + argument);
                }
                values.put(argument.substring(2, equals), argument.substring(equals + 1));
            }
            for (String required : List.of("socket", "database", "temp", "memory-limit", "threads", "batch-rows", "catalogs")) {
                if (!values.containsKey(required)) {
                    throw new IllegalArgumentException("missing --" + required);
                }
            }
            List<String> catalogs = values.get("catalogs").isEmpty() ? List.of()
                    : Arrays.asList(values.get("catalogs").split(","));
            DuckDbConfig config = new DuckDbConfig(Path.of(values.get("database")), Path.of(values.get("temp")),
                    values.get("memory-limit"), Integer.parseInt(values.get("threads")),
                    Integer.parseInt(values.get("batch-rows")), catalogs);
            return new Arguments(Path.of(values.get("socket")), config, Boolean.parseBoolean(values.getOrDefault("standby", "false")));
        }
    }

    static byte[] newToken() {
        byte[] token = new byte[Wire.TOKEN_BYTES];
        new java.security.SecureRandom().nextBytes(token);
        return token;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
