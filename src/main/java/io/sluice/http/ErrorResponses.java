package io.sluice.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import io.sluice.core.error.SluiceError;

/**
 * The native error body, the same on every native endpoint:
 * {@code {"code", "message", "sqlState", "statementId", "position": {"line", "column"}}}.
 */
public final class ErrorResponses {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorBody(String code, String message, String sqlState, String statementId,
                            SluiceError.Position position) {
    }

    private ErrorResponses() {
    }

    public static ErrorBody body(SluiceError raw, String statementId) {
        SluiceError error = ClientErrors.visible(raw);
        return new ErrorBody(error.code().name(), error.message(), error.sqlState(), statementId, error.position());
    }

    public static void write(Context context, SluiceError error, String statementId) {
        int status = HttpStatuses.of(error.category());
        context.status(status);
        if (status == 429) {
            context.header("Retry-After", retryAfterSeconds(error));
        }
        context.json(body(error, statementId));
    }

    /**
     * Sets Retry-After when the error knows when a retry can succeed (a cool-down): every protocol's error writer
     * calls this, whatever its body. Other 429s get the server's default of a second (SluiceHttpServer).
     */
    public static void retryAfter(Context context, SluiceError error) {
        if (error.retryAfterSeconds() != null && !context.res().isCommitted()) {
            context.header("Retry-After", retryAfterSeconds(error));
        }
    }

    private static String retryAfterSeconds(SluiceError error) {
        return error.retryAfterSeconds() == null ? "1" : Long.toString(error.retryAfterSeconds());
    }
}
