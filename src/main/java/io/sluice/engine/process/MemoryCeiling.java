package io.sluice.engine.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an engine process's memory ceiling is enforced by the operating system: a cgroup of its own with a hard
 * limit (cgroup v2 {@code memory.max}, or v1 {@code memory.limit_in_bytes}) when this process may create one
 * below its own, so the kernel stops the engine, never the server. Where it may not, the supervisor's
 * watchdog on resident memory is the only enforcement (it runs in both cases), and that is said once in the log.
 */
final class MemoryCeiling {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryCeiling.class);
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** Where to make engine cgroups, and which interface they have. */
    record Place(Path parent, boolean v2) {
    }

    /** One engine's cgroup: the process is placed in it before the JVM starts (see {@link #shellPrefix}). */
    record Group(Path directory, boolean v2) {

        /** A shell command line prefix that moves the shell into the group and then execs the command. */
        List<String> shellPrefix() {
            return List.of("/bin/sh", "-c", "echo $$ > '" + directory.resolve("cgroup.procs") + "' && exec \"$@\"", "sluice-engine");
        }

        /** True when the kernel's OOM killer has killed something in this group (the engine, since it is alone there). */
        boolean oomKilled() {
            Path events = directory.resolve(v2 ? "memory.events" : "memory.oom_control");
            try {
                for (String line : Files.readAllLines(events)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length == 2 && fields[0].equals("oom_kill") && Long.parseLong(fields[1]) > 0) {
                        return true;
                    }
                }
                if (!v2) {
                    // Older v1 kernels have no oom_kill line; a failed charge at the limit is the next best sign.
                    return Long.parseLong(Files.readString(directory.resolve("memory.failcnt")).trim()) > 0;
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
            return false;
        }

        /** Removes the (empty, once the engine is gone) group. */
        void remove() {
            try {
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                LOG.debug("could not remove the engine's cgroup {}", directory, e);
            }
        }
    }

    private MemoryCeiling() {
    }

    /**
     * Finds where engine cgroups can be made, trying cgroup v2 then v1; empty (logged once, by the caller's single
     * call) when neither is writable here.
     */
    static Optional<Place> find() {
        String reason;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Optional<Place> v2 = v2Place(lines);
            if (v2.isPresent()) {
                return v2;
            }
            Optional<Place> v1 = v1Place(lines);
            if (v1.isPresent()) {
                return v1;
            }
            reason = "no writable memory cgroup (v2 or v1) below this process";
        } catch (IOException | RuntimeException e) {
            reason = "cgroups could not be read (" + e.getMessage() + ")";
        }
        LOG.warn("The engine's memory ceiling is enforced by a watchdog on its resident memory only: {}", reason);
        return Optional.empty();
    }

    private static Optional<Place> v2Place(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("0::")) {
                Path own = CGROUP_ROOT.resolve(line.substring(3).replaceFirst("^/", ""));
                Path controllers = own.resolve("cgroup.subtree_control");
                try {
                    if (!Files.readString(controllers).contains("memory")) {
                        // Enabling it is only allowed where the group holds no processes itself; try, it may work.
                        Files.writeString(controllers, "+memory");
                    }
                    return probe(new Place(own, true));
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Place> v1Place(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                Path own = CGROUP_ROOT.resolve("memory").resolve(parts[2].replaceFirst("^/", ""));
                return probe(new Place(own, false));
            }
        }
        return Optional.empty();
    }

    /** Makes and removes a test group, so a place that looks right but refuses writes is not chosen. */
    private static Optional<Place> probe(Place place) {
        try {
            Group group = create(place, "probe-" + ProcessHandle.current().pid(), 256L * 1024 * 1024);
            group.remove();
            return Optional.of(place);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A new group with a hard limit of {@code bytes} and no swap beyond it (where the kernel accounts swap). */
    static Group create(Place place, String name, long bytes) throws IOException {
        Path directory = place.parent().resolve("sluice-engine-" + name);
        if (!Files.isDirectory(directory)) {
            Files.createDirectory(directory);
        }
        try {
            if (place.v2()) {
                write(directory.resolve("memory.max"), Long.toString(bytes));
                writeIfPresent(directory.resolve("memory.swap.max"), "0");
            } else {
                write(directory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                writeIfPresent(directory.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(directory);
            throw e;
        }
        return new Group(directory, place.v2());
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    private static void writeIfPresent(Path file, String value) {
        try {
            if (Files.exists(file)) {
                write(file, value);
            }
        } catch (IOException | RuntimeException e) {
            // Swap accounting is optional in the kernel; the memory limit alone still holds.
        }
    }
}
