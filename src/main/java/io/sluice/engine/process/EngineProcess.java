package io.sluice.engine.process;

import io.sluice.engine.duckdb.DuckDbConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine process (one generation): how it is started, its resident memory, and why it ended. The reason
 * is what statements that were running on it are told, so it is said plainly: out of memory, over the
 * watchdog's ceiling, stopped after ignoring a cancel, killed by a signal, or crashed.
 */
final class EngineProcess {

    private static final Logger LOG = LoggerFactory.getLogger(EngineProcess.class);

    private final long generation;
    private final Process process;
    private final MemoryCeiling.Group group;
    private final long ceilingBytes;
    private final Path log;
    private final Path scratch;
    private volatile String killedBecause;

    private EngineProcess(long generation, Process process, MemoryCeiling.Group group, long ceilingBytes, Path log,
                          Path scratch) {
        this.generation = generation;
        this.process = process;
        this.group = group;
        this.ceilingBytes = ceilingBytes;
        this.log = log;
        this.scratch = scratch;
    }

    /** Starts the process; it is ready once its socket answers (see {@link EngineSupervisor}). */
    static EngineProcess start(long generation, ProcessSettings settings, DuckDbConfig config, Path socket, byte[] token,
                               Optional<MemoryCeiling.Place> place, boolean standby) throws IOException {
        // The JVM's temporary directory is private to this process: DuckDB's JDBC driver unpacks its 70 MB native
        // library there on every start and deletes it only at a clean JVM exit, which an engine that is killed or
        // halted never has. In /tmp, every restart and every spare would leave one behind until the disk is full.
        // A name no other engine has, even of another supervisor in the same server process (generations start at 1
        // again), so the clean-up of an engine that is ending never removes the directory (or the
        // cgroup, named alike) of one that is starting.
        Files.createDirectories(scratchRoot(config));
        Path scratch = Files.createTempDirectory(scratchRoot(config), "engine-" + generation + "-");
        MemoryCeiling.Group group = null;
        if (place.isPresent()) {
            try {
                group = MemoryCeiling.create(place.get(), ProcessHandle.current().pid() + "-" + scratch.getFileName(),
                        settings.ceilingBytes());
            } catch (IOException | RuntimeException e) {
                LOG.debug("no cgroup for engine generation {}; the watchdog alone enforces its ceiling", generation, e);
            }
        }
        List<String> command = new ArrayList<>();
        if (group != null) {
            command.addAll(group.shellPrefix());
        }
        command.add(settings.javaCommand());
        command.add("-Xmx" + settings.heapBytes() / (1024 * 1024) + "m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Djava.io.tmpdir=" + scratch);
        command.add("-D" + EngineHost.PRIVATE_TMP_PROPERTY + "=true");
        command.addAll(settings.jvmFlags());
        command.add("-cp");
        command.add(settings.classPath());
        command.add(EngineHost.class.getName());
        command.addAll(EngineHost.Arguments.of(socket, config, standby));
        Path log = config.databaseFile().toAbsolutePath().resolveSibling("engine-process.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put(EngineHost.TOKEN_VARIABLE, EngineHost.hex(token));
        // The standard input stays a pipe the engine watches: when this server dies, the pipe closes and the engine stops.
        try {
            return new EngineProcess(generation, builder.start(), group, settings.ceilingBytes(), log, scratch);
        } catch (IOException | RuntimeException e) {
            if (group != null) {
                group.remove();
            }
            removeContents(scratch);
            deleteQuietly(scratch);
            throw e;
        }
    }

    long generation() {
        return generation;
    }

    /** Tells a spare started in standby to open the database and serve; false when it is gone. */
    boolean handOver() {
        try {
            process.getOutputStream().write(EngineHost.HAND_OVER);
            process.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Process process() {
        return process;
    }

    boolean alive() {
        return process.isAlive();
    }

    boolean hasCgroup() {
        return group != null;
    }

    /** Resident memory from /proc, or -1 when it cannot be read (the process is gone). */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] fields = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(fields[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Kills the process at once (SIGKILL: an engine stuck in native code ignores anything gentler). */
    void kill(String because) {
        if (killedBecause == null) {
            killedBecause = because;
        }
        process.destroyForcibly();
    }

    /** Waits up to {@code wait} for the process to end. */
    boolean awaitExit(Duration wait) {
        try {
            return process.waitFor(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Why the process ended, for statements, logs and operators; call once it has ended. */
    String endReason() {
        if (killedBecause != null) {
            return killedBecause;
        }
        if (group != null && group.oomKilled()) {
            return "the engine ran out of memory (its ceiling is " + megabytes(ceilingBytes) + ")";
        }
        int code = process.exitValue();
        if (code > 128 && code < 160) {
            int signal = code - 128;
            return switch (signal) {
                case 9 -> "the engine process was killed (SIGKILL)";
                case 6, 11, 7, 4 -> "the engine process crashed (signal " + signal + ")";
                default -> "the engine process was stopped by signal " + signal;
            };
        }
        String tail = lastLine();
        if (code == 3 || (tail != null && tail.contains("OutOfMemoryError"))) {
            return "the engine ran out of memory (its ceiling is " + megabytes(ceilingBytes) + ")";
        }
        return "the engine process exited with code " + code + (tail == null ? "" : ": " + tail);
    }

    /** The last line the engine printed, for startup failures (it says why the database could not be opened). */
    String lastLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int index = lines.size() - 1; index >= 0; index--) {
                if (lines.get(index).startsWith("sluice engine:")) {
                    return lines.get(index).substring("sluice engine:".length()).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Frees the cgroup and the scratch directory once the process is gone. */
    void cleanUp() {
        if (group != null) {
            group.remove();
        }
        removeContents(scratch);
        deleteQuietly(scratch);
    }

    /** Where engine processes of this database keep their JVM's temporary files, one directory per process. */
    static Path scratchRoot(DuckDbConfig config) {
        return config.databaseFile().toAbsolutePath().resolveSibling("engine-scratch");
    }

    /** Removes everything under {@code directory}, keeping the directory; what cannot be removed is left and logged. */
    static void removeContents(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory))
                    .forEach(EngineProcess::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not clean {}", directory, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("could not remove {}", path, e);
        }
    }

    static String megabytes(long bytes) {
        return (bytes / (1024 * 1024)) + " MB";
    }
}
