package io.sluice.core.error;

import java.util.Objects;

/**
 * The one error model: a stable code, a message meant for the client, the SQLSTATE where the engine
 * gives one, and the 1-based line/column in the SQL text where the engine points at one.
 *
 * @param retryAfterSeconds for a refusal that ends at a known time (a cool-down), how many seconds until a retry
 *     can succeed; null when not known. Protocols that tell clients when to come back (HTTP's Retry-After) use it.
 */
public record SluiceError(ErrorCode code, String message, String sqlState, Position position, Long retryAfterSeconds) {

    public record Position(int line, int column) {
    }

    public SluiceError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (retryAfterSeconds != null && retryAfterSeconds < 1) {
            retryAfterSeconds = 1L;
        }
    }

    public SluiceError(ErrorCode code, String message, String sqlState, Position position) {
        this(code, message, sqlState, position, null);
    }

    /** A refusal a client may retry after {@code seconds} (at least one). */
    public static SluiceError retryAfter(ErrorCode code, String message, long seconds) {
        return new SluiceError(code, message, null, null, seconds);
    }

    public static SluiceError of(ErrorCode code, String message) {
        return new SluiceError(code, message, null, null);
    }

    public ErrorCategory category() {
        return code.category();
    }
}
