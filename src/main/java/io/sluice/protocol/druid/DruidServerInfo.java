package io.sluice.protocol.druid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.core.types.SqlType;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What a Druid broker answers besides SQL, for tools that start by asking it (plywood, Turnilo, Pivot):
 * {@code GET /status}, {@code /status/health}, {@code /status/properties}, {@code /druid/v2/datasources} and
 * {@code /druid/v2/datasources/{name}}, the two native queries tools introspect with, and Druid's error for
 * the other native queries, which Sluice does not run.
 * Datasources are the tables of Druid's {@code druid} schema, read through the caller's own statement so
 * the engine's view of names and the caller's grants decide what is listed.
 */
final class DruidServerInfo {

    /**
     * The Druid release whose APIs the adapter follows (the statements API with {@code durableStorage}, the
     * DruidException error bodies); clients such as plywood read the version to pick the features they use.
     */
    static final String DRUID_VERSION = "28.0.0";

    /** {@code GET /status}: version, loaded modules (none: Sluice loads no Druid extensions) and JVM memory. */
    record Status(String version, List<Map<String, String>> modules, Memory memory) {
    }

    record Memory(long maxMemory, long totalMemory, long freeMemory, long usedMemory, long directMemory) {
        static Memory ofThisJvm() {
            Runtime runtime = Runtime.getRuntime();
            long total = runtime.totalMemory();
            long free = runtime.freeMemory();
            long direct = java.lang.management.ManagementFactory.getPlatformMXBeans(
                            java.lang.management.BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).mapToLong(
                            java.lang.management.BufferPoolMXBean::getTotalCapacity).findFirst().orElse(0);
            return new Memory(runtime.maxMemory(), total, free, total - free, direct);
        }
    }

    /** {@code GET /druid/v2/datasources/{name}}: the broker's dimensions and metrics of a datasource. */
    record Datasource(List<String> dimensions, List<String> metrics) {
    }

    private final StatementService statements;
    private final ObjectMapper json;

    DruidServerInfo(StatementService statements, ObjectMapper json) {
        this.statements = statements;
        this.json = json;
    }

    /**
     * {@code GET /status/health}: {@code true}. Every Druid service lists this path among its unsecured paths
     * (the Jetty initializers' UNSECURED_PATHS), so it answers without credentials even with authentication on;
     * load balancers probe it that way.
     */
    void health(Context context) {
        context.status(200).contentType("application/json").result("true");
    }

    void status(Context context, Principal principal) throws IOException {
        write(context, new Status(DRUID_VERSION, List.of(), Memory.ofThisJvm()));
    }

    /**
     * {@code GET /status/properties}: Druid answers the runtime properties minus the hidden ones (passwords,
     * keys); Sluice's own configuration has secrets too, so only these Druid-shaped, non-secret facts go out.
     */
    void properties(Context context, Principal principal) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("druid.service", "druid/broker");
        properties.put("druid.host", context.req().getServerName() + ":" + context.req().getServerPort());
        properties.put("druid.plaintextPort", Integer.toString(context.req().getServerPort()));
        properties.put("druid.sql.enable", "true");
        properties.put("druid.sql.planner.sqlTimeZone", "UTC");
        properties.put("druid.generic.useDefaultValueForNull", "false");
        properties.put("druid.auth.authenticatorChain", "[\"basic\"]");
        properties.put("druid.version", DRUID_VERSION);
        write(context, properties);
    }

    /** {@code GET /druid/v2/datasources}: the names of the caller's datasources, sorted. */
    void datasources(Context context, Principal principal) throws IOException {
        List<String> names = new ArrayList<>();
        for (List<Object> row : catalog(principal, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'druid' ORDER BY TABLE_NAME", Parameters.NONE)) {
            names.add((String) row.getFirst());
        }
        write(context, names);
    }

    /**
     * {@code GET /druid/v2/datasources/{name}}: numeric columns are metrics, the others dimensions, and
     * {@code __time} is neither, as in a Druid segment. A datasource the broker has no segments of has no
     * dimensions or metrics: Druid answers empty lists rather than 404, and so does Sluice.
     */
    void datasource(Context context, Principal principal) throws IOException {
        List<String> dimensions = new ArrayList<>();
        List<String> metrics = new ArrayList<>();
        List<List<Object>> columns = catalog(principal, "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
                        + "WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                new Parameters.Positional(List.of(new ParameterValue(SqlType.VARCHAR, context.pathParam("name")))));
        for (List<Object> column : columns) {
            String name = (String) column.get(0);
            if (name.equals("__time")) {
                continue;
            }
            switch ((String) column.get(1)) {
                case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "DECIMAL" -> metrics.add(name);
                default -> dimensions.add(name);
            }
        }
        write(context, new Datasource(dimensions, metrics));
    }

    /**
     * {@code POST /druid/v2/} (native JSON queries): {@code timeBoundary} and {@code segmentMetadata} are answered
     * ({@link DruidNativeQueries}); any other type gets Druid's error for an operation the server does not
     * support, naming the query type, so a client falls back or tells its user to use SQL.
     */
    void nativeQuery(Context context, Principal principal) throws IOException {
        JsonNode query;
        try {
            query = json.readTree(context.body());
        } catch (JsonProcessingException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST,
                    "Malformed JSON request body: " + io.sluice.http.JsonBodies.describe(e));
        }
        String type = query == null ? null : query.path("queryType").asText(null);
        if (DruidNativeQueries.answers(type)) {
            Object answer = new DruidNativeQueries(this).answer(principal, query);
            boolean pretty = context.queryParam("pretty") != null;
            context.status(200).contentType("application/json").result(pretty
                    ? json.writerWithDefaultPrettyPrinter().writeValueAsBytes(answer) : json.writeValueAsBytes(answer));
            return;
        }
        String host = context.req().getServerName() + ":" + context.req().getServerPort();
        String message = "Native queries" + (type == null ? "" : " (queryType [" + type + "])")
                + " are not supported by this server; send Druid SQL to /druid/v2/sql instead";
        Map<String, String> errorContext = new LinkedHashMap<>();
        errorContext.put("legacyErrorCode", "Unsupported operation");
        errorContext.put("errorClass", "org.apache.druid.query.QueryUnsupportedException");
        errorContext.put("host", host);
        DruidErrors.Body body = new DruidErrors.Body("Unsupported operation",
                "org.apache.druid.query.QueryUnsupportedException", host, "legacyQueryException", "OPERATOR",
                "UNSUPPORTED", message, errorContext);
        context.status(501).contentType("application/json").result(json.writeValueAsBytes(body));
    }

    /** The rows of a small query and their schema. */
    record Rows(io.sluice.core.types.ResultSchema schema, List<List<Object>> rows) {
    }

    private List<List<Object>> catalog(Principal principal, String druidSql, Parameters parameters) {
        return run(principal, druidSql, parameters).rows();
    }

    /**
     * Runs a small query (Druid SQL, rewritten as any other) as the caller and keeps its rows. A caller the engine
     * refuses the catalog (or a table) to gets Druid's 403, as Druid answers a user without access to a resource.
     */
    Rows run(Principal principal, String druidSql, Parameters parameters) {
        StatementRequest request = new StatementRequest(
                DruidSql.rewrite(druidSql, principal.admin(), DruidCatalogSources.of(statements, principal)), parameters,
                new SessionContext(null, null, ZoneOffset.UTC, principal.name()), null, 0, null, null,
                DruidApi.PROTOCOL);
        List<List<Object>> rows = new ArrayList<>();
        io.sluice.core.types.ResultSchema schema;
        try (StreamingStatement stream = statements.stream(principal, request)) {
            schema = stream.schema();
            while (stream.next()) {
                VectorSchemaRoot batch = stream.root();
                ColumnReader[] readers = ColumnReaders.forBatch(batch, stream.schema(), ZoneOffset.UTC);
                for (int row = 0; row < batch.getRowCount(); row++) {
                    List<Object> values = new ArrayList<>(readers.length);
                    for (ColumnReader reader : readers) {
                        values.add(reader.value(row));
                    }
                    rows.add(values);
                }
            }
        } catch (SluiceException e) {
            if (e.error().code() == ErrorCode.SQL_PERMISSION_DENIED) {
                throw new SluiceException(ErrorCode.FORBIDDEN, "Unauthorized: " + e.error().message());
            }
            throw e;
        }
        return new Rows(schema, rows);
    }

    private void write(Context context, Object body) throws IOException {
        context.status(200).contentType("application/json").result(json.writeValueAsBytes(body));
    }
}
