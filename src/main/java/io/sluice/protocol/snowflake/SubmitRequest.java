package io.sluice.protocol.snowflake;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.engine.Parameters;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code POST /api/v2/statements} and its query parameters, as Snowflake documents them.
 *
 * @param timeout null when the body has none (the server default applies); 0 means Snowflake's maximum
 * @param multiStatementCount 1 by default, 0 for any number
 * @param rowsPerResultset 0 for no limit
 */
record SubmitRequest(String statement, Long timeout, String database, String schema, String warehouse, String role,
                     Parameters bindings, boolean hasBindings, int multiStatementCount, String queryTag,
                     long rowsPerResultset, boolean useCachedResult, OutputSettings output,
                     String requestId, boolean async, boolean retry) {

    static final long MAX_TIMEOUT_SECONDS = 604_800;

    /** Parses the body and query parameters; invalid shapes are 400 390142. */
    static SubmitRequest parse(byte[] body, Map<String, String> query, ObjectMapper json) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : json.readTree(body);
        } catch (JacksonException e) {
            throw SnowflakeException.invalidPayload(null);
        } catch (java.io.IOException e) {
            throw SnowflakeException.invalidPayload(null);
        }
        if (root == null || !root.isObject()) {
            throw SnowflakeException.invalidPayload(null);
        }
        JsonNode statement = root.get("statement");
        if (statement == null || statement.isNull() || !statement.isTextual()) {
            throw SnowflakeException.invalidPayload("The request must contain a 'statement' string.");
        }
        Long timeout = timeout(root.get("timeout"));
        Parameters bindings = SnowflakeBindings.parse(root.get("bindings"));
        Map<String, JsonNode> parameters = parameters(root.get("parameters"));
        boolean nullable = bool(query.get("nullable"), true, "nullable");
        OutputSettings output = new OutputSettings(zone(parameters.get("TIMEZONE")),
                format(parameters, "DATE_OUTPUT_FORMAT", null),
                format(parameters, "TIME_OUTPUT_FORMAT", null),
                format(parameters, "TIMESTAMP_NTZ_OUTPUT_FORMAT", "TIMESTAMP_OUTPUT_FORMAT"),
                format(parameters, "TIMESTAMP_LTZ_OUTPUT_FORMAT", "TIMESTAMP_OUTPUT_FORMAT"),
                format(parameters, "TIMESTAMP_TZ_OUTPUT_FORMAT", "TIMESTAMP_OUTPUT_FORMAT"),
                binaryFormat(parameters.get("BINARY_OUTPUT_FORMAT")), nullable);
        String requestId = query.get("requestId");
        if (requestId != null && requestId.isBlank()) {
            requestId = null;
        }
        return new SubmitRequest(statement.asText(), timeout, text(root, "database"), text(root, "schema"),
                text(root, "warehouse"), text(root, "role"), bindings,
                root.hasNonNull("bindings") && bindings.size() > 0,
                (int) integer(parameters.get("MULTI_STATEMENT_COUNT"), 1, "MULTI_STATEMENT_COUNT"),
                parameters.containsKey("QUERY_TAG") ? parameters.get("QUERY_TAG").asText() : null,
                integer(parameters.get("ROWS_PER_RESULTSET"), 0, "ROWS_PER_RESULTSET"),
                bool(parameters.containsKey("USE_CACHED_RESULT") ? parameters.get("USE_CACHED_RESULT").asText() : null,
                        false, "USE_CACHED_RESULT"),
                output, requestId, bool(query.get("async"), false, "async"), bool(query.get("retry"), false, "retry"));
    }

    /** The timeout to run with, or null for the server default; 0 asks for the maximum. */
    Duration timeoutWithin(Duration serverMaximum) {
        if (timeout == null) {
            return null;
        }
        long seconds = timeout == 0 ? MAX_TIMEOUT_SECONDS : timeout;
        Duration requested = Duration.ofSeconds(seconds);
        return requested.compareTo(serverMaximum) > 0 ? serverMaximum : requested;
    }

    private static Long timeout(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        long value;
        if (node.isIntegralNumber()) {
            value = node.asLong();
        } else if (node.isTextual() && node.asText().trim().matches("\\d{1,18}")) {
            value = Long.parseLong(node.asText().trim());
        } else {
            throw SnowflakeException.invalidPayload("'timeout' must be a whole number of seconds.");
        }
        if (value < 0 || value > MAX_TIMEOUT_SECONDS) {
            throw SnowflakeException.invalidPayload("'timeout' must be between 0 and " + MAX_TIMEOUT_SECONDS + " seconds.");
        }
        return value;
    }

    private static Map<String, JsonNode> parameters(JsonNode node) {
        Map<String, JsonNode> parameters = new TreeMap<>();
        if (node == null || node.isNull()) {
            return parameters;
        }
        if (!node.isObject()) {
            throw SnowflakeException.invalidPayload("'parameters' must be an object.");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isNull()) {
                parameters.put(entry.getKey().toUpperCase(Locale.ROOT), entry.getValue());
            }
        }
        return parameters;
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw SnowflakeException.invalidPayload("'" + field + "' must be a string.");
        }
        String text = node.asText().strip();
        return text.isEmpty() ? null : text;
    }

    private static long integer(JsonNode node, long fallback, String name) {
        if (node == null) {
            return fallback;
        }
        String text = node.asText().trim();
        if (!text.matches("\\d{1,9}")) {
            throw SnowflakeException.invalidPayload("Session parameter " + name + " must be a non-negative integer.");
        }
        return Long.parseLong(text);
    }

    private static boolean bool(String text, boolean fallback, String name) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw SnowflakeException.invalidPayload("'" + name + "' must be true or false.");
        };
    }

    private static ZoneId zone(JsonNode node) {
        if (node == null) {
            return ZoneOffset.UTC;
        }
        String name = node.asText().trim();
        for (String candidate : ZoneId.getAvailableZoneIds()) {
            if (candidate.equalsIgnoreCase(name)) {
                return ZoneId.of(candidate);
            }
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw SnowflakeException.failure("002037", "22023", "invalid value [" + name + "] for parameter 'TIMEZONE'", null);
        }
    }

    private static SnowflakeDateFormat format(Map<String, JsonNode> parameters, String name, String fallback) {
        JsonNode node = parameters.get(name);
        if (node == null && fallback != null) {
            node = parameters.get(fallback);
        }
        return node == null ? null : SnowflakeDateFormat.parse(node.asText());
    }

    private static String binaryFormat(JsonNode node) {
        if (node == null) {
            return "HEX";
        }
        String format = node.asText().trim().toUpperCase(Locale.ROOT);
        return switch (format) {
            case "HEX", "BASE64", "UTF8", "UTF-8" -> format;
            default -> throw SnowflakeException.failure("002037", "22023",
                    "invalid value [" + node.asText() + "] for parameter 'BINARY_OUTPUT_FORMAT'", null);
        };
    }
}
