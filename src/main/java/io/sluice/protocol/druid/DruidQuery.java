package io.sluice.protocol.druid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The body of {@code POST /druid/v2/sql} and {@code POST /druid/v2/sql/statements}:
 * {@code query, resultFormat, header, typesHeader, sqlTypesHeader, context, parameters}. A
 * {@code text/plain} body (or a form-encoded one) is the SQL itself, answered as {@code object}.
 */
record DruidQuery(String query, DruidFormat resultFormat, boolean header, boolean typesHeader,
                  boolean sqlTypesHeader, ObjectNode context, Parameters parameters) {

    static DruidQuery parse(String contentType, String body, ObjectMapper json) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/plain")) {
            return plain(body);
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            try {
                return plain(URLDecoder.decode(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw malformed("The form-encoded body has a malformed %-escape");
            }
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed("Malformed JSON request body: " + io.sluice.http.JsonBodies.describe(e));
        }
        if (node == null || !node.isObject()) {
            throw malformed("The request body must be a JSON object with a 'query'");
        }
        JsonNode query = node.get("query");
        if (query != null && !query.isNull() && !query.isTextual()) {
            throw malformed("'query' must be a string");
        }
        JsonNode format = node.get("resultFormat");
        if (format != null && !format.isNull() && !format.isTextual()) {
            throw malformed("'resultFormat' must be a string");
        }
        JsonNode context = node.get("context");
        if (context != null && !context.isNull() && !context.isObject()) {
            throw malformed("'context' must be a JSON object");
        }
        boolean header = bool(node, "header");
        boolean typesHeader = bool(node, "typesHeader");
        boolean sqlTypesHeader = bool(node, "sqlTypesHeader");
        if ((typesHeader || sqlTypesHeader) && !header) {
            throw malformed("If [typesHeader] or [sqlTypesHeader] is set, [header] must also be set");
        }
        String sql = query == null || query.isNull() ? "" : query.textValue();
        if (sql.isBlank()) {
            throw new SluiceException(ErrorCode.MISSING_SQL, "Query must not be empty");
        }
        return new DruidQuery(sql, DruidFormat.parse(format == null || format.isNull() ? null : format.textValue(), DruidFormat.OBJECT),
                header, typesHeader, sqlTypesHeader,
                context instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode(),
                DruidParameters.parse(node.get("parameters")));
    }

    private static DruidQuery plain(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new SluiceException(ErrorCode.MISSING_SQL, "Query must not be empty");
        }
        return new DruidQuery(sql, DruidFormat.OBJECT, false, false, false, JsonNodeFactory.instance.objectNode(),
                Parameters.NONE);
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw malformed("'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** {@code context.sqlQueryId}, or null when the client left it to Druid. */
    String sqlQueryId() {
        JsonNode id = context.get("sqlQueryId");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isValueNode() || id.asText().isBlank()) {
            throw malformed("context.sqlQueryId must be a non-empty string");
        }
        return id.asText();
    }

    /** {@code context.sqlTimeZone}: an IANA name or an offset such as {@code -08:00}; UTC by default. */
    ZoneId timeZone() {
        JsonNode zone = context.get("sqlTimeZone");
        if (zone == null || zone.isNull()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone.asText().trim());
        } catch (DateTimeException e) {
            throw malformed("Invalid sqlTimeZone [" + zone.asText() + "]");
        }
    }

    /**
     * {@code context.catalog} and {@code context.schema} (Sluice's additions; Druid has one catalog): the
     * session's default catalog and schema, which also choose the engine (a Trino catalog runs on Trino).
     */
    String catalog() {
        return sessionName("catalog");
    }

    String schema() {
        return sessionName("schema");
    }

    private String sessionName(String key) {
        JsonNode value = context.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw malformed("context." + key + " must be a non-empty string");
        }
        return value.asText();
    }

    /** {@code context.sqlStringifyArrays}, true unless the client says otherwise. */
    boolean stringifyArrays() {
        JsonNode value = context.get("sqlStringifyArrays");
        return value == null || value.isNull() || value.asBoolean(true);
    }

    /** {@code context.timeout} in milliseconds; 0 or absent means the server default. */
    long timeoutMillis() {
        return nonNegativeLong("timeout");
    }

    /** {@code context.sqlOuterLimit}: the most rows to return (the Druid console sends 1001); 0 for none. */
    long outerLimit() {
        return nonNegativeLong("sqlOuterLimit");
    }

    String contextText(String key) {
        JsonNode value = context.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private long nonNegativeLong(String key) {
        JsonNode value = context.get(key);
        if (value == null || value.isNull()) {
            return 0;
        }
        long number;
        try {
            number = value.isNumber() ? value.longValue() : Long.parseLong(value.asText().trim());
        } catch (NumberFormatException e) {
            throw malformed("context." + key + " must be a number, was [" + value.asText() + "]");
        }
        if (number < 0) {
            throw malformed("context." + key + " must not be negative");
        }
        return number;
    }

    static SluiceException malformed(String message) {
        return new SluiceException(ErrorCode.MALFORMED_REQUEST, message);
    }
}
