package io.sluice.engine.process;

import io.sluice.engine.duckdb.DuckDbConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One engine process (one generation): how it is started, its resident memory, and why it ended. The reason
 * is what statements that were running on it are told, so it is said plainly: out of memory, over the
 * watchdog's ceiling, stopped after ignoring a cancel, killed by a signal, or crashed.
 */
final class EngineProcess {

    private final long generation;
    private final Process process;
    private final MemoryCeiling.Group group;
    private final long ceilingBytes;
    private final Path log;
    private volatile String killedBecause;

    private EngineProcess(long generation, Process process, MemoryCeiling.Group group, long ceilingBytes, Path log) {
        this.generation = generation;
        this.process = process;
        this.group = group;
        this.ceilingBytes = ceilingBytes;
        this.log = log;
    }

    /** Starts the process; it is ready once its socket answers (see {@link EngineSupervisor}). */
    static EngineProcess start(long generation, ProcessSettings settings, DuckDbConfig config, Path socket, byte[] token,
                               Optional<MemoryCeiling.Place> place, boolean standby) throws IOException {
        MemoryCeiling.Group group = null;
        if (place.isPresent()) {
            try {
                group = MemoryCeiling.create(place.get(), ProcessHandle.current().pid() + "-" + generation,
                        settings.ceilingBytes());
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(EngineProcess.class)
                        .debug("no cgroup for engine generation {}; the watchdog alone enforces its ceiling", generation, e);
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
            return new EngineProcess(generation, builder.start(), group, settings.ceilingBytes(), log);
        } catch (IOException | RuntimeException e) {
            if (group != null) {
                group.remove();
            }
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

    /** Frees the cgroup once the process is gone. */
    void cleanUp() {
        if (group != null) {
            group.remove();
        }
    }

    static String megabytes(long bytes) {
        return (bytes / (1024 * 1024)) + " MB";
    }
}
