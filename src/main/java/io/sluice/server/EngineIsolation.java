package io.sluice.server;

import io.sluice.core.io.ConfigNumbers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where DuckDB runs: in a supervised process of its own (the default, so no statement can take the server down),
 * or inside the server (for comparisons in the benchmark, and embedding).
 *
 * @param separateProcess true for the supervised engine process
 * @param cancelGrace how long a cancelled or timed-out statement may keep the engine busy before it is killed
 * @param startTimeout how long an engine process may take to start; statements wait this long for a restart
 * @param cgroups false to enforce the memory ceiling with the watchdog alone, even where cgroups are writable
 * @param warmSpare keep a spare engine process started, so a restart takes a fraction of a second
 */
public record EngineIsolation(boolean separateProcess, Duration cancelGrace, Duration startTimeout, boolean cgroups,
                              boolean warmSpare) {

    /** The default of engine.memoryLimit: half of the host's memory for the engine process. */
    static final String DEFAULT_MEMORY_LIMIT = "50%";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(%|B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)?");

    public EngineIsolation {
        Objects.requireNonNull(cancelGrace, "cancelGrace");
        Objects.requireNonNull(startTimeout, "startTimeout");
    }

    public static EngineIsolation defaults() {
        return new EngineIsolation(true, Duration.ofSeconds(2), Duration.ofSeconds(30), true, true);
    }

    public static EngineIsolation inProcess() {
        return new EngineIsolation(false, Duration.ofSeconds(2), Duration.ofSeconds(30), true, true);
    }

    public EngineIsolation withCancelGrace(Duration grace) {
        return new EngineIsolation(separateProcess, grace, startTimeout, cgroups, warmSpare);
    }

    public EngineIsolation withCgroups(boolean use) {
        return new EngineIsolation(separateProcess, cancelGrace, startTimeout, use, warmSpare);
    }

    static EngineIsolation fromProperties(Properties properties) {
        String isolation = properties.getProperty("engine.isolation", "process").trim().toLowerCase(Locale.ROOT);
        if (!isolation.equals("process") && !isolation.equals("in-process")) {
            throw new IllegalArgumentException("engine.isolation is process or in-process, was '" + isolation + "'");
        }
        long grace = ConfigNumbers.wholeNumber(properties, "engine.cancelGraceMs", 2_000);
        long start = ConfigNumbers.wholeNumber(properties, "engine.startTimeoutMs", 30_000);
        return new EngineIsolation(isolation.equals("process"), Duration.ofMillis(grace), Duration.ofMillis(start),
                !"false".equalsIgnoreCase(properties.getProperty("engine.cgroups", "true").trim()),
                !"false".equalsIgnoreCase(properties.getProperty("engine.warmSpare", "true").trim()));
    }

    /**
     * A memory size as configured: bytes with an optional unit (KB, MB, GB, TB, powers of 1024 as DuckDB reads
     * them), or a percentage of the host's physical memory.
     */
    static long bytes(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("engine.memoryLimit is a size such as 4GB or 512MB, or a share such as 50%, was '"
                    + text + "'");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        if (unit.equals("%")) {
            if (amount <= 0 || amount > 100) {
                throw new IllegalArgumentException("engine.memoryLimit as a share is between 0% and 100%, was '" + text + "'");
            }
            return (long) (physicalMemoryBytes() * amount / 100);
        }
        long scale = switch (unit) {
            case "KB", "KIB" -> 1024L;
            case "MB", "MIB" -> 1024L * 1024;
            case "GB", "GIB" -> 1024L * 1024 * 1024;
            case "TB", "TIB" -> 1024L * 1024 * 1024 * 1024;
            default -> 1L;
        };
        return (long) (amount * scale);
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L * 1024 * 1024 * 1024;
    }
}
