package io.sluice.protocol.ncp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.SqlText;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.ArrayList;
import java.util.List;

/**
 * The request bodies and query parameters of the Data Query API, read and checked completely before
 * anything is submitted: every problem is an INVALID_PARAMETER (or MALFORMED_REQUEST) the adapter renders
 * as NCP's error body.
 */
final class NcpRequests {

    static final int DEFAULT_TIMEOUT_SECONDS = 20;
    static final int MAX_TIMEOUT_SECONDS = 60;
    static final int DEFAULT_REUSE_MAX_AGE_MINUTES = 60;
    static final int MAX_REUSE_MAX_AGE_MINUTES = 10080;
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    static final int DEFAULT_HISTORY_PAGE_SIZE = 20;
    static final int MAX_HISTORY_PAGE_SIZE = 500;

    /**
     * POST /api/v2/queries and /api/v2/queries/async.
     *
     * @param timeoutSeconds 1–60; null for the async form, which has none
     * @param reuseMaxAgeMinutes how old a reused result may be; null when {@code isReuse} is false
     */
    record QueryRequest(String query, List<ParameterValue> executionParameters, Integer timeoutSeconds,
                        boolean isReuse, Integer reuseMaxAgeMinutes, String dataSource, String database, Long projectId) {
    }

    /** GET /api/v2/queries/{executionId}. */
    record ResultRequest(long offset, int pageSize) {
    }

    /** GET /api/v2/queries. {@code status} is null for every status. */
    record HistoryRequest(String status, int pageNo, int pageSize) {
    }

    static final List<String> STATUSES = List.of("QUEUED", "STARTING", "RUNNING", "FINISHED", "FAILED", "CANCELED");

    private NcpRequests() {
    }

    static QueryRequest query(Context context, ObjectMapper json, boolean async) {
        JsonNode body = body(context, json);
        JsonNode query = body.get("query");
        if (query == null || query.isNull() || !query.isTextual() || query.textValue().isBlank()) {
            throw invalid("'query' is required and must be a non-empty string");
        }
        List<ParameterValue> parameters = parameters(body.get("executionParameters"));
        int placeholders = Placeholders.count(query.textValue());
        if (placeholders != parameters.size()) {
            throw invalid("The query has " + placeholders + " parameter placeholder(s) but executionParameters has "
                    + parameters.size() + " value(s)");
        }
        Integer timeout = async ? null
                : intField(body, "timeout", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS, "seconds");
        JsonNode reuseNode = body.get("isReuse");
        if (reuseNode != null && !reuseNode.isNull() && !reuseNode.isBoolean()) {
            throw invalid("'isReuse' must be true or false");
        }
        boolean reuse = reuseNode != null && reuseNode.asBoolean(false);
        int maxAge = intField(body, "reuseMaxAge", DEFAULT_REUSE_MAX_AGE_MINUTES, 1, MAX_REUSE_MAX_AGE_MINUTES, "minutes");
        JsonNode project = body.get("projectId");
        Long projectId = null;
        if (project != null && !project.isNull()) {
            if (!project.isIntegralNumber() || !project.canConvertToLong()) {
                throw invalid("'projectId' must be an integer");
            }
            projectId = project.longValue();
        }
        return new QueryRequest(query.textValue(), parameters, timeout, reuse, reuse ? maxAge : null,
                name(body, "dataSource"), name(body, "database"), projectId);
    }

    static ResultRequest result(Context context) {
        long offset = queryLong(context, "offset", 0, 0, Long.MAX_VALUE);
        int pageSize = (int) queryLong(context, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        return new ResultRequest(offset, pageSize);
    }

    static HistoryRequest history(Context context) {
        String status = context.queryParam("status");
        if (status != null && !status.isEmpty() && !STATUSES.contains(status)) {
            throw invalid("'status' must be one of " + String.join(", ", STATUSES));
        }
        int pageNo = (int) queryLong(context, "pageNo", 1, 1, Integer.MAX_VALUE);
        int pageSize = (int) queryLong(context, "pageSize", DEFAULT_HISTORY_PAGE_SIZE, 1, MAX_HISTORY_PAGE_SIZE);
        return new HistoryRequest(status == null || status.isEmpty() ? null : status, pageNo, pageSize);
    }

    private static JsonNode body(Context context, ObjectMapper json) {
        return io.sluice.http.JsonBodies.object(context, json);
    }

    /** Values for the positional {@code ?}: strings as the documentation shows, other JSON scalars as they are. */
    private static List<ParameterValue> parameters(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("'executionParameters' must be an array of values");
        }
        List<ParameterValue> values = new ArrayList<>();
        for (JsonNode element : node) {
            Object value = switch (element.getNodeType()) {
                case STRING -> element.textValue();
                case BOOLEAN -> element.booleanValue();
                case NULL -> null;
                case NUMBER -> element.isIntegralNumber()
                        ? (element.canConvertToLong() ? (Object) element.longValue() : element.bigIntegerValue())
                        : element.decimalValue();
                default -> throw invalid("executionParameters[" + values.size() + "] must be a string, number,"
                        + " boolean or null");
            };
            values.add(ParameterValue.of(value));
        }
        return values;
    }

    private static int intField(JsonNode body, String name, int fallback, int min, int max, String unit) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw invalid("'" + name + "' must be an integer from " + min + " to " + max + " (" + unit + ")");
        }
        return node.intValue();
    }

    private static String name(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw invalid("'" + field + "' must be a non-empty string");
        }
        return node.textValue();
    }

    private static long queryLong(Context context, String name, long fallback, long min, long max) {
        String text = context.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw invalid("'" + name + "' must be from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid("'" + name + "' must be an integer from " + min + " to " + max);
        }
    }

    static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }

    /** Counts Trino-style {@code ?} placeholders outside literals, quoted identifiers and comments. */
    static final class Placeholders {
        private Placeholders() {
        }

        static int count(String sql) {
            int count = 0;
            int index = 0;
            int length = sql.length();
            while (index < length) {
                char c = sql.charAt(index);
                if (c == '\'' || c == '"') {
                    index = SqlText.skipQuoted(sql, index, c);
                } else if (c == '-' && index + 1 < length && sql.charAt(index + 1) == '-') {
                    int end = sql.indexOf('\n', index);
                    index = end < 0 ? length : end + 1;
                } else if (c == '/' && index + 1 < length && sql.charAt(index + 1) == '*') {
                    int end = sql.indexOf("*/", index + 2);
                    index = end < 0 ? length : end + 2;
                } else {
                    if (c == '?') {
                        count++;
                    }
                    index++;
                }
            }
            return count;
        }
    }
}
