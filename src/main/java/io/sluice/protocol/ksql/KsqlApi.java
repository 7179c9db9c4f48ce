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
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
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
import java.util.concurrent.CompletableFuture;
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
    /**
     * Encodes and writes push-query rows for every subscriber: a few platform threads, however many push
     * queries are open, since a session only runs here while it has rows to write and the socket takes them.
     */
    private final java.util.concurrent.ExecutorService pushThreads = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().name("ksql-push-", 0).daemon().factory());
    private final java.util.concurrent.ScheduledExecutorService idleTicks = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ksql-idle").daemon().factory());
    private final java.util.Set<PushSession> pushSessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A row goes to every push query of the same shape as the same bytes, encoded once. */
    private final SharedRowEncoding.Registry encodings = new SharedRowEncoding.Registry();

    public KsqlApi(StreamService streams, StatementService statements, Authentication authentication) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.executor = new KsqlStatements(streams);
        this.idleTicks.scheduleWithFixedDelay(() -> pushSessions.forEach(PushSession::tick),
                IDLE_MILLIS, IDLE_MILLIS, TimeUnit.MILLISECONDS);
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
        routes.getCfg$javalin().events.serverStopped(() -> {
            idleTicks.shutdownNow();
            pushThreads.shutdownNow();
        });
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
                respond(context, error.status(), new KsqlError(error.status(), code, error.message())
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
        return writerFactory(context, layout).create(out);
    }

    /** Sets the layout's content type and says how to build its writer over an output stream. */
    private RowWriter.Factory writerFactory(Context context, Layout layout) {
        return switch (layout) {
            case QUERY -> {
                String accept = context.header("Accept");
                context.contentType(accept != null && accept.startsWith("application/json") ? "application/json" : QUERY_MEDIA_TYPE);
                yield out -> new RowWriter.QueryArray(out, json);
            }
            case DELIMITED -> {
                context.contentType(DELIMITED);
                yield out -> new RowWriter.Delimited(out, json);
            }
            case JSON -> {
                context.contentType("application/json");
                yield out -> new RowWriter.JsonArray(out, json);
            }
        };
    }

    /**
     * A push query holds no request thread: the handler subscribes and writes the header, then hands the
     * response to a {@link PushSession} on the servlet's asynchronous, non-blocking output, which the stream's
     * feed wakes when rows arrive.
     */
    private void push(Context context, Layout layout, QueryPlan plan, boolean earliest) {
        Subscription subscription = streams.subscribe(plan.source().name(), plan.select().text(), earliest);
        try {
            // A client that resets its stream or drops the connection ends the query at once, and its response
            // with it: nothing more can be written to it.
            java.util.concurrent.atomic.AtomicReference<PushSession> started = new java.util.concurrent.atomic.AtomicReference<>();
            ServletContextRequest.getServletContextRequest(context.req()).addFailureListener(failure -> {
                subscription.close();
                PushSession session = started.get();
                if (session != null) {
                    session.clientGone();
                }
            });
            context.status(200);
            boolean keepAlive = layout == Layout.QUERY || !"HTTP/2.0".equals(context.req().getProtocol());
            RowWriter.Factory layoutWriter = writerFactory(context, layout);
            context.future(() -> {
                try {
                    // Push queries run until closed: no asynchronous timeout.
                    context.req().getAsyncContext().setTimeout(0);
                    PushSession session = new PushSession(subscription, plan, context.res().getOutputStream(), pushThreads,
                            out -> layoutWriter.create(out).keepAlive(keepAlive), encodings);
                    pushSessions.add(session);
                    started.set(session);
                    return session.start().whenComplete((ignored, failure) -> pushSessions.remove(session));
                } catch (IOException | RuntimeException e) {
                    LOG.debug("push query {} could not start", subscription.id(), e);
                    subscription.close();
                    return CompletableFuture.completedFuture(null);
                }
            });
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
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
            // Push queries belong to the connection (and so the node) that streams them; in a cluster another
            // node has none by that id, as another ksqlDB server would not.
            throw new BadRequest("No query with id " + queryId + " on this server");
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
            return new KsqlError(400, KsqlError.BAD_REQUEST, KsqlError.of(e.error()).message());
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
