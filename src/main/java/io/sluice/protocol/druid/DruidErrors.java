package io.sluice.protocol.druid;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.sluice.core.error.SluiceError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sluice errors in Druid's shape and status codes. Druid answers with the current DruidException fields
 * ({@code error, errorCode, persona, category, errorMessage, context}); on {@code /druid/v2/sql} it keeps the
 * legacy query-error fields too ({@code error} as the legacy code, {@code errorClass}, {@code host}), as its
 * compatibility wrapper does, so clients of either generation can read it.
 */
final class DruidErrors {

    /** One Druid error body; absent fields are omitted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"error", "errorClass", "host", "errorCode", "persona", "category", "errorMessage", "context"})
    record Body(String error, String errorClass, String host, String errorCode, String persona, String category,
                String errorMessage, Map<String, String> context) {
    }

    /** How Druid classifies one kind of failure. */
    private record Kind(int status, String legacyError, String errorClass, String errorCode, String persona,
                        String category) {
    }

    private static final String INVALID_INPUT_CLASS = "org.apache.druid.error.DruidException";

    private DruidErrors() {
    }

    static int status(SluiceError error) {
        return kind(error).status();
    }

    /** The body for {@code /druid/v2/sql}: legacy fields plus the DruidException fields. */
    static Body legacy(SluiceError raw, String host) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        Kind kind = kind(error);
        Map<String, String> context = context(error, kind);
        if ("legacyQueryException".equals(kind.errorCode())) {
            context.put("legacyErrorCode", kind.legacyError());
            context.put("errorClass", kind.errorClass());
            context.put("host", host);
        }
        return new Body(kind.legacyError(), kind.errorClass(), host, kind.errorCode(), kind.persona(), kind.category(),
                error.message(), context);
    }

    /** The body of the statements API: {@code error, errorCode, persona, category, errorMessage, context}. */
    static Body current(SluiceError raw) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        Kind kind = kind(error);
        return new Body("druidException", null, null, kind.errorCode(), kind.persona(), kind.category(),
                error.message(), context(error, kind));
    }

    private static Map<String, String> context(SluiceError error, Kind kind) {
        Map<String, String> context = new LinkedHashMap<>();
        switch (error.code()) {
            case SQL_SYNTAX_ERROR, SQL_CATALOG_ERROR, SQL_ERROR, SQL_PERMISSION_DENIED -> {
                context.put("sourceType", "sql");
                if (error.position() != null) {
                    context.put("line", Integer.toString(error.position().line()));
                    context.put("column", Integer.toString(error.position().column()));
                }
            }
            default -> { }
        }
        if (error.sqlState() != null) {
            context.put("sqlState", error.sqlState());
        }
        return context;
    }

    private static Kind kind(SluiceError error) {
        return switch (error.code()) {
            case SQL_SYNTAX_ERROR -> new Kind(400, "SQL parse failed", "org.apache.calcite.sql.parser.SqlParseException",
                    "invalidInput", "USER", "INVALID_INPUT");
            case SQL_CATALOG_ERROR, SQL_ERROR, SQL_PERMISSION_DENIED -> new Kind(400, "Plan validation failed",
                    "org.apache.calcite.tools.ValidationException", "invalidInput", "USER", "INVALID_INPUT");
            case MALFORMED_REQUEST, MISSING_SQL, INVALID_PARAMETER, UNKNOWN_FORMAT, RESULT_NOT_READY,
                 PAGE_OUT_OF_RANGE -> new Kind(400, "druidException", INVALID_INPUT_CLASS, "invalidInput", "USER",
                    "INVALID_INPUT");
            case UNSUPPORTED_MEDIA_TYPE -> new Kind(415, "druidException", INVALID_INPUT_CLASS, "invalidInput", "USER",
                    "INVALID_INPUT");
            // Druid's router answers a body past its limit with 413; the body keeps Druid's error shape.
            case PAYLOAD_TOO_LARGE -> new Kind(413, "Resource limit exceeded",
                    "org.apache.druid.query.ResourceLimitExceededException", "legacyQueryException", "OPERATOR",
                    "INVALID_INPUT");
            case UNAUTHENTICATED -> new Kind(401, "Unauthorized", "org.apache.druid.server.security.ForbiddenException",
                    "general", "USER", "UNAUTHORIZED");
            case FORBIDDEN -> new Kind(403, "Forbidden", "org.apache.druid.server.security.ForbiddenException",
                    "general", "USER", "FORBIDDEN");
            case NOT_FOUND, STATEMENT_NOT_FOUND, RESULT_EXPIRED -> new Kind(404, "druidException", INVALID_INPUT_CLASS,
                    "notFound", "USER", "NOT_FOUND");
            // Druid reports a query that passed a configured resource limit as ResourceLimitExceededException (400);
            // 429 is for the lanes being full, which clears by itself.
            case SPOOL_QUOTA_EXCEEDED, EXPORT_QUOTA_EXCEEDED -> new Kind(400, "Resource limit exceeded",
                    "org.apache.druid.query.ResourceLimitExceededException", "legacyQueryException", "OPERATOR",
                    "CAPACITY_EXCEEDED");
            case BUSY, RATE_LIMITED, ENGINE_COOL_DOWN -> new Kind(429, "Query capacity exceeded",
                    "org.apache.druid.query.QueryCapacityExceededException", "legacyQueryException", "OPERATOR",
                    "CAPACITY_EXCEEDED");
            case TIMEOUT -> new Kind(504, "Query timeout", "java.util.concurrent.TimeoutException",
                    "legacyQueryException", "OPERATOR", "TIMEOUT");
            case CANCELLED -> new Kind(500, "Query cancelled", "org.apache.druid.query.QueryInterruptedException",
                    "legacyQueryException", "OPERATOR", "CANCELED");
            case ENGINE_UNAVAILABLE, ENGINE_RESTARTED, SHUTTING_DOWN, STORAGE_UNAVAILABLE -> new Kind(503, "Query capacity exceeded",
                    "org.apache.druid.query.QueryUnsupportedException", "legacyQueryException", "OPERATOR",
                    "SERVICE_UNAVAILABLE");
            case SERVER_RESTARTED, INTERNAL_ERROR -> new Kind(500, "Unknown exception", "java.lang.RuntimeException",
                    "legacyQueryException", "OPERATOR", "RUNTIME_FAILURE");
        };
    }
}
