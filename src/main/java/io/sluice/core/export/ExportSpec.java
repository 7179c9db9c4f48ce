package io.sluice.core.export;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.Objects;

/**
 * What files an export writes.
 *
 * @param csvDelimiter the CSV field separator (one character)
 * @param csvHeader whether every CSV file starts with the column names
 * @param strictCsv when true, a CSV export of a result with LIST, STRUCT or MAP columns fails instead of
 *     writing those values as JSON text
 * @param splitBytes the most result bytes in one file (measured as the uncompressed in-memory Arrow size
 *     of the rows it holds); 0 for the configured default
 */
public record ExportSpec(ExportFormat format, ExportCompression compression, char csvDelimiter, boolean csvHeader,
                         boolean strictCsv, long splitBytes) {

    public ExportSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(compression, "compression");
        if (!compression.appliesTo(format)) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER, "compression " + compression
                    + " does not apply to " + format + (format == ExportFormat.CSV ? " (use NONE or GZIP)" : ""));
        }
        if (format == ExportFormat.CSV && (csvDelimiter == '"' || csvDelimiter == '\n' || csvDelimiter == '\r')) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                    "the CSV delimiter cannot be a double quote or a line break");
        }
        if (splitBytes < 0) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER, "the split size must not be negative");
        }
    }

    public static ExportSpec csv() {
        return new ExportSpec(ExportFormat.CSV, ExportCompression.NONE, ',', true, false, 0);
    }

    public static ExportSpec parquet() {
        return new ExportSpec(ExportFormat.PARQUET, ExportCompression.SNAPPY, ',', true, false, 0);
    }

    /** The default compression of a format: SNAPPY for Parquet, none for CSV. */
    public static ExportCompression defaultCompression(ExportFormat format) {
        return format == ExportFormat.PARQUET ? ExportCompression.SNAPPY : ExportCompression.NONE;
    }

    /** File name suffix, e.g. {@code .parquet} or {@code .csv.gz}. */
    public String fileSuffix() {
        return "." + format.extension() + (format == ExportFormat.CSV && compression == ExportCompression.GZIP ? ".gz" : "");
    }

    public String contentType() {
        if (format == ExportFormat.PARQUET) {
            return "application/vnd.apache.parquet";
        }
        return compression == ExportCompression.GZIP ? "application/gzip" : "text/csv";
    }
}
