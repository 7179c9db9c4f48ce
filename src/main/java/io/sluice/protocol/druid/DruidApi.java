package io.sluice.protocol.druid;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.http.Authentication;
import io.sluice.http.ResultStreaming;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Druid's SQL API: {@code POST /druid/v2/sql} streams a result in Druid's formats,
 * {@code DELETE /druid/v2/sql/{sqlQueryId}} cancels it, and {@code /druid/v2/sql/statements} runs queries
 * asynchronously into the spool and serves their pages ({@link DruidStatements}); the broker's status and
 * datasource endpoints are {@link DruidServerInfo}'s. Every route
 * authenticates and renders its errors Druid's way itself, so no native error body ever leaks out.
 */
public final class DruidApi implements io.sluice.http.HttpApi {

    static final String PROTOCOL = "druid";
    static final String QUERY_ID_HEADER = "X-Druid-SQL-Query-Id";
    static final String HEADER_INCLUDED = "X-Druid-SQL-Header-Included";
    /**
     * The tag under which a statement carries its Druid sqlQueryId. Druid does not make the id unique, so one
     * id may name several running queries, and a cancel stops them all.
     */
    static final String SQL_QUERY_ID_TAG = "druid.sqlQueryId";
    private static final Logger LOG = LoggerFactory.getLogger(DruidApi.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final StatementService statements;
    private final Authentication authentication;
    private final ObjectMapper json;
    private final DruidStatements asyncStatements;
    private final DruidServerInfo serverInfo;

    public DruidApi(StatementService statements, Authentication authentication, ObjectMapper json) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.json = Objects.requireNonNull(json, "json");
        this.asyncStatements = new DruidStatements(statements, json);
        this.serverInfo = new DruidServerInfo(statements, json);
    }

    /** How a route renders its errors: the /sql generation (legacy + current fields) or the statements API's. */
    private enum ErrorStyle { LEGACY, CURRENT }

    private interface Route {
        void handle(Context context, Principal principal) throws IOException;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/druid/v2/sql", context -> guarded(context, ErrorStyle.LEGACY, this::query));
        routes.post("/druid/v2/sql/", context -> guarded(context, ErrorStyle.LEGACY, this::query));
        routes.post("/druid/v2/sql/statements", context -> guarded(context, ErrorStyle.LEGACY, asyncStatements::submit));
        routes.post("/druid/v2/sql/statements/", context -> guarded(context, ErrorStyle.LEGACY, asyncStatements::submit));
        routes.get("/druid/v2/sql/statements/{queryId}",
                context -> guarded(context, ErrorStyle.CURRENT, asyncStatements::status));
        routes.get("/druid/v2/sql/statements/{queryId}/results",
                context -> guarded(context, ErrorStyle.CURRENT, asyncStatements::results));
        routes.delete("/druid/v2/sql/statements/{queryId}",
                context -> guarded(context, ErrorStyle.CURRENT, asyncStatements::cancel));
        routes.delete("/druid/v2/sql/{sqlQueryId}", context -> guarded(context, ErrorStyle.LEGACY, this::cancel));
        routes.get("/status", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::status));
        routes.get("/status/health", serverInfo::health);
        routes.get("/status/properties", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::properties));
        routes.get("/druid/v2/datasources", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::datasources));
        routes.get("/druid/v2/datasources/{name}", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::datasource));
        routes.post("/druid/v2", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::nativeQuery));
        routes.post("/druid/v2/", context -> guarded(context, ErrorStyle.LEGACY, serverInfo::nativeQuery));
        // Registered last, so every route above wins: Druid's other endpoints (the MSQ task API, the coordinator's and
        // the overlord's) answer a 404 in Druid's shape that says so, rather than Sluice's own error body.
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE)) {
            routes.addEndpoint(new Endpoint(method, "/druid/<path>",
                    context -> guarded(context, ErrorStyle.LEGACY, this::notServed)));
        }
    }

    private void notServed(Context context, Principal principal) {
        io.sluice.http.Authentication.discardBody(context);
        throw new SluiceException(ErrorCode.NOT_FOUND, "Sluice does not serve Druid's " + context.method() + " "
                + context.path() + "; its Druid API is POST /druid/v2/sql, /druid/v2/sql/statements and /druid/v2, "
                + "GET /druid/v2/datasources and /status");
    }

    /** Authenticates, runs the route, and renders any failure in Druid's shape (or cuts a started response). */
    private void guarded(Context context, ErrorStyle style, Route route) {
        try {
            Principal principal = authentication.require(context);
            route.handle(context, principal);
        } catch (SluiceException e) {
            fail(context, style, e.error());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("client went away on {} {}", context.method(), context.path(), e);
            ResultStreaming.abortResponse(context);
        } catch (RuntimeException e) {
            LOG.error("unexpected error on {} {}", context.method(), context.path(), e);
            fail(context, style, SluiceError.of(ErrorCode.INTERNAL_ERROR, "Internal error"));
        }
    }

    private void fail(Context context, ErrorStyle style, SluiceError error) {
        if (context.res().isCommitted()) {
            ResultStreaming.abortResponse(context);
            return;
        }
        context.res().resetBuffer();
        context.res().setHeader(HEADER_INCLUDED, null);
        String host = context.req().getServerName() + ":" + context.req().getServerPort();
        Object body = style == ErrorStyle.LEGACY ? DruidErrors.legacy(error, host) : DruidErrors.current(error);
        try {
            context.status(DruidErrors.status(error)).contentType("application/json")
                    .result(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (error.code() == ErrorCode.UNAUTHENTICATED) {
            context.header("WWW-Authenticate", "Basic realm=\"druid\"");
        }
        io.sluice.http.ErrorResponses.retryAfter(context, error);
    }

    // ---- POST /druid/v2/sql ------------------------------------------------------------------------

    private void query(Context context, Principal principal) throws IOException {
        DruidQuery query = DruidQuery.parse(context.contentType(), io.sluice.http.RequestBodies.utf8(context), json);
        String sqlQueryId = query.sqlQueryId() == null ? UUID.randomUUID().toString() : query.sqlQueryId();
        context.header(QUERY_ID_HEADER, sqlQueryId);
        StatementRequest request = statementRequest(query, principal, statements).withClient(io.sluice.http.ClientConnections.of(context));
        DruidResultWriter.Options options = new DruidResultWriter.Options(query.resultFormat(), query.header(),
                query.typesHeader(), query.sqlTypesHeader(), query.timeZone(), false, query.stringifyArrays());
        try (StreamingStatement stream = statements.stream(principal, request.withTags(Map.of(SQL_QUERY_ID_TAG, sqlQueryId)))) {
            stream(context, stream, options);
        }
    }

    static StatementRequest statementRequest(DruidQuery query, Principal principal, StatementService statements) {
        long timeout = query.timeoutMillis();
        return new StatementRequest(DruidSql.rewrite(query.query(), principal.admin(),
                DruidCatalogSources.of(statements, principal)), query.parameters(),
                new SessionContext(query.catalog(), query.schema(), query.timeZone(), principal.name()),
                timeout == 0 ? null : Duration.ofMillis(timeout), query.outerLimit(), null, null, PROTOCOL);
    }

    /**
     * Streams the rows. An error before anything reached the client becomes a JSON error; after that the
     * connection is cut, so the client sees a truncated body rather than a fake success.
     */
    private static void stream(Context context, StreamingStatement stream, DruidResultWriter.Options options)
            throws IOException {
        context.status(200).contentType(options.format().contentType);
        if (options.header()) {
            context.header(HEADER_INCLUDED, "yes");
        }
        OutputStream out;
        try {
            out = new BufferedOutputStream(context.res().getOutputStream(), BUFFER_BYTES);
        } catch (IOException e) {
            stream.abort("The client disconnected");
            return;
        }
        try {
            DruidResultWriter writer = new DruidResultWriter(out, stream.schema(), options);
            writer.start();
            while (stream.next()) {
                writer.writeBatch(stream.root());
            }
            writer.finish();
        } catch (EofException | UncheckedIOException e) {
            stream.abort("The client disconnected while the result was streamed");
        } catch (IOException e) {
            stream.abort("The client disconnected while the result was streamed");
        }
    }

    // ---- DELETE /druid/v2/sql/{sqlQueryId} ---------------------------------------------------------

    /**
     * Cancels every query running under the id, on whichever node of a cluster it runs: the id is a tag of
     * the statement, and the core finds tagged statements in the shared repository. Druid answers 202 at once.
     */
    private void cancel(Context context, Principal principal) {
        String sqlQueryId = context.pathParam("sqlQueryId");
        StatementService.TaggedCancel cancel = statements.cancelTagged(principal, SQL_QUERY_ID_TAG, sqlQueryId,
                "Query [" + sqlQueryId + "] was cancelled");
        // Another principal's query answers as an unknown one (Druid itself says 403): a different answer would
        // let anyone probe which query ids are running.
        if (cancel.cancelled() == 0) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "Query [" + sqlQueryId + "] is not running");
        }
        context.status(202);
    }

    /** Writes a spooled result Druid's way (the statements API's pages): epoch-millis times, no header. */
    static void writeSpooled(Context context, BatchStream rows, DruidFormat format) throws IOException {
        context.status(200).contentType(format.contentType);
        OutputStream out = new BufferedOutputStream(context.res().getOutputStream(), BUFFER_BYTES);
        DruidResultWriter writer = new DruidResultWriter(out, rows.schema(), new DruidResultWriter.Options(format,
                false, false, false, java.time.ZoneOffset.UTC, true, true));
        writer.start();
        while (rows.next()) {
            writer.writeBatch(rows.root());
        }
        writer.finish();
    }
}
