package io.sluice.protocol.nekt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/sql-query/}: {@code sql}, {@code mode} (csv | parquet) and
 * {@code mode_options}. Kept as the client sent it; {@link NektMapper} validates it.
 */
record NektRequest(JsonNode sql, JsonNode mode, JsonNode modeOptions) {

    static NektRequest of(JsonNode body) {
        return new NektRequest(body.get("sql"), body.get("mode"), body.get("mode_options"));
    }

    /** Field errors in Django REST Framework's shape: field name → list of messages. */
    record FieldErrors(Map<String, java.util.List<String>> errors) {
    }
}
