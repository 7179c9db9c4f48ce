package io.sluice.format;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How a result is rendered.
 *
 * @param timeZone zone in which TIMESTAMP WITH TIME ZONE values are rendered (the instant never changes)
 * @param csvHeader whether CSV starts with a row of column names
 * @param allocator memory for the PARQUET path, which reads its spilled batches back; null lets that
 *     encoder use a private allocator for the duration of the result
 * @param tempDirectory where PARQUET spills batches and builds the file, because the Parquet footer
 *     can only be written once every row is known
 */
public record FormatOptions(ZoneId timeZone, boolean csvHeader, BufferAllocator allocator, Path tempDirectory) {

    public FormatOptions {
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(tempDirectory, "tempDirectory");
    }

    /** UTC, CSV header on, private allocator, the JVM's temporary directory. */
    public static FormatOptions defaults() {
        return new FormatOptions(ZoneOffset.UTC, true, null, Path.of(System.getProperty("java.io.tmpdir")));
    }

    public FormatOptions withTimeZone(ZoneId zone) {
        return new FormatOptions(zone, csvHeader, allocator, tempDirectory);
    }

    public FormatOptions withCsvHeader(boolean header) {
        return new FormatOptions(timeZone, header, allocator, tempDirectory);
    }

    public FormatOptions withAllocator(BufferAllocator memory) {
        return new FormatOptions(timeZone, csvHeader, memory, tempDirectory);
    }

    public FormatOptions withTempDirectory(Path directory) {
        return new FormatOptions(timeZone, csvHeader, allocator, directory);
    }
}
