package io.sluice.protocol.ksql;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself before any route runs (a malformed header such as a Basic credential with control
 * characters, headers or a request line too large), in ksqlDB's error shape on ksqlDB's paths; every other
 * path keeps the server's own error handler. Like that handler it writes a fixed message per status and never
 * Jetty's, which may quote the offending input (a credential).
 */
final class KsqlHttpErrors extends ErrorHandler {

    private final Request.Handler others;
    private final Set<String> ksqlPaths;

    KsqlHttpErrors(Request.Handler others, Set<String> ksqlPaths) {
        this.others = others;
        this.ksqlPaths = ksqlPaths;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        if (others != null && (path == null || !ksqlPaths.contains(path))) {
            return others.handle(request, response, callback);
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) throws IOException {
        KsqlError error = new KsqlError(status, status * 100, describe(status));
        String body = "{\"@type\":\"generic_error\",\"error_code\":" + error.errorCode() + ",\"message\":\"" + error.message() + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    static String describe(int status) {
        return switch (status) {
            case 400 -> "The request is not valid HTTP";
            case 408 -> "The request took too long to arrive";
            case 413 -> "The request body is larger than the server accepts";
            case 414 -> "The request target (path and query) is longer than the server accepts";
            case 431 -> "The request headers are larger than the server accepts";
            case 503 -> "The server cannot take the request now";
            default -> status >= 500 ? "Internal error" : "The request was refused";
        };
    }
}
