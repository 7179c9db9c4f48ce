package io.sluice.core.error;

/** Stable, documented error codes. The name is what clients see; the category decides the status. */
public enum ErrorCode {
    MALFORMED_REQUEST(ErrorCategory.INVALID_INPUT),
    MISSING_SQL(ErrorCategory.INVALID_INPUT),
    INVALID_PARAMETER(ErrorCategory.INVALID_INPUT),
    UNKNOWN_FORMAT(ErrorCategory.NOT_ACCEPTABLE),
    PAGE_OUT_OF_RANGE(ErrorCategory.NOT_FOUND),
    RESULT_NOT_READY(ErrorCategory.INVALID_INPUT),
    SQL_SYNTAX_ERROR(ErrorCategory.SQL),
    SQL_CATALOG_ERROR(ErrorCategory.SQL),
    SQL_ERROR(ErrorCategory.SQL),
    /** The SQL tried something the locked-down engine refuses: files, extensions, settings. */
    SQL_PERMISSION_DENIED(ErrorCategory.SQL),
    UNAUTHENTICATED(ErrorCategory.UNAUTHENTICATED),
    FORBIDDEN(ErrorCategory.FORBIDDEN),
    NOT_FOUND(ErrorCategory.NOT_FOUND),
    STATEMENT_NOT_FOUND(ErrorCategory.NOT_FOUND),
    RESULT_EXPIRED(ErrorCategory.GONE),
    PAYLOAD_TOO_LARGE(ErrorCategory.TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE(ErrorCategory.UNSUPPORTED_MEDIA_TYPE),
    BUSY(ErrorCategory.BUSY),
    /** The principal went past its statements-per-minute or concurrent-statements limit. */
    RATE_LIMITED(ErrorCategory.BUSY),
    TIMEOUT(ErrorCategory.TIMEOUT),
    CANCELLED(ErrorCategory.CANCELLED),
    SPOOL_QUOTA_EXCEEDED(ErrorCategory.QUOTA),
    /** An export would take the principal past its quota of exported bytes. */
    EXPORT_QUOTA_EXCEEDED(ErrorCategory.QUOTA),
    /** The object store for exported files cannot be reached or refused the write. */
    STORAGE_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
    ENGINE_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
    /**
     * The engine process the statement ran on died (out of memory, killed by the watchdog, crashed) and was
     * replaced; the statement did not finish. Retrying is safe for queries; the principal may be cooled down.
     */
    ENGINE_RESTARTED(ErrorCategory.UNAVAILABLE),
    /**
     * The principal's statements took an engine down too often recently; it is refused until its cool-down
     * ends (a 429 with Retry-After in every protocol).
     */
    ENGINE_COOL_DOWN(ErrorCategory.BUSY),
    SHUTTING_DOWN(ErrorCategory.UNAVAILABLE),
    /** The server stopped while the statement ran; it never finished. */
    SERVER_RESTARTED(ErrorCategory.INTERNAL),
    INTERNAL_ERROR(ErrorCategory.INTERNAL);

    private final ErrorCategory category;

    ErrorCode(ErrorCategory category) {
        this.category = category;
    }

    public ErrorCategory category() {
        return category;
    }
}
