package io.sluice.protocol.ksql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.core.streams.ChangeRow;
import io.sluice.core.streams.SourceColumn;
import io.sluice.core.streams.SourceDefinition;
import io.sluice.core.streams.StreamService;
import io.sluice.core.streams.Subscription;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import io.sluice.http.Authentication;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ksqlDB's REST API: {@code POST /ksql} (statements), {@code POST /query} (chunked JSON array),
 * {@code POST /query-stream} (HTTP/2 or HTTP/1.1; delimited or JSON), {@code POST /close-query} and
 * {@code POST /inserts-stream}, on Sluice's streams and tables. Errors use ksqlDB's shape
 * ({@code @type}, {@code error_code} = status × 100 + n), never Sluice's native body.
 */
public final class KsqlApi implements io.sluice.http.HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(KsqlApi.class);
    static final String PROTOCOL = "ksql";
    private static final String QUERY_MEDIA_TYPE = "application/vnd.ksql.v1+json";
    private static final String DELIMITED = "application/vnd.ksqlapi.delimited.v1";
    private static final long IDLE_MILLIS = 250;

    private final StreamService streams;
    private final StatementService statements;
    private final Authentication authentication;
    private final ObjectMapper json = new ObjectMapper();
    private final KsqlStatements executor;

    public KsqlApi(StreamService streams, StatementService statements, Authentication authentication) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.executor = new KsqlStatements(streams);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/ksql", context -> guarded(context, () -> ksql(context)));
        routes.post("/query", context -> guarded(context, () -> query(context, Layout.QUERY)));
        routes.post("/query-stream", context -> guarded(context, () -> query(context, streamLayout(context))));
        routes.post("/close-query", context -> guarded(context, () -> closeQuery(context)));
        routes.post("/inserts-stream", context -> guarded(context, () -> insertsStream(context)));
        // Every feed ends with a final message before the port closes; then the pollers stop.
        routes.getCfg$javalin().events.serverStopping(() -> streams.shutdown("Server shutting down"));
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    // ---- error handling --------------------------------------------------------------------------------

    private interface Action {
        void run() throws IOException;
    }

    /** Authenticates and renders every failure in ksqlDB's error shape (never the native one). */
    private void guarded(Context context, Action action) {
        try {
            Principal principal = authentication.require(context);
            // Streams and tables are shared objects without per-principal grants yet, and push queries read
            // them outside the statement path where grants are enforced, so only admins may use them for now.
            if (!principal.admin()) {
                throw new SluiceException(io.sluice.core.error.ErrorCode.FORBIDDEN,
                        "The ksqlDB API is available to admin principals only");
            }
            action.run();
        } catch (KsqlSyntaxException e) {
            respond(context, 400, new KsqlError(400, KsqlError.BAD_STATEMENT, e.getMessage())
                    .statement(e.statementText(), List.of()));
        } catch (KsqlStatements.QueryEndpointException e) {
            respond(context, 400, new KsqlError(400, KsqlError.QUERY_ENDPOINT, e.getMessage()).generic());
        } catch (SluiceException e) {
            KsqlError error = KsqlError.of(e.error());
            respond(context, error.status(), error.generic());
        } catch (BadRequest e) {
            respond(context, 400, new KsqlError(400, KsqlError.BAD_REQUEST, e.getMessage()).generic());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("ksql client went away", e);
        } catch (RuntimeException e) {
            LOG.error("unexpected error on {}", context.path(), e);
            respond(context, 500, new KsqlError(500, 50000, "Internal error").generic());
        }
    }

    private void respond(Context context, int status, Object body) {
        if (context.res().isCommitted()) {
            io.sluice.http.ResultStreaming.abortResponse(context);
            return;
        }
        try {
            context.res().resetBuffer();
            context.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private JsonNode body(Context context) {
        try {
            JsonNode body = json.readTree(context.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new BadRequest("The request body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new BadRequest("Malformed JSON in the request body");
        }
    }

    private static String text(JsonNode body, String... names) {
        for (String name : names) {
            JsonNode node = body.get(name);
            if (node != null && node.isTextual()) {
                return node.textValue();
            }
        }
        throw new BadRequest("The request needs a '" + names[0] + "' string");
    }

    // ---- POST /ksql ------------------------------------------------------------------------------------

    private void ksql(Context context) throws IOException {
        JsonNode body = body(context);
        List<KsqlStatement> parsed = KsqlParser.parseAll(text(body, "ksql"));
        List<Object> entities = new ArrayList<>();
        for (KsqlStatement statement : parsed) {
            try {
                Map<String, Object> entity = executor.execute(statement);
                if (entity != null) {
                    entities.add(entity);
                }
            } catch (KsqlSyntaxException e) {
                respond(context, 400, new KsqlError(400, KsqlError.BAD_STATEMENT, e.getMessage())
                        .statement(statement.text(), entities));
                return;
            } catch (SluiceException e) {
                KsqlError error = KsqlError.of(e.error());
                int code = error.status() == 400 ? KsqlError.BAD_STATEMENT : error.errorCode();
                respond(context, error.status(), new KsqlError(error.status(), code, e.error().message())
                        .statement(statement.text(), entities));
                return;
            }
        }
        context.status(200).contentType(QUERY_MEDIA_TYPE).result(json.writeValueAsString(entities));
    }

    // ---- POST /query and /query-stream -----------------------------------------------------------------

    enum Layout { QUERY, DELIMITED, JSON }

    private static Layout streamLayout(Context context) {
        String accept = context.header("Accept");
        return accept != null && accept.contains("application/json") && !accept.contains(DELIMITED) ? Layout.JSON : Layout.DELIMITED;
    }

    private void query(Context context, Layout layout) throws IOException {
        Principal principal = Authentication.principal(context);
        JsonNode body = body(context);
        String ksql = layout == Layout.QUERY ? text(body, "ksql", "sql") : text(body, "sql", "ksql");
        JsonNode properties = body.get(layout == Layout.QUERY ? "streamsProperties" : "properties");
        KsqlStatement statement = KsqlParser.parseOne(ksql);
        if (!(statement instanceof KsqlStatement.Select select)) {
            throw new KsqlSyntaxException("The statement is not a query; send it to /ksql", statement.text());
        }
        QueryPlan plan = QueryPlan.of(select, streams);
        if (plan.push()) {
            push(context, layout, plan, earliest(properties));
        } else {
            pull(context, principal, layout, plan);
        }
    }

    private static boolean earliest(JsonNode properties) {
        if (properties == null || !properties.isObject()) {
            return false;
        }
        for (String name : List.of("ksql.streams.auto.offset.reset", "auto.offset.reset")) {
            JsonNode value = properties.get(name);
            if (value != null && value.asText().equalsIgnoreCase("earliest")) {
                return true;
            }
        }
        return false;
    }

    private RowWriter start(Context context, Layout layout) throws IOException {
        context.status(200);
        OutputStream out = context.res().getOutputStream();
        boolean http1 = !"HTTP/2.0".equals(context.req().getProtocol());
        return writer(context, layout, out).keepAlive(layout == Layout.QUERY || http1);
    }

    private RowWriter writer(Context context, Layout layout, OutputStream out) {
        return switch (layout) {
            case QUERY -> {
                String accept = context.header("Accept");
                context.contentType(accept != null && accept.startsWith("application/json") ? "application/json" : QUERY_MEDIA_TYPE);
                yield new RowWriter.QueryArray(out, json);
            }
            case DELIMITED -> {
                context.contentType(DELIMITED);
                yield new RowWriter.Delimited(out, json);
            }
            case JSON -> {
                context.contentType("application/json");
                yield new RowWriter.JsonArray(out, json);
            }
        };
    }

    private void push(Context context, Layout layout, QueryPlan plan, boolean earliest) throws IOException {
        Subscription subscription = streams.subscribe(plan.source().name(), plan.select().text(), earliest);
        try {
            // A client that resets its stream or drops the connection ends the query at once.
            ServletContextRequest.getServletContextRequest(context.req()).addFailureListener(failure -> subscription.close());
            RowWriter writer = start(context, layout);
            writer.header(subscription.id(), plan);
            long limit = plan.select().limit();
            long sent = 0;
            if (limit == 0) {
                writer.finish("Limit Reached");
                return;
            }
            while (true) {
                ChangeRow row = subscription.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                if (row == null) {
                    if (subscription.isEnded()) {
                        SluiceError failure = subscription.failure();
                        if (failure != null) {
                            writer.error(KsqlError.of(failure));
                        } else {
                            writer.finish(subscription.endMessage() == null ? "Query Completed" : subscription.endMessage());
                        }
                        return;
                    }
                    writer.idle();
                    continue;
                }
                if (!row.tombstone() && plan.select().where() != null && !plan.select().where().test(plan.source(), row.values())) {
                    continue;
                }
                writer.row(plan.project(row.values()), row.tombstone() && plan.table());
                sent++;
                if (limit > 0 && sent >= limit) {
                    writer.finish("Limit Reached");
                    return;
                }
                if (subscription.buffered() == 0) {
                    writer.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscription.close();
        }
    }

    private void pull(Context context, Principal principal, Layout layout, QueryPlan plan) throws IOException {
        List<Object> parameters = new ArrayList<>();
        String sql = plan.pullSql(parameters);
        StatementRequest request = new StatementRequest(sql, new Parameters.Positional(parameters.stream()
                .map(ParameterValue::of).toList()), SessionContext.DEFAULT, null, 0, null, null, PROTOCOL).withClient(io.sluice.http.ClientConnections.of(context));
        try (StreamingStatement rows = statements.stream(principal, request)) {
            RowWriter writer = start(context, layout);
            writer.header(layout == Layout.QUERY ? "query_" + rows.id() : null, plan);
            while (rows.next()) {
                ColumnReader[] readers = ColumnReaders.forBatch(rows.root(), rows.schema(), ZoneOffset.UTC);
                for (int row = 0; row < rows.root().getRowCount(); row++) {
                    List<Object> values = new ArrayList<>(readers.length);
                    for (ColumnReader reader : readers) {
                        values.add(KsqlValues.toJson(reader.value(row)));
                    }
                    writer.row(values, false);
                }
            }
            writer.finish("Query Completed");
        }
    }

    // ---- POST /close-query -----------------------------------------------------------------------------

    private void closeQuery(Context context) {
        String queryId = text(body(context), "queryId");
        if (!streams.closeQuery(queryId, "Query closed")) {
            throw new BadRequest("No query with id " + queryId);
        }
        context.status(200).result("");
    }

    // ---- POST /inserts-stream --------------------------------------------------------------------------

    private void insertsStream(Context context) throws IOException {
        InputStream in = context.req().getInputStream();
        MappingIterator<JsonNode> objects;
        JsonNode first;
        try {
            objects = json.readerFor(JsonNode.class).readValues(in);
            first = objects.hasNextValue() ? objects.nextValue() : null;
        } catch (IOException | RuntimeException e) {
            throw new BadRequest("Malformed JSON in the request body");
        }
        if (first == null || !first.isObject() || first.get("target") == null || !first.get("target").isTextual()) {
            throw new BadRequest("The first JSON object must name the target: {\"target\":\"<stream>\"}");
        }
        String target = first.get("target").textValue();
        SourceDefinition definition = streams.source(target).orElseThrow(() ->
                new BadRequest("Cannot insert values into an unknown stream/table: " + target));
        context.status(200).contentType("application/json");
        OutputStream out = context.res().getOutputStream();
        out.flush();
        long sequence = 0;
        Iterator<JsonNode> rows = objects;
        while (true) {
            JsonNode row;
            try {
                if (!rows.hasNext()) {
                    break;
                }
                row = rows.next();
            } catch (RuntimeException e) {
                ack(out, sequence, new KsqlError(400, KsqlError.BAD_REQUEST, "Malformed JSON row"));
                break;
            }
            ack(out, sequence++, insertRow(definition, row));
        }
        out.flush();
    }

    /** Inserts one row of an inserts-stream; null when it was stored, else the error for its ack. */
    private KsqlError insertRow(SourceDefinition definition, JsonNode row) {
        if (!row.isObject()) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, "Each row must be a JSON object");
        }
        try {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : row.properties()) {
                int index = definition.columnIndex(field.getKey());
                if (index < 0) {
                    return new KsqlError(400, KsqlError.BAD_REQUEST, "Column name " + field.getKey() + " does not exist.");
                }
                SourceColumn column = definition.columns().get(index);
                values.put(column.name(), KsqlValues.fromJson(field.getValue(), column.name(), column.sqlType()));
            }
            streams.insert(definition.name(), values);
            return null;
        } catch (KsqlSyntaxException e) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, e.getMessage());
        } catch (SluiceException e) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, e.error().message());
        }
    }

    private void ack(OutputStream out, long sequence, KsqlError error) throws IOException {
        Map<String, Object> ack = new LinkedHashMap<>();
        if (error == null) {
            ack.put("status", "ok");
            ack.put("seq", sequence);
        } else {
            ack.put("status", "error");
            ack.put("seq", sequence);
            ack.put("error_code", error.errorCode());
            ack.put("message", error.message());
        }
        out.write((json.writeValueAsString(ack) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    static SluiceException shuttingDown() {
        return new SluiceException(ErrorCode.SHUTTING_DOWN, "The server is shutting down");
    }
}
