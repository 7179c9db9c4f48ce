package io.sluice.core.export;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.Locale;

/**
 * Compression of exported files. CSV files are either plain or GZIP streams; Parquet compresses inside the
 * file (its pages), so the file keeps its .parquet name whatever the codec.
 */
public enum ExportCompression {
    NONE,
    GZIP,
    SNAPPY,
    ZSTD;

    /** The codec with this name, ignoring case ({@code UNCOMPRESSED} is accepted for NONE). */
    public static ExportCompression parse(String name) {
        if (name != null) {
            String wanted = name.trim().toUpperCase(Locale.ROOT);
            if (wanted.equals("UNCOMPRESSED")) {
                return NONE;
            }
            for (ExportCompression value : values()) {
                if (value.name().equals(wanted)) {
                    return value;
                }
            }
        }
        throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                "unknown compression '" + name + "'; valid values are NONE, GZIP, SNAPPY, ZSTD");
    }

    /** Whether a file of {@code format} can use this codec. */
    public boolean appliesTo(ExportFormat format) {
        return switch (format) {
            case CSV -> this == NONE || this == GZIP;
            case PARQUET -> true;
        };
    }
}
