package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a response of the SQL API against Snowflake's published OpenAPI description of it
 * (snowflakedb/snowflake-rest-api-specs, {@code specifications/sqlapi.yaml}, OpenAPI 3.0.0): that the status
 * is one the operation declares, and that the body has the schema declared for that status — the required
 * fields, each field's type and format (int64 integers, {@code uuid} handles), minimums and enums. The checks
 * are written from the description's facts; the description itself is not copied here.
 *
 * <p>Where the description and Snowflake's own servers differ, the check follows the servers and says so:
 * {@code statementStatusUrl} ({@code format: uri}) is a relative reference in every documented response, so a
 * URI reference is accepted. OpenAPI 3.0 properties are not nullable unless marked so: a null where a type is
 * declared fails, except the cells of {@code data}, which the description marks nullable. Properties the
 * description does not name ({@code statementHandles}, {@code byteLength}…) are allowed, as its schemas do not
 * forbid additional properties.
 */
final class SqlApiContract {

    /** The three operations of the description, with the statuses each declares. */
    enum Operation {
        SUBMIT(Set.of(200, 202, 400, 401, 403, 404, 405, 408, 415, 422, 429, 500, 503, 504)),
        STATUS(Set.of(200, 202, 400, 401, 403, 404, 405, 415, 422, 429, 500, 503, 504)),
        CANCEL(Set.of(200, 400, 401, 403, 404, 405, 422, 500, 503, 504));

        final Set<Integer> statuses;

        Operation(Set<Integer> statuses) {
            this.statuses = statuses;
        }

        /** The operation a request is, from its method and path; null for a path outside the SQL API. */
        static Operation of(String method, String path) {
            String bare = path.split("\\?", 2)[0];
            if (!bare.startsWith("/api/v2/statements")) {
                return null;
            }
            if (bare.equals("/api/v2/statements") || bare.equals("/api/v2/statements/")) {
                return method.equals("POST") ? SUBMIT : null;
            }
            if (bare.endsWith("/cancel")) {
                return method.equals("POST") ? CANCEL : null;
            }
            return method.equals("GET") ? STATUS : null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private SqlApiContract() {
    }

    /** Checks a response, working out the operation from its request; other paths and methods pass. */
    static <T> HttpResponse<T> check(HttpResponse<T> response) {
        Operation operation = Operation.of(response.request().method(), response.request().uri().getRawPath());
        if (operation != null && response.body() instanceof String body) {
            check(operation, response.statusCode(), body);
        }
        return response;
    }

    static void check(Operation operation, int status, String body) {
        assertThat(operation.statuses).as("%s answered %d, a status the description does not declare: %s",
                operation, status, body).contains(status);
        String schema = schemaFor(operation, status);
        if (schema == null) {
            // Declared without a schema ("the response body may include the error code and message").
            if (!body.isEmpty()) {
                JsonNode node = parse(body);
                assertThat(node.isObject()).as("%d body is not an object: %s", status, body).isTrue();
                optionalString(node, "code", body);
                optionalString(node, "message", body);
            }
            return;
        }
        JsonNode node = parse(body);
        assertThat(node.isObject()).as("%s is not an object: %s", schema, body).isTrue();
        switch (schema) {
            case "ResultSet" -> resultSet(node, body);
            case "QueryStatus" -> status(node, body, false, true);
            case "QueryFailureStatus" -> status(node, body, true, true);
            case "CancelStatus" -> status(node, body, false, false);
            default -> throw new IllegalStateException(schema);
        }
    }

    /** The schema the description declares for a status of an operation; null when it declares none. */
    private static String schemaFor(Operation operation, int status) {
        return switch (operation) {
            case SUBMIT -> switch (status) {
                case 200 -> "ResultSet";
                case 202, 408 -> "QueryStatus";
                case 422 -> "QueryFailureStatus";
                default -> null;
            };
            case STATUS -> switch (status) {
                case 200 -> "ResultSet";
                case 202 -> "QueryStatus";
                case 422 -> "QueryFailureStatus";
                default -> null;
            };
            case CANCEL -> status == 200 || status == 422 ? "CancelStatus" : null;
        };
    }

    /** QueryStatus, QueryFailureStatus (message required too) and CancelStatus (no createdOn). */
    private static void status(JsonNode node, String body, boolean messageRequired, boolean hasCreatedOn) {
        required(node, "statementHandle", body);
        if (messageRequired) {
            required(node, "message", body);
        }
        optionalString(node, "code", body);
        optionalString(node, "sqlState", body);
        optionalString(node, "message", body);
        uuid(node, "statementHandle", body);
        uri(node, "statementStatusUrl", body);
        if (hasCreatedOn) {
            int64(node, "createdOn", body, null);
        }
    }

    private static void resultSet(JsonNode node, String body) {
        optionalString(node, "code", body);
        optionalString(node, "sqlState", body);
        optionalString(node, "message", body);
        uuid(node, "statementHandle", body);
        int64(node, "createdOn", body, null);
        uri(node, "statementStatusUrl", body);
        JsonNode metaData = node.get("resultSetMetaData");
        if (metaData != null) {
            assertThat(metaData.isObject()).as("resultSetMetaData in %s", body).isTrue();
            JsonNode format = metaData.get("format");
            if (format != null) {
                assertThat(format.isTextual() && format.asText().equals("jsonv2"))
                        .as("format must be one of [jsonv2] in %s", body).isTrue();
            }
            int64(metaData, "numRows", body, null);
            JsonNode rowType = metaData.get("rowType");
            if (rowType != null) {
                assertThat(rowType.isArray()).as("rowType in %s", body).isTrue();
                assertThat(rowType.size()).as("rowType has minItems 1 in %s", body).isGreaterThanOrEqualTo(1);
                for (JsonNode column : rowType) {
                    assertThat(column.isObject()).as("rowType item in %s", body).isTrue();
                    optionalString(column, "name", body);
                    optionalString(column, "type", body);
                    int64(column, "length", body, 0L);
                    int64(column, "precision", body, 0L);
                    int64(column, "scale", body, 0L);
                    optionalBoolean(column, "nullable", body);
                }
            }
            JsonNode partitions = metaData.get("partitionInfo");
            if (partitions != null) {
                assertThat(partitions.isArray()).as("partitionInfo in %s", body).isTrue();
                for (JsonNode partition : partitions) {
                    assertThat(partition.isObject()).as("partitionInfo item in %s", body).isTrue();
                    int64(partition, "rowCount", body, 0L);
                    int64(partition, "compressedSize", body, 0L);
                    int64(partition, "uncompressedSize", body, 0L);
                }
            }
            optionalBoolean(metaData, "nullable", body);
            JsonNode parameters = metaData.get("parameters");
            if (parameters != null) {
                assertThat(parameters.isObject()).as("parameters in %s", body).isTrue();
                for (String name : List.of("binary_output_format", "date_output_format", "time_output_format",
                        "timestamp_output_format", "timestamp_ltz_output_format", "timestamp_ntz_output_format",
                        "timestamp_tz_output_format")) {
                    optionalString(parameters, name, body);
                }
                int64(parameters, "multi_statement_count", body, null);
            }
        }
        JsonNode data = node.get("data");
        if (data != null) {
            assertThat(data.isArray()).as("data in %s", body).isTrue();
            for (JsonNode row : data) {
                assertThat(row.isArray()).as("data row %s", row).isTrue();
                for (JsonNode cell : row) {
                    assertThat(cell.isTextual() || cell.isNull()).as("data cells are strings or null: %s", row).isTrue();
                }
            }
        }
        JsonNode stats = node.get("stats");
        if (stats != null) {
            assertThat(stats.isObject()).as("stats in %s", body).isTrue();
            for (String name : List.of("numRowsInserted", "numRowsUpdated", "numRowsDeleted", "numDuplicateRowsUpdated")) {
                int64(stats, name, body, 0L);
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    private static void required(JsonNode node, String field, String body) {
        assertThat(node.has(field)).as("required %s missing in %s", field, body).isTrue();
    }

    private static void optionalString(JsonNode node, String field, String body) {
        if (node.has(field)) {
            assertThat(node.get(field).isTextual()).as("%s must be a string in %s", field, body).isTrue();
        }
    }

    private static void optionalBoolean(JsonNode node, String field, String body) {
        if (node.has(field)) {
            assertThat(node.get(field).isBoolean()).as("%s must be a boolean in %s", field, body).isTrue();
        }
    }

    /** An int64 integer (a JSON number without fraction that fits a long), at least {@code minimum} if given. */
    private static void int64(JsonNode node, String field, String body, Long minimum) {
        if (!node.has(field)) {
            return;
        }
        JsonNode value = node.get(field);
        assertThat(value.isIntegralNumber() && value.canConvertToLong())
                .as("%s must be an int64 integer in %s", field, body).isTrue();
        if (minimum != null) {
            assertThat(value.asLong()).as("%s has minimum %d in %s", field, minimum, body).isGreaterThanOrEqualTo(minimum);
        }
    }

    private static void uuid(JsonNode node, String field, String body) {
        if (node.has(field)) {
            optionalString(node, field, body);
            assertThat(node.get(field).asText()).as("%s must have format uuid in %s", field, body).matches(UUID);
        }
    }

    private static void uri(JsonNode node, String field, String body) {
        if (node.has(field)) {
            optionalString(node, field, body);
            try {
                new URI(node.get(field).asText());
            } catch (URISyntaxException e) {
                throw new AssertionError(field + " must be a URI reference in " + body, e);
            }
        }
    }
}
