package io.sluice.http;

import io.sluice.core.error.ErrorCategory;

/** The native mapping of error categories to HTTP status codes; vendor adapters keep their own. */
public final class HttpStatuses {

    private HttpStatuses() {
    }

    public static int of(ErrorCategory category) {
        return switch (category) {
            case INVALID_INPUT, SQL -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case NOT_ACCEPTABLE -> 406;
            case GONE -> 410;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case BUSY, QUOTA -> 429;
            case CANCELLED -> 499;
            case TIMEOUT -> 504;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }
}
