package io.sluice.format;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.ResultSchema;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The result formats Sluice can produce, with the names and media types clients ask for them by. */
public enum ResultFormat {
    /** A JSON array with one object per row, keyed by column name. */
    JSON("json", "application/json", "json"),
    /** A JSON array with one array per row, values in column order. */
    JSON_ARRAY("json-array", "application/json", "json"),
    /** One JSON object per line, each line ended by LF. */
    NDJSON("ndjson", "application/x-ndjson", "ndjson"),
    /** One JSON array per line, each line ended by LF. */
    NDJSON_ARRAY("ndjson-array", "application/x-ndjson", "ndjson"),
    /** RFC 4180 CSV with LF line endings. */
    CSV("csv", "text/csv", "csv"),
    PARQUET("parquet", "application/vnd.apache.parquet", "parquet"),
    /** Arrow IPC stream format. */
    ARROW("arrow", "application/vnd.apache.arrow.stream", "arrows");

    private final String formatName;
    private final String mediaType;
    private final String fileExtension;

    ResultFormat(String formatName, String mediaType, String fileExtension) {
        this.formatName = formatName;
        this.mediaType = mediaType;
        this.fileExtension = fileExtension;
    }

    /** The stable name used in URLs, e.g. {@code json-array}. */
    public String formatName() {
        return formatName;
    }

    public String mediaType() {
        return mediaType;
    }

    /** File extension without the dot. */
    public String fileExtension() {
        return fileExtension;
    }

    /**
     * The format with this URL name, ignoring case.
     *
     * @throws SluiceException UNKNOWN_FORMAT listing the valid names
     */
    public static ResultFormat fromName(String name) {
        if (name != null) {
            String wanted = name.trim();
            for (ResultFormat format : values()) {
                if (format.formatName.equalsIgnoreCase(wanted)) {
                    return format;
                }
            }
        }
        String valid = Arrays.stream(values()).map(ResultFormat::formatName).collect(Collectors.joining(", "));
        throw new SluiceException(ErrorCode.UNKNOWN_FORMAT,
                "unknown result format '" + name + "'; valid formats are: " + valid);
    }

    /**
     * The first supported media type in an Accept header, in the client's order (quality values are not
     * weighed; clients list their preference first). A media type shared by two formats gives the
     * object form (JSON, NDJSON).
     *
     * @return null when the header is missing, blank, names only wildcards or nothing supported, so the
     *     caller picks its default (or refuses, when it wants to be strict)
     */
    public static ResultFormat fromMediaType(String acceptHeader) {
        if (acceptHeader == null || acceptHeader.isBlank()) {
            return null;
        }
        for (String entry : acceptHeader.split(",")) {
            int parameters = entry.indexOf(';');
            String type = (parameters < 0 ? entry : entry.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
            for (ResultFormat format : values()) {
                if (format.mediaType.equals(type)) {
                    return format;
                }
            }
        }
        return null;
    }

    /** A streaming encoder writing this format to {@code out}; the caller still owns (and closes) {@code out}. */
    public ResultEncoder encoder(OutputStream out, ResultSchema schema, FormatOptions options) {
        return switch (this) {
            case JSON -> new JsonEncoder(out, schema, options, true, false);
            case JSON_ARRAY -> new JsonEncoder(out, schema, options, false, false);
            case NDJSON -> new JsonEncoder(out, schema, options, true, true);
            case NDJSON_ARRAY -> new JsonEncoder(out, schema, options, false, true);
            case CSV -> new CsvEncoder(out, schema, options);
            case PARQUET -> new ParquetEncoder(out, schema, options);
            case ARROW -> new ArrowEncoder(out, schema);
        };
    }
}
