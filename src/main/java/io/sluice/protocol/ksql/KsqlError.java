package io.sluice.protocol.ksql;

import io.sluice.core.error.SluiceError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ksqlDB's error body: {@code {"@type":"generic_error"|"statement_error","error_code":<status×100+n>,"message":…}}
 * (a statement_error adds statementText and the entities of statements that already ran).
 */
record KsqlError(int status, int errorCode, String message) {

    static final int BAD_REQUEST = 40000;
    static final int BAD_STATEMENT = 40001;
    static final int QUERY_ENDPOINT = 40002;

    static KsqlError of(SluiceError raw) {
        SluiceError error = io.sluice.http.ClientErrors.visible(raw);
        return switch (error.code().category()) {
            case UNAUTHENTICATED -> new KsqlError(401, 40100, error.message());
            case FORBIDDEN -> new KsqlError(403, 40300, error.message());
            case NOT_FOUND -> new KsqlError(404, 40400, error.message());
            case TOO_LARGE -> new KsqlError(413, 41300, error.message());
            case INVALID_INPUT, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE -> new KsqlError(400, BAD_REQUEST, error.message());
            case SQL -> new KsqlError(400, BAD_STATEMENT, error.message());
            case UNAVAILABLE -> new KsqlError(503, 50300, error.message());
            case BUSY, QUOTA -> new KsqlError(429, 42900, error.message());
            default -> new KsqlError(500, 50000, error.message());
        };
    }

    Map<String, Object> generic() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@type", "generic_error");
        body.put("error_code", errorCode);
        body.put("message", message);
        return body;
    }

    Map<String, Object> statement(String statementText, List<Object> entities) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@type", "statement_error");
        body.put("error_code", errorCode);
        body.put("message", message);
        body.put("statementText", statementText);
        body.put("entities", entities);
        return body;
    }
}
