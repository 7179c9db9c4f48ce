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
            context.header("Retry-After", "1");
        }
        context.json(body(error, statementId));
    }
}
