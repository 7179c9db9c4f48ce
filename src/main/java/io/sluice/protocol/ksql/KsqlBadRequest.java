package io.sluice.protocol.ksql;

/** A request ksqlDB refuses before running anything: a 400 with a generic_error body and this error code. */
final class KsqlBadRequest extends RuntimeException {

    private final int errorCode;

    KsqlBadRequest(String message) {
        this(KsqlError.BAD_REQUEST, message);
    }

    KsqlBadRequest(int errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    int errorCode() {
        return errorCode;
    }
}
