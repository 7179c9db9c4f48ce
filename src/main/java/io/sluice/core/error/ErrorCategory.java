package io.sluice.core.error;

/**
 * What kind of failure an error is. Each protocol adapter maps a category to its own status code and
 * error shape; the core itself knows nothing of HTTP.
 */
public enum ErrorCategory {
    /** The request itself is wrong: malformed body, bad parameter, unknown format. */
    INVALID_INPUT,
    /** The SQL could not be run as written: syntax, unknown table, type mismatch, constraint. */
    SQL,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    /** The resource existed but is gone: results past retention. */
    GONE,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_ACCEPTABLE,
    /** Admission control refused: too many statements running and queued. */
    BUSY,
    TIMEOUT,
    CANCELLED,
    /** A server-side limit such as the spool disk quota was reached. */
    QUOTA,
    UNAVAILABLE,
    INTERNAL
}
