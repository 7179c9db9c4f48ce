package io.sluice.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route runs (a request line or headers too large, a malformed
 * request): the native error body with a fixed message per status. Jetty's own message and exception are
 * never shown — they can quote the offending input, which may be a credential.
 */
final class SluiceErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String[] codeAndText = describe(status);
        String body = "{\"code\":\"" + codeAndText[0] + "\",\"message\":\"" + codeAndText[1] + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    static String[] describe(int status) {
        return switch (status) {
            case 400 -> new String[] {"MALFORMED_REQUEST", "The request is not valid HTTP"};
            case 408 -> new String[] {"REQUEST_TIMEOUT", "The request took too long to arrive"};
            case 413 -> new String[] {"PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts"};
            case 414 -> new String[] {"URI_TOO_LONG", "The request target (path and query) is longer than the server accepts"};
            case 431 -> new String[] {"REQUEST_HEADERS_TOO_LARGE", "The request headers are larger than the server accepts"};
            case 404 -> new String[] {"NOT_FOUND", "Not found"};
            case 405 -> new String[] {"METHOD_NOT_ALLOWED", "Method not allowed"};
            case 503 -> new String[] {"UNAVAILABLE", "The server cannot take the request now"};
            default -> status >= 500 ? new String[] {"INTERNAL_ERROR", "Internal error"}
                    : new String[] {"HTTP_ERROR", "The request was refused"};
        };
    }
}
