package io.sluice.protocol.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.format.FormatOptions;
import io.sluice.format.ResultFormat;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Reads and validates native API requests; every problem becomes a clear INVALID_INPUT error. */
final class NativeRequests {

    private NativeRequests() {
    }

    static JsonNode body(Context context, ObjectMapper json) {
        String contentType = context.contentType();
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new SluiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the request as 'Content-Type: application/json'");
        }
        return io.sluice.http.JsonBodies.object(context, json);
    }

    static StatementRequest statement(JsonNode body, String protocol) {
        JsonNode sql = body.get("sql");
        if (sql == null || sql.isNull()) {
            throw new SluiceException(ErrorCode.MISSING_SQL, "The field 'sql' is required");
        }
        if (!sql.isTextual() || sql.textValue().isBlank()) {
            throw new SluiceException(ErrorCode.MISSING_SQL, "The field 'sql' must be a non-empty string");
        }
        SessionContext session = new SessionContext(textField(body, "catalog"), textField(body, "schema"),
                zone(textField(body, "timeZone")), null);
        long timeoutMillis = longField(body, "timeoutMs", 0, 0, Long.MAX_VALUE);
        long maxRows = longField(body, "maxRows", 0, 0, Long.MAX_VALUE);
        Duration reuse = null;
        JsonNode reuseNode = body.get("reuse");
        if (reuseNode != null && !reuseNode.isNull()) {
            if (!reuseNode.isObject()) {
                throw invalid("'reuse' must be an object such as {\"maxAgeSeconds\": 60}");
            }
            reuse = Duration.ofSeconds(longField(reuseNode, "maxAgeSeconds", 3600, 1, 7L * 24 * 3600));
        }
        return new StatementRequest(sql.textValue(), JsonParameters.parse(body.get("parameters")), session,
                timeoutMillis == 0 ? null : Duration.ofMillis(timeoutMillis), maxRows, textField(body, "requestId"),
                reuse, protocol);
    }

    static String textField(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid("'" + name + "' must be a string");
        }
        return node.textValue();
    }

    static long longField(JsonNode body, String name, long defaultValue, long min, long max) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw invalid("'" + name + "' must be a whole number between " + min + " and " + max);
        }
        return node.longValue();
    }

    static long queryLong(Context context, String name, long defaultValue, long min, long max) {
        String text = context.queryParam(name);
        if (text == null || text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid("query parameter '" + name + "' must be a whole number between " + min + " and " + max);
        }
    }

    static ZoneId zone(String name) {
        if (name == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw invalid("unknown time zone '" + name + "'");
        }
    }

    /** ?format= wins, then the Accept header, then the default. */
    static ResultFormat format(Context context, ResultFormat defaultFormat) {
        String name = context.queryParam("format");
        if (name != null) {
            return ResultFormat.fromName(name);
        }
        ResultFormat accepted = ResultFormat.fromMediaType(context.header("Accept"));
        return accepted == null ? defaultFormat : accepted;
    }

    /** For /query the body may name the format too. */
    static ResultFormat format(Context context, JsonNode body, ResultFormat defaultFormat) {
        String name = textField(body, "format");
        if (name != null && context.queryParam("format") == null) {
            return ResultFormat.fromName(name);
        }
        return format(context, defaultFormat);
    }

    static FormatOptions formatOptions(Context context, FormatOptions defaults) {
        FormatOptions options = defaults;
        String header = context.queryParam("header");
        if (header != null) {
            options = options.withCsvHeader(!"false".equalsIgnoreCase(header));
        }
        String zone = context.queryParam("timeZone");
        if (zone != null) {
            options = options.withTimeZone(zone(zone));
        }
        return options;
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.MALFORMED_REQUEST, message);
    }
}
