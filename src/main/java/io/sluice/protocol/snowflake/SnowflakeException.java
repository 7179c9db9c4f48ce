package io.sluice.protocol.snowflake;

/**
 * A failure already expressed the Snowflake way: the HTTP status and the body fields of a
 * QueryFailureStatus (or of the generic {code, message} body for 400/401/429).
 */
final class SnowflakeException extends RuntimeException {

    private final int status;
    private final String code;
    private final String sqlState;
    private final String statementHandle;

    SnowflakeException(int status, String code, String message, String sqlState, String statementHandle) {
        super(message);
        this.status = status;
        this.code = code;
        this.sqlState = sqlState;
        this.statementHandle = statementHandle;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String sqlState() {
        return sqlState;
    }

    String statementHandle() {
        return statementHandle;
    }

    /** 400 390142: the body is not a valid request. */
    static SnowflakeException invalidPayload(String detail) {
        return new SnowflakeException(400, "390142", "Incoming request does not contain a valid payload."
                + (detail == null ? "" : " " + detail), null, null);
    }

    /** 422 for an execution (or compilation) error of a statement. */
    static SnowflakeException failure(String code, String sqlState, String message, String handle) {
        return new SnowflakeException(422, code, message, sqlState, handle);
    }

    static SnowflakeException notFound(String handle) {
        return failure("000709", "02000", "Statement " + handle + " not found", handle);
    }
}
