package io.sluice.protocol.nekt;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.export.ExportCompression;
import io.sluice.core.export.ExportFormat;
import io.sluice.core.export.ExportResult;
import io.sluice.core.export.ExportSpec;
import io.sluice.http.HttpStatuses;
import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nekt's request to an export spec and export results or errors to Nekt's answers.
 *
 * <p>mode_options follow the reference's GCP column, the richest: CSV takes {@code delimiter} (one
 * character, default ','), {@code header} (default true) and {@code compression} (GZIP or NONE);
 * Parquet takes {@code compression} (SNAPPY default, GZIP, ZSTD, NONE). Sluice adds {@code strict}
 * (CSV: refuse LIST/STRUCT/MAP columns instead of writing them as JSON text) and {@code split_size_bytes}.
 * An option that does not apply to the mode is an error, never silently ignored.
 */
final class NektMapper {

    private static final Set<String> CSV_OPTIONS = Set.of("delimiter", "header", "compression", "strict", "split_size_bytes");
    private static final Set<String> PARQUET_OPTIONS = Set.of("compression", "split_size_bytes");

    private NektMapper() {
    }

    /** A request that cannot be run, with DRF-style field errors. */
    static final class InvalidRequest extends RuntimeException {
        final Map<String, List<String>> errors;

        InvalidRequest(String field, String message) {
            super(message, null, false, false);
            this.errors = Map.of(field, List.of(message));
        }
    }

    static String sql(NektRequest request) {
        if (request.sql() == null || request.sql().isNull()) {
            throw new InvalidRequest("sql", "This field is required.");
        }
        if (!request.sql().isTextual()) {
            throw new InvalidRequest("sql", "Not a valid string.");
        }
        if (request.sql().textValue().isBlank()) {
            throw new InvalidRequest("sql", "This field may not be blank.");
        }
        return request.sql().textValue();
    }

    static ExportSpec spec(NektRequest request) {
        ExportFormat format = mode(request.mode());
        JsonNode options = request.modeOptions();
        if (options == null || options.isNull()) {
            return format == ExportFormat.CSV ? ExportSpec.csv() : ExportSpec.parquet();
        }
        if (!options.isObject()) {
            throw new InvalidRequest("mode_options", "Expected a dictionary of items but got type \""
                    + options.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "\".");
        }
        Set<String> allowed = format == ExportFormat.CSV ? CSV_OPTIONS : PARQUET_OPTIONS;
        for (Iterator<String> names = options.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequest("mode_options", "Option '" + name + "' does not apply to mode '"
                        + format.extension() + "'; options for " + format.extension() + ": " + allowed.stream().sorted().toList());
            }
        }
        ExportCompression compression = ExportSpec.defaultCompression(format);
        JsonNode compressionNode = options.get("compression");
        if (compressionNode != null && !compressionNode.isNull()) {
            String name = compressionNode.isTextual() ? compressionNode.textValue() : compressionNode.toString();
            List<String> valid = format == ExportFormat.CSV ? List.of("GZIP", "NONE") : List.of("SNAPPY", "GZIP", "ZSTD", "NONE");
            if (!valid.contains(name.trim().toUpperCase(java.util.Locale.ROOT))) {
                throw new InvalidRequest("mode_options", "\"" + name + "\" is not a valid compression for mode '"
                        + format.extension() + "'; valid: " + valid);
            }
            compression = ExportCompression.parse(name);
        }
        char delimiter = ',';
        JsonNode delimiterNode = options.get("delimiter");
        if (delimiterNode != null) {
            if (!delimiterNode.isTextual() || delimiterNode.textValue().codePointCount(0, delimiterNode.textValue().length()) != 1
                    || delimiterNode.textValue().length() != 1) {
                throw new InvalidRequest("mode_options", "delimiter must be exactly one character.");
            }
            delimiter = delimiterNode.textValue().charAt(0);
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new InvalidRequest("mode_options", "delimiter cannot be a double quote or a line break.");
            }
        }
        boolean header = bool(options, "header", true);
        boolean strict = bool(options, "strict", false);
        long split = 0;
        JsonNode splitNode = options.get("split_size_bytes");
        if (splitNode != null) {
            if (!splitNode.canConvertToLong() || !splitNode.isIntegralNumber() || splitNode.longValue() <= 0) {
                throw new InvalidRequest("mode_options", "split_size_bytes must be a positive whole number.");
            }
            split = splitNode.longValue();
        }
        return new ExportSpec(format, compression, delimiter, header, strict, split);
    }

    private static ExportFormat mode(JsonNode mode) {
        if (mode == null || mode.isNull()) {
            return ExportFormat.CSV;
        }
        String text = mode.isTextual() ? mode.textValue() : mode.toString();
        return switch (text) {
            case "csv" -> ExportFormat.CSV;
            case "parquet" -> ExportFormat.PARQUET;
            default -> throw new InvalidRequest("mode", "\"" + text + "\" is not a valid choice.");
        };
    }

    private static boolean bool(JsonNode options, String name, boolean defaultValue) {
        JsonNode node = options.get(name);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw new InvalidRequest("mode_options", name + " must be true or false.");
        }
        return node.booleanValue();
    }

    static NektResponse succeeded(ExportResult result, URI requestBase) {
        return NektResponse.succeeded(result.files().stream().map(file -> requestBase.resolve(file.url()).toString()).toList(),
                result.dataScannedBytes(), result.executionMillis());
    }

    /** CANCELLED for a cancel, FAILED otherwise; the status follows the error's category. */
    static NektResponse failed(SluiceError raw) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        return NektResponse.failed(error.code() == ErrorCode.CANCELLED ? "CANCELLED" : "FAILED", error.message());
    }

    static int status(SluiceError error) {
        return HttpStatuses.of(error.code().category());
    }

    static Map<String, List<String>> fieldErrors(InvalidRequest invalid) {
        return new LinkedHashMap<>(invalid.errors);
    }
}
