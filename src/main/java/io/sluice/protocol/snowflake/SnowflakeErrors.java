package io.sluice.protocol.snowflake;

import io.sluice.core.error.SluiceError;

/**
 * Maps Sluice's one error model onto Snowflake's codes, SQL states, message conventions ("SQL compilation
 * error:" then a newline and the detail) and HTTP statuses.
 */
final class SnowflakeErrors {

    static final String TIMEOUT_CODE = "000630";
    static final String CANCELLED_CODE = "000604";

    private SnowflakeErrors() {
    }

    static SnowflakeException of(SluiceError raw, String handle) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        String detail = error.message();
        return switch (error.code()) {
            case SQL_SYNTAX_ERROR, SQL_CATALOG_ERROR -> SnowflakeCompilationErrors.of(error, handle);
            case SQL_ERROR -> error.sqlState() != null && error.sqlState().startsWith("42")
                    ? SnowflakeCompilationErrors.of(error, handle)
                    : SnowflakeException.failure(sqlErrorCode(error.sqlState()),
                            error.sqlState() == null ? "22000" : error.sqlState(), runtimeMessage(detail == null ? "" : detail),
                            handle);
            case SQL_PERMISSION_DENIED -> SnowflakeException.failure("003001", "42501",
                    "SQL access control error:\n" + detail, handle);
            case INVALID_PARAMETER -> SnowflakeException.failure("002049", "42601",
                    "SQL compilation error:\n" + detail, handle);
            case MISSING_SQL -> SnowflakeException.failure("000900", "42000",
                    "SQL compilation error:\nEmpty SQL statement.", handle);
            case MALFORMED_REQUEST, RESULT_NOT_READY, UNKNOWN_FORMAT, UNSUPPORTED_MEDIA_TYPE ->
                    SnowflakeException.invalidPayload(detail);
            case PAYLOAD_TOO_LARGE -> new SnowflakeException(413, "390142",
                    "Incoming request does not contain a valid payload. " + detail, null, null);
            case TIMEOUT -> SnowflakeException.failure(TIMEOUT_CODE, "57014",
                    "Statement reached its statement or warehouse timeout and was canceled. " + detail, handle);
            case CANCELLED -> SnowflakeException.failure(CANCELLED_CODE, "57014", "SQL execution canceled", handle);
            case STATEMENT_NOT_FOUND, NOT_FOUND, PAGE_OUT_OF_RANGE -> SnowflakeException.notFound(handle);
            case RESULT_EXPIRED -> SnowflakeException.failure("000708", "02000",
                    "The result of statement " + handle + " has expired", handle);
            case UNAUTHENTICATED -> new SnowflakeException(401, "390303", "Invalid OAuth access token. " + detail,
                    null, null);
            case FORBIDDEN -> new SnowflakeException(403, "390101", detail, null, null);
            case BUSY, RATE_LIMITED, ENGINE_COOL_DOWN -> new SnowflakeException(429, "390505", "Too many requests.", null, null);
            // A quota ends the statement: Snowflake reports every failed execution as 422 with its code and SQL
            // state (53400, a configured limit was exceeded). 503 would make drivers retry a poll that cannot succeed.
            case SPOOL_QUOTA_EXCEEDED, EXPORT_QUOTA_EXCEEDED -> SnowflakeException.failure("100000", "53400", detail, handle);
            case ENGINE_UNAVAILABLE, ENGINE_RESTARTED, SHUTTING_DOWN, STORAGE_UNAVAILABLE ->
                    new SnowflakeException(503, "390502", detail, null, handle);
            case SERVER_RESTARTED -> SnowflakeException.failure("000603", "XX000", detail, handle);
            case INTERNAL_ERROR -> new SnowflakeException(500, "390100", detail, null, handle);
        };
    }

    private static final java.util.regex.Pattern NOT_A_NUMBER = java.util.regex.Pattern.compile(
            "Could not convert string '(.*)' to (?:U?(?:TINY|SMALL|BIG|HUGE)?INT(?:EGER|8|16|32|64|128)?|DECIMAL.*|DOUBLE|FLOAT|REAL)",
            java.util.regex.Pattern.DOTALL);

    /**
     * An execution error's message without the engine's error class ("Conversion Error: "), which Snowflake's
     * messages do not have; a text that is no number reads as Snowflake's "Numeric value '…' is not recognized".
     */
    static String runtimeMessage(String detail) {
        String message = SnowflakeCompilationErrors.withoutErrorClass(detail);
        java.util.regex.Matcher number = NOT_A_NUMBER.matcher(message);
        return number.lookingAt() ? "Numeric value '" + number.group(1) + "' is not recognized" : message;
    }

    /** Snowflake's numeric codes for execution errors, chosen by SQL state class. */
    private static String sqlErrorCode(String sqlState) {
        if (sqlState == null) {
            return "100000";
        }
        return switch (sqlState) {
            case "22018" -> "100038";
            case "22003" -> "100039";
            case "22012" -> "100051";
            case "23000" -> "100072";
            case "0A000" -> "002040";
            default -> sqlState.startsWith("42") ? "000904" : "100000";
        };
    }
}
