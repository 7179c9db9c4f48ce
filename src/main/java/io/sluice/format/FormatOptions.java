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
 * @param csvDelimiter the CSV field separator (',' unless asked otherwise)
 * @param parquetCompression the Parquet page codec: SNAPPY (default), GZIP, ZSTD or UNCOMPRESSED
 * @param renderHelpers threads the text encoders may borrow to render a large batch on two cores
 *     ({@link TextRenderHelpers#NONE} unless the server lends its own)
 */
public record FormatOptions(ZoneId timeZone, boolean csvHeader, BufferAllocator allocator, Path tempDirectory,
                            char csvDelimiter, String parquetCompression, TextRenderHelpers renderHelpers) {

    /** The codecs the Parquet encoder accepts. */
    public static final java.util.List<String> PARQUET_CODECS = java.util.List.of("SNAPPY", "GZIP", "ZSTD", "UNCOMPRESSED");

    public FormatOptions {
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(tempDirectory, "tempDirectory");
        Objects.requireNonNull(parquetCompression, "parquetCompression");
        Objects.requireNonNull(renderHelpers, "renderHelpers");
        if (!PARQUET_CODECS.contains(parquetCompression)) {
            throw new IllegalArgumentException("unknown Parquet compression " + parquetCompression);
        }
        if (csvDelimiter == '"' || csvDelimiter == '\n' || csvDelimiter == '\r') {
            throw new IllegalArgumentException("the CSV delimiter cannot be a double quote or a line break");
        }
    }

    /** Comma-separated CSV and SNAPPY Parquet, as before these options existed. */
    public FormatOptions(ZoneId timeZone, boolean csvHeader, BufferAllocator allocator, Path tempDirectory) {
        this(timeZone, csvHeader, allocator, tempDirectory, ',', "SNAPPY", TextRenderHelpers.NONE);
    }

    /** UTC, CSV header on, private allocator, the JVM's temporary directory. */
    public static FormatOptions defaults() {
        return new FormatOptions(ZoneOffset.UTC, true, null, Path.of(System.getProperty("java.io.tmpdir")));
    }

    public FormatOptions withTimeZone(ZoneId zone) {
        return new FormatOptions(zone, csvHeader, allocator, tempDirectory, csvDelimiter, parquetCompression, renderHelpers);
    }

    public FormatOptions withCsvHeader(boolean header) {
        return new FormatOptions(timeZone, header, allocator, tempDirectory, csvDelimiter, parquetCompression, renderHelpers);
    }

    public FormatOptions withAllocator(BufferAllocator memory) {
        return new FormatOptions(timeZone, csvHeader, memory, tempDirectory, csvDelimiter, parquetCompression, renderHelpers);
    }

    public FormatOptions withTempDirectory(Path directory) {
        return new FormatOptions(timeZone, csvHeader, allocator, directory, csvDelimiter, parquetCompression, renderHelpers);
    }

    public FormatOptions withCsvDelimiter(char delimiter) {
        return new FormatOptions(timeZone, csvHeader, allocator, tempDirectory, delimiter, parquetCompression, renderHelpers);
    }

    public FormatOptions withRenderHelpers(TextRenderHelpers helpers) {
        return new FormatOptions(timeZone, csvHeader, allocator, tempDirectory, csvDelimiter, parquetCompression, helpers);
    }

    /** One of {@link #PARQUET_CODECS}. */
    public FormatOptions withParquetCompression(String codec) {
        return new FormatOptions(timeZone, csvHeader, allocator, tempDirectory, csvDelimiter, codec, renderHelpers);
    }
}
