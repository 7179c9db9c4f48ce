package io.sluice.core.error;

import java.util.Objects;

/**
 * The one error model: a stable code, a message meant for the client, the SQLSTATE where the engine
 * gives one, and the 1-based line/column in the SQL text where the engine points at one.
 */
public record SluiceError(ErrorCode code, String message, String sqlState, Position position) {

    public record Position(int line, int column) {
    }

    public SluiceError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static SluiceError of(ErrorCode code, String message) {
        return new SluiceError(code, message, null, null);
    }

    public ErrorCategory category() {
        return code.category();
    }
}
