package io.sluice.protocol.ncp;

import io.javalin.http.Context;
import io.sluice.core.error.SluiceError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sluice errors as NCP's common error body with its status codes and numeric error codes: 400/400 for query
 * and request errors (an unknown catalog or schema named the way Data Query names it), 400/10090 for SQL
 * syntax, 400/10091 for a blocked statement, 401/10002 for authentication, 404 for an unknown execution.
 * Codes the vendor does not document repeat the HTTP status.
 */
final class NcpErrors {

    /** How the engine reports a session catalog or schema that does not exist. */
    private static final Pattern NO_CATALOG_OR_SCHEMA = Pattern.compile(
            "No catalog \\+ schema named \"([^\"]*)\" found", Pattern.CASE_INSENSITIVE);

    private NcpErrors() {
    }

    record Rendering(int status, String title, int errorCode, String detail) {
    }

    static void write(Context context, SluiceError error, SessionNames session) {
        Rendering rendering = render(error, session);
        String url = context.fullUrl();
        io.sluice.http.ErrorResponses.retryAfter(context, error);
        context.status(rendering.status()).json(new NcpResponses.ErrorBody(url, rendering.title(), rendering.status(),
                rendering.detail(), context.path(), rendering.errorCode()));
    }

    /** The catalog and schema a statement ran with, to name the one that does not exist. */
    record SessionNames(String dataSource, String database) {
        static final SessionNames NONE = new SessionNames(null, null);
    }

    static Rendering render(SluiceError raw, SessionNames session) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        return switch (error.code()) {
            case UNAUTHENTICATED -> new Rendering(401, "Unauthorized", 10002, "Authentication Failed");
            case SQL_SYNTAX_ERROR -> new Rendering(400, "Bad Request", 10090, error.message());
            case SQL_PERMISSION_DENIED -> new Rendering(400, "Bad Request", 10091, error.message());
            case SQL_CATALOG_ERROR -> new Rendering(400, "Bad Request", 400, catalogMessage(error.message(), session));
            case MALFORMED_REQUEST, MISSING_SQL, INVALID_PARAMETER, SQL_ERROR, RESULT_NOT_READY ->
                    new Rendering(400, "Bad Request", 400, error.message());
            case STATEMENT_NOT_FOUND, NOT_FOUND, PAGE_OUT_OF_RANGE -> new Rendering(404, "Not Found", 404, error.message());
            case RESULT_EXPIRED -> new Rendering(410, "Gone", 410, error.message());
            case FORBIDDEN -> new Rendering(403, "Forbidden", 403, error.message());
            case TIMEOUT -> new Rendering(408, "Request Timeout", 408, error.message());
            case CANCELLED -> new Rendering(400, "Bad Request", 400, error.message());
            case BUSY, RATE_LIMITED, ENGINE_COOL_DOWN, SPOOL_QUOTA_EXCEEDED, EXPORT_QUOTA_EXCEEDED -> new Rendering(429, "Too Many Requests", 429, error.message());
            case PAYLOAD_TOO_LARGE -> new Rendering(413, "Payload Too Large", 413, error.message());
            case UNSUPPORTED_MEDIA_TYPE -> new Rendering(415, "Unsupported Media Type", 415, error.message());
            case UNKNOWN_FORMAT -> new Rendering(406, "Not Acceptable", 406, error.message());
            case ENGINE_UNAVAILABLE, ENGINE_RESTARTED, SHUTTING_DOWN, STORAGE_UNAVAILABLE -> new Rendering(503, "Service Unavailable", 503, error.message());
            case SERVER_RESTARTED, INTERNAL_ERROR -> new Rendering(500, "Internal Server Error", 500, error.message());
        };
    }

    /**
     * An unknown session catalog or schema named as Data Query names it ({@code Catalog 'x' does not exist},
     * {@code Schema 'y' does not exist}); any other catalog error keeps the engine's words.
     */
    static String catalogMessage(String message, SessionNames session) {
        Matcher matcher = NO_CATALOG_OR_SCHEMA.matcher(message);
        if (!matcher.find() || (session.dataSource() == null && session.database() == null)) {
            return message;
        }
        if (session.dataSource() != null && session.database() != null) {
            return "Schema '" + session.database() + "' does not exist in catalog '" + session.dataSource()
                    + "' (or catalog '" + session.dataSource() + "' does not exist)";
        }
        return session.dataSource() != null
                ? "Catalog '" + session.dataSource() + "' does not exist"
                : "Schema '" + session.database() + "' does not exist";
    }
}
