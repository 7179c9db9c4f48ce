package io.sluice.protocol.ksql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.core.streams.StreamService;
import io.sluice.core.streams.Subscription;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import io.sluice.http.Authentication;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    /** The endpoints of ksqlDB's API that Sluice serves, all POST. */
    static final List<String> PATHS = List.of("/ksql", "/query", "/query-stream", "/inserts-stream", "/close-query");
    /**
     * Endpoints of ksqlDB's REST API that Sluice does not serve; a ksqlDB client calling one gets ksqlDB's 404
     * body, which says so. ({@code /status/{commandId}} is left out: {@code /status} is Druid's.)
     */
    static final List<String> UNSUPPORTED_PATHS = List.of("/info", "/healthcheck", "/clusterStatus", "/lag", "/heartbeat",
            "/ws/query", "/ksql/terminate", "/is_valid_property/{property}");
    private static final String QUERY_MEDIA_TYPE = "application/vnd.ksql.v1+json";
    static final String DELIMITED = "application/vnd.ksqlapi.delimited.v1";
    private static final long IDLE_MILLIS = 250;

    private final StreamService streams;
    private final StatementService statements;
    private final Authentication authentication;
    private final ObjectMapper json = new ObjectMapper();
    /** The server's limit on request bodies, for ksqlDB's 413 message. */
    private volatile long maxRequestBytes;
    private final KsqlStatements executor;
    private final InsertsStream inserts;
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
        this.inserts = new InsertsStream(streams, json);
        this.idleTicks.scheduleWithFixedDelay(() -> pushSessions.forEach(PushSession::tick),
                IDLE_MILLIS, IDLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/ksql", context -> guarded(context, () -> ksql(context)));
        routes.post("/query", context -> guarded(context, () -> query(context, Layout.QUERY)));
        routes.post("/query-stream", context -> guarded(context, () -> query(context, streamLayout(context))));
        routes.post("/close-query", context -> guarded(context, () -> closeQuery(context)));
        routes.post("/inserts-stream", context -> guarded(context, () -> inserts.handle(context)));
        // ksqlDB's paths answer every failure in its shape: other methods on them, the endpoints of ksqlDB's
        // API that Sluice does not serve, and the errors Jetty answers before any route runs.
        for (String path : PATHS) {
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH)) {
                routes.addEndpoint(new Endpoint(method, path, context -> respond(context, 405, new KsqlError(405, 40500,
                        "Method " + context.method() + " is not allowed on " + path + "; ksqlDB takes POST there").generic())));
            }
        }
        for (String path : UNSUPPORTED_PATHS) {
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST)) {
                routes.addEndpoint(new Endpoint(method, path, context -> {
                    Authentication.discardBody(context);
                    respond(context, 404, new KsqlError(404, 40400, "Sluice does not serve ksqlDB's " + context.method() + " "
                            + context.path() + "; its ksqlDB API is POST " + String.join(", POST ", PATHS)).generic());
                }));
            }
        }
        maxRequestBytes = routes.getCfg$javalin().http.maxRequestSize;
        routes.getCfg$javalin().jetty.modifyServer(server -> server.setErrorHandler(new KsqlHttpErrors(server.getErrorHandler(), Set.copyOf(PATHS))));
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
            if (e.error().code() == io.sluice.core.error.ErrorCode.PAYLOAD_TOO_LARGE) {
                // Read off the rest, so an HTTP/2 client gets the 413 rather than a reset stream.
                Authentication.discardBody(context);
            }
            KsqlError error = KsqlError.of(e.error());
            io.sluice.http.ErrorResponses.retryAfter(context, e.error());
            respond(context, error.status(), error.generic());
        } catch (KsqlBadRequest e) {
            respond(context, 400, new KsqlError(400, e.errorCode(), e.getMessage()).generic());
        } catch (HttpResponseException e) {
            // Javalin refusing the request, in practice a body over the server's limit.
            Authentication.discardBody(context);
            String message = e.getStatus() == 413 ? "The request body is larger than the limit of " + maxRequestBytes + " bytes"
                    : KsqlHttpErrors.describe(e.getStatus());
            respond(context, e.getStatus(), new KsqlError(e.getStatus(), e.getStatus() * 100, message).generic());
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

    private JsonNode body(Context context) {
        try {
            JsonNode body = json.readTree(context.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new KsqlBadRequest("The request body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new KsqlBadRequest("Malformed JSON in the request body");
        }
    }

    private static String text(JsonNode body, String... names) {
        for (String name : names) {
            JsonNode node = body.get(name);
            if (node != null && node.isTextual()) {
                return node.textValue();
            }
        }
        throw new KsqlBadRequest("The request needs a '" + names[0] + "' string");
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
                io.sluice.http.ErrorResponses.retryAfter(context, e.error());
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
        return acceptsJson(context) ? Layout.JSON : Layout.DELIMITED;
    }

    /** /query-stream and /inserts-stream answer JSON when Accept asks for it, else their delimited layout (the default). */
    static boolean acceptsJson(Context context) {
        String accept = context.header("Accept");
        return accept != null && accept.contains("application/json") && !accept.contains(DELIMITED);
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
            boolean http2 = "HTTP/2.0".equals(context.req().getProtocol());
            boolean keepAlive = layout == Layout.QUERY || !http2;
            // An HTTP/2 client that drops its connection without resetting the stream (node's session.destroy(),
            // a killed process) leaves Jetty waiting on the stream, and no write probes it (HTTP/2 gets no keep-alive
            // newlines). HTTP/2 never half-closes TCP, so input shut down on the connection means the client is gone.
            org.eclipse.jetty.io.EndPoint endPoint = ServletContextRequest.getServletContextRequest(context.req())
                    .getConnectionMetaData().getConnection().getEndPoint();
            java.util.function.BooleanSupplier connectionClosed = http2
                    ? () -> !endPoint.isOpen() || endPoint.isInputShutdown() : () -> false;
            RowWriter.Factory layoutWriter = writerFactory(context, layout);
            context.future(() -> {
                try {
                    // Push queries run until closed: no asynchronous timeout.
                    context.req().getAsyncContext().setTimeout(0);
                    PushSession session = new PushSession(subscription, plan, context.res().getOutputStream(), pushThreads,
                            out -> layoutWriter.create(out).keepAlive(keepAlive), encodings, connectionClosed);
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
            // The first batch is fetched before anything is written: an error the engine raises before the first
            // row is still a status and ksqlDB's error body, not a broken 200.
            boolean more = rows.next();
            RowWriter writer = start(context, layout);
            writer.header(layout == Layout.QUERY ? "query_" + rows.id() : null, plan);
            try {
                while (more) {
                    ColumnReader[] readers = ColumnReaders.forBatch(rows.root(), rows.schema(), ZoneOffset.UTC);
                    for (int row = 0; row < rows.root().getRowCount(); row++) {
                        List<Object> values = new ArrayList<>(readers.length);
                        for (ColumnReader reader : readers) {
                            values.add(KsqlValues.toJson(reader.value(row)));
                        }
                        // One row per write, as ksqlDB sends them (see PushSession): a client may parse each chunk alone.
                        writer.row(values, false);
                        writer.flush();
                    }
                    more = rows.next();
                }
            } catch (SluiceException e) {
                // After the 200 and some rows, ksqlDB ends a failed query with an error element in the stream.
                writer.error(KsqlError.of(e.error()));
                return;
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
            throw new KsqlBadRequest("No query with id " + queryId + " on this server");
        }
        context.status(200).result("");
    }

    static SluiceException shuttingDown() {
        return new SluiceException(ErrorCode.SHUTTING_DOWN, "The server is shutting down");
    }
}
