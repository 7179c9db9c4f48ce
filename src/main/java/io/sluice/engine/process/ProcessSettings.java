package io.sluice.engine.process;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the engine process is run and supervised.
 *
 * @param ceilingBytes the hard memory ceiling of the whole engine process (JVM, DuckDB, result batches)
 * @param heapBytes the engine JVM's heap: small, since result batches live off the heap
 * @param cancelGrace how long a cancelled statement may keep its engine busy before the engine is killed
 * @param startTimeout how long a starting engine may take to answer; also how long a statement waits for a
 *     restarting engine before it fails with ENGINE_UNAVAILABLE
 * @param useCgroups false to rely on the watchdog alone even where cgroups are writable
 * @param warmSpare keep a second engine process started (database closed) to take over at once when one dies
 * @param javaCommand the java binary that runs the engine (the server's own by default)
 * @param classPath the class path of the engine (the server's own by default)
 * @param jvmFlags flags the engine JVM needs (Arrow's memory access, native access)
 */
public record ProcessSettings(long ceilingBytes, long heapBytes, Duration cancelGrace, Duration startTimeout,
                              boolean useCgroups, boolean warmSpare, String javaCommand, String classPath, List<String> jvmFlags) {

    /** Below this the engine JVM and DuckDB cannot open a database and answer a statement. */
    public static final long MINIMUM_CEILING_BYTES = 256L * 1024 * 1024;
    private static final long DEFAULT_HEAP_BYTES = 128L * 1024 * 1024;

    public ProcessSettings {
        Objects.requireNonNull(cancelGrace, "cancelGrace");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(javaCommand, "javaCommand");
        Objects.requireNonNull(classPath, "classPath");
        jvmFlags = List.copyOf(jvmFlags);
        if (ceilingBytes < MINIMUM_CEILING_BYTES) {
            throw new IllegalArgumentException("engine.memoryLimit must be at least " + MINIMUM_CEILING_BYTES / (1024 * 1024)
                    + "MB: the engine process cannot open its database in less (was " + ceilingBytes + " bytes)");
        }
    }

    /** The engine runs the way this server runs: same java, same class path, the same Arrow and native flags. */
    public static ProcessSettings forThisJvm(long ceilingBytes, Duration cancelGrace, Duration startTimeout, boolean useCgroups,
                                             boolean warmSpare) {
        String javaBinary = ProcessHandle.current().info().command()
                .orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> flags = List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Darrow.enable_unsafe_memory_access=true",
                "-Darrow.enable_null_check_for_get=false");
        return new ProcessSettings(ceilingBytes, Math.min(DEFAULT_HEAP_BYTES, ceilingBytes / 4), cancelGrace, startTimeout,
                useCgroups, warmSpare, javaBinary, System.getProperty("java.class.path"), flags);
    }

    /**
     * DuckDB's own memory_limit inside the ceiling: what is left after the JVM (heap, code, threads) and the result
     * batches in flight, with a margin, since DuckDB's limit covers its buffer manager only.
     */
    public long duckDbLimitBytes() {
        long overhead = heapBytes + 160L * 1024 * 1024;
        return Math.max(64L * 1024 * 1024, (ceilingBytes - overhead) * 3 / 4);
    }
}
