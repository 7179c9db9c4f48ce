package io.sluice.core.error;

/** Carries a {@link SluiceError} through the stack. Adapters render the error; they never show the stack. */
public class SluiceException extends RuntimeException {
    private final transient SluiceError error;

    public SluiceException(SluiceError error) {
        super(error.message());
        this.error = error;
    }

    public SluiceException(SluiceError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public SluiceException(ErrorCode code, String message) {
        this(SluiceError.of(code, message));
    }

    public SluiceError error() {
        return error;
    }

    public ErrorCode code() {
        return error.code();
    }
}
