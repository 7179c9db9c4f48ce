package io.sluice.protocol.trino;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.util.List;
import java.util.Locale;

/**
 * Sluice's error model in Trino's: each error code becomes one of Trino's standard error codes (its number, name
 * and type, as io.trino.spi.StandardErrorCode numbers them), with the engine's position as {@code errorLocation}
 * and a {@code failureInfo} that names the failure but never carries a stack trace.
 */
final class TrinoErrors {

    /** A Trino standard error: its code, its name and its type (USER_ERROR, INTERNAL_ERROR, INSUFFICIENT_RESOURCES). */
    record Standard(int code, String name, String type) {
        static final Standard GENERIC_USER_ERROR = user(0, "GENERIC_USER_ERROR");
        static final Standard SYNTAX_ERROR = user(1, "SYNTAX_ERROR");
        static final Standard ABANDONED_QUERY = user(2, "ABANDONED_QUERY");
        static final Standard USER_CANCELED = user(3, "USER_CANCELED");
        static final Standard PERMISSION_DENIED = user(4, "PERMISSION_DENIED");
        static final Standard NOT_FOUND = user(5, "NOT_FOUND");
        static final Standard FUNCTION_NOT_FOUND = user(6, "FUNCTION_NOT_FOUND");
        static final Standard NOT_SUPPORTED = user(13, "NOT_SUPPORTED");
        static final Standard INVALID_SESSION_PROPERTY = user(14, "INVALID_SESSION_PROPERTY");
        static final Standard QUERY_REJECTED = user(31, "QUERY_REJECTED");
        static final Standard QUERY_TEXT_TOO_LARGE = user(35, "QUERY_TEXT_TOO_LARGE");
        static final Standard CATALOG_NOT_FOUND = user(44, "CATALOG_NOT_FOUND");
        static final Standard SCHEMA_NOT_FOUND = user(45, "SCHEMA_NOT_FOUND");
        static final Standard TABLE_NOT_FOUND = user(46, "TABLE_NOT_FOUND");
        static final Standard COLUMN_NOT_FOUND = user(47, "COLUMN_NOT_FOUND");
        static final Standard GENERIC_INTERNAL_ERROR = new Standard(0x1_0000, "GENERIC_INTERNAL_ERROR", "INTERNAL_ERROR");
        static final Standard SERVER_SHUTTING_DOWN = new Standard(0x1_0009, "SERVER_SHUTTING_DOWN", "INTERNAL_ERROR");
        static final Standard GENERIC_INSUFFICIENT_RESOURCES =
                new Standard(0x2_0000, "GENERIC_INSUFFICIENT_RESOURCES", "INSUFFICIENT_RESOURCES");
        static final Standard QUERY_QUEUE_FULL = new Standard(0x2_0002, "QUERY_QUEUE_FULL", "INSUFFICIENT_RESOURCES");
        static final Standard EXCEEDED_TIME_LIMIT = new Standard(0x2_0003, "EXCEEDED_TIME_LIMIT", "INSUFFICIENT_RESOURCES");

        private static Standard user(int code, String name) {
            return new Standard(code, name, "USER_ERROR");
        }
    }

    private TrinoErrors() {
    }

    static TrinoResponses.QueryError render(SluiceError error) {
        return render(error, standard(error));
    }

    static TrinoResponses.QueryError render(SluiceError error, Standard standard) {
        TrinoResponses.ErrorLocation location = error.position() == null ? null
                : new TrinoResponses.ErrorLocation(error.position().line(), error.position().column());
        TrinoResponses.FailureInfo failure = new TrinoResponses.FailureInfo("io.trino.spi.TrinoException",
                error.message(), null, List.of(), List.of(), location);
        return new TrinoResponses.QueryError(error.message(), error.sqlState(), standard.code(), standard.name(),
                standard.type(), location, failure);
    }

    /** The Trino error a Sluice error is closest to. */
    static Standard standard(SluiceError error) {
        return switch (error.code()) {
            case SQL_SYNTAX_ERROR -> Standard.SYNTAX_ERROR;
            case SQL_CATALOG_ERROR -> missing(error.message());
            case SQL_PERMISSION_DENIED, FORBIDDEN, UNAUTHENTICATED -> Standard.PERMISSION_DENIED;
            case CANCELLED -> Standard.USER_CANCELED;
            case TIMEOUT -> Standard.EXCEEDED_TIME_LIMIT;
            case BUSY -> Standard.QUERY_QUEUE_FULL;
            case RATE_LIMITED, ENGINE_COOL_DOWN -> Standard.QUERY_REJECTED;
            case SPOOL_QUOTA_EXCEEDED, EXPORT_QUOTA_EXCEEDED -> Standard.GENERIC_INSUFFICIENT_RESOURCES;
            case NOT_FOUND, STATEMENT_NOT_FOUND, PAGE_OUT_OF_RANGE, RESULT_EXPIRED -> Standard.NOT_FOUND;
            case PAYLOAD_TOO_LARGE -> Standard.QUERY_TEXT_TOO_LARGE;
            case SHUTTING_DOWN -> Standard.SERVER_SHUTTING_DOWN;
            case MALFORMED_REQUEST, MISSING_SQL, INVALID_PARAMETER, RESULT_NOT_READY, SQL_ERROR, UNKNOWN_FORMAT,
                 UNSUPPORTED_MEDIA_TYPE -> Standard.GENERIC_USER_ERROR;
            case STORAGE_UNAVAILABLE, ENGINE_UNAVAILABLE, ENGINE_RESTARTED, SERVER_RESTARTED, INTERNAL_ERROR ->
                    Standard.GENERIC_INTERNAL_ERROR;
        };
    }

    /** The engine says what it could not find in its message; Trino has a code for each kind of object. */
    private static Standard missing(String message) {
        String text = message.toLowerCase(Locale.ROOT);
        // DuckDB prefixes every such message with "Catalog Error:", whatever was missing.
        if (text.startsWith("catalog error:")) {
            text = text.substring("catalog error:".length());
        }
        if (text.startsWith("object '") && text.contains("does not exist or not authorized")) {
            // A missing or hidden object named in a statement (Sluice words both alike): in practice a table or view.
            return Standard.TABLE_NOT_FOUND;
        }
        if (text.contains("function")) {
            return Standard.FUNCTION_NOT_FOUND;
        }
        if (text.contains("column") || text.contains("referenced")) {
            return Standard.COLUMN_NOT_FOUND;
        }
        if (text.contains("catalog")) {
            return Standard.CATALOG_NOT_FOUND;
        }
        if (text.contains("schema")) {
            return Standard.SCHEMA_NOT_FOUND;
        }
        if (text.contains("table") || text.contains("view")) {
            return Standard.TABLE_NOT_FOUND;
        }
        return Standard.NOT_FOUND;
    }

    /** An error the adapter raises itself (a bad header, an unknown prepared statement…). */
    static SluiceError of(String message) {
        return SluiceError.of(ErrorCode.SQL_ERROR, message);
    }
}
