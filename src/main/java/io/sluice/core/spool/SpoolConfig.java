package io.sluice.core.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the result spool.
 *
 * @param directory where results are spooled; one sub-directory per result
 * @param pageRows a page closes once it holds this many rows
 * @param pageBytes a page closes once its Arrow buffers reach about this many bytes, so wide rows still
 *     give pages of a size that is cheap to hold in memory and to send in one response
 * @param retention how long a finished result stays readable
 * @param quotaBytes disk budget for all spooled results together
 * @param smallResultBytes a result of one page up to this size is written without fsync: a killed server keeps it
 *     (the kernel has it), and only a crash of the machine itself can lose it, which recovery then reports as FAILED;
 *     the four fsyncs of a spooled result cost a one-row statement about 5 ms
 */
public record SpoolConfig(Path directory, long pageRows, long pageBytes, Duration retention, long quotaBytes,
                          long smallResultBytes) {

    public static final long DEFAULT_PAGE_ROWS = 10_000;
    public static final long DEFAULT_PAGE_BYTES = 4L * 1024 * 1024;
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final long DEFAULT_QUOTA_BYTES = 10L * 1024 * 1024 * 1024;
    public static final long DEFAULT_SMALL_RESULT_BYTES = 64L * 1024;

    public SpoolConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(retention, "retention");
        // A page is one Arrow batch, whose row count is an int.
        if (pageRows < 1 || pageRows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pageRows must be between 1 and " + Integer.MAX_VALUE + ": " + pageRows);
        }
        if (pageBytes < 1) {
            throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        if (quotaBytes < 1) {
            throw new IllegalArgumentException("quotaBytes must be positive: " + quotaBytes);
        }
        if (smallResultBytes < 0) {
            throw new IllegalArgumentException("smallResultBytes must not be negative: " + smallResultBytes);
        }
    }

    public static SpoolConfig defaults(Path directory) {
        return new SpoolConfig(directory, DEFAULT_PAGE_ROWS, DEFAULT_PAGE_BYTES, DEFAULT_RETENTION, DEFAULT_QUOTA_BYTES,
                DEFAULT_SMALL_RESULT_BYTES);
    }

    public SpoolConfig withPageRows(long rows) {
        return new SpoolConfig(directory, rows, pageBytes, retention, quotaBytes, smallResultBytes);
    }

    public SpoolConfig withPageBytes(long bytes) {
        return new SpoolConfig(directory, pageRows, bytes, retention, quotaBytes, smallResultBytes);
    }

    public SpoolConfig withRetention(Duration duration) {
        return new SpoolConfig(directory, pageRows, pageBytes, duration, quotaBytes, smallResultBytes);
    }

    public SpoolConfig withQuotaBytes(long bytes) {
        return new SpoolConfig(directory, pageRows, pageBytes, retention, bytes, smallResultBytes);
    }

    /** 0 makes every result durable against a machine crash before the statement is answered (the earlier behaviour). */
    public SpoolConfig withSmallResultBytes(long bytes) {
        return new SpoolConfig(directory, pageRows, pageBytes, retention, quotaBytes, bytes);
    }

    /** Whether a finished result of these pages and bytes is small enough to skip the fsyncs. */
    public boolean small(int pageCount, long bytes) {
        return pageCount <= 1 && bytes <= smallResultBytes;
    }
}
