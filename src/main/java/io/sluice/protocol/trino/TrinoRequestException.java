package io.sluice.protocol.trino;

/**
 * A request the protocol itself refuses before any statement exists: a malformed header (400), an unknown or
 * expired nextUri (404, 410), a missing credential (401). Rendered as Trino's error body with that status.
 */
final class TrinoRequestException extends RuntimeException {

    private final int status;
    private final TrinoErrors.Standard standard;

    TrinoRequestException(int status, TrinoErrors.Standard standard, String message) {
        super(message, null, false, false);
        this.status = status;
        this.standard = standard;
    }

    static TrinoRequestException badRequest(String message) {
        return new TrinoRequestException(400, TrinoErrors.Standard.GENERIC_USER_ERROR, message);
    }

    int status() {
        return status;
    }

    TrinoErrors.Standard standard() {
        return standard;
    }
}
