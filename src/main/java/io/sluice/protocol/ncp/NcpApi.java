package io.sluice.protocol.ncp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.ReplayGuard;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import io.sluice.http.Authentication;
import io.sluice.http.HttpApi;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * NAVER Cloud Data Query API ({@code /api/v2/queries}): run a query and wait up to its timeout, start one
 * asynchronously, read any page of its result by row offset, cancel it, and list the caller's history.
 * Requests are signed the NCP API Gateway way ({@link NcpSignature}); a Sluice API key as Bearer is also
 * accepted. Errors come back as NCP's common error body ({@link NcpErrors}).
 */
public final class NcpApi implements HttpApi {

    static final String PROTOCOL = "ncp";
    /** Rows the synchronous run answers with before the caller pages on by offset. */
    static final int FIRST_PAGE_ROWS = 10_000;
    /** How long past its timeout a synchronous run waits for the stopped statement to record its end. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final StatementService statements;
    private final Authentication authentication;
    private final NcpSignature signature;
    private final ObjectMapper json;
    private final Clock clock;

    /**
     * @param replays where accepted signatures are remembered until they expire, so each is accepted once (the
     *     cluster's shared store, or this node's memory)
     */
    public NcpApi(StatementService statements, Authentication authentication, ReplayGuard replays, ObjectMapper json,
                  Clock clock) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.signature = new NcpSignature(authentication.keys(), replays, clock);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/v2/queries", context -> handle(context, this::run));
        routes.post("/api/v2/queries/async", context -> handle(context, this::runAsync));
        routes.get("/api/v2/queries", context -> handle(context, this::history));
        routes.get("/api/v2/queries/{executionId}", context -> handle(context, this::result));
        routes.delete("/api/v2/queries/{executionId}", context -> handle(context, this::cancel));
        // Registered after the routes above, which win: the rest of /api/v2/queries is NCP's too (result downloads,
        // other methods), so it answers NCP's 404 rather than the Snowflake API's catch-all for /api/v2.
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE,
                HandlerType.PATCH)) {
            routes.addEndpoint(new Endpoint(method, "/api/v2/queries/<rest>", context -> handle(context, this::notServed)));
        }
        for (HandlerType method : List.of(HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH)) {
            routes.addEndpoint(new Endpoint(method, "/api/v2/queries", context -> handle(context, this::notServed)));
        }
    }

    private void notServed(Context context, Principal principal) {
        Authentication.discardBody(context);
        throw new SluiceException(ErrorCode.NOT_FOUND, "Sluice does not serve Data Query's " + context.method() + " "
                + context.path() + "; it serves POST /api/v2/queries and /api/v2/queries/async, GET /api/v2/queries, "
                + "GET and DELETE /api/v2/queries/{executionId}");
    }

    private interface Route {
        void handle(Context context, Principal principal);
    }

    /** Authenticates, runs the route, and renders any failure as NCP's error body (never the native one). */
    private void handle(Context context, Route route) {
        try {
            Principal principal = NcpSignature.isSigned(context) ? signature.verify(context)
                    : authentication.require(context);
            route.handle(context, principal);
        } catch (SluiceException e) {
            if (e.error().code() == ErrorCode.UNAUTHENTICATED) {
                // A refused signature leaves the body unread; on HTTP/2 the client would see a reset, not the 401.
                Authentication.discardBody(context);
            }
            NcpErrors.SessionNames names = context.attribute("ncp.session");
            NcpErrors.write(context, e.error(), names == null ? NcpErrors.SessionNames.NONE : names);
        }
    }

    // ---- POST /api/v2/queries --------------------------------------------------------------------------

    private void run(Context context, Principal principal) {
        NcpRequests.QueryRequest request = NcpRequests.query(context, json, false);
        Duration timeout = Duration.ofSeconds(request.timeoutSeconds());
        StatementStatus submitted = submit(context, principal, request, timeout);
        StatementStatus status = statements.await(principal, submitted.id(), timeout.plus(STOP_GRACE));
        if (!status.isTerminal()) {
            // The core's timer stops it at the timeout; this only covers an engine slow to stop.
            statements.cancel(principal, submitted.id());
            throw new SluiceException(new SluiceError(ErrorCode.TIMEOUT, "Query exceeded its timeout of "
                    + request.timeoutSeconds() + " s and was stopped", "57014", null));
        }
        answerFinished(context, principal, status, 0, FIRST_PAGE_ROWS);
    }

    // ---- POST /api/v2/queries/async --------------------------------------------------------------------

    private void runAsync(Context context, Principal principal) {
        NcpRequests.QueryRequest request = NcpRequests.query(context, json, true);
        StatementStatus submitted = submit(context, principal, request, null);
        context.json(NcpResponses.QueryResult.empty(submitted.id(), 0, false));
    }

    private StatementStatus submit(Context context, Principal principal, NcpRequests.QueryRequest request,
                                   Duration timeout) {
        NcpErrors.SessionNames names = new NcpErrors.SessionNames(request.dataSource(), request.database());
        context.attribute("ncp.session", names);
        StatementRequest statement = new StatementRequest(request.query(),
                new Parameters.Positional(request.executionParameters()),
                new SessionContext(request.dataSource(), request.database(), ZoneOffset.UTC, principal.name()),
                timeout, 0, null,
                request.isReuse() ? Duration.ofMinutes(request.reuseMaxAgeMinutes()) : null, PROTOCOL)
                .withClient(io.sluice.http.ClientConnections.of(context))
                .withTags(new NcpQueryTags(request.projectId(), request.isReuse(), request.dataSource(),
                        request.database()).tags());
        return statements.submit(principal, statement);
    }

    // ---- GET /api/v2/queries/{executionId} -------------------------------------------------------------

    private void result(Context context, Principal principal) {
        NcpRequests.ResultRequest request = NcpRequests.result(context);
        String id = context.pathParam("executionId");
        StatementStatus status = statements.status(principal, id);
        context.attribute("ncp.session", NcpQueryTags.of(status).session());
        if (!status.isTerminal()) {
            context.json(NcpResponses.QueryResult.empty(id, request.offset(), false));
            return;
        }
        answerFinished(context, principal, status, request.offset(), request.pageSize());
    }

    /** A SUCCEEDED statement's page at {@code offset}; a cancelled one's empty, finished shape; else its error. */
    private void answerFinished(Context context, Principal principal, StatementStatus status, long offset, int limit) {
        switch (status.state()) {
            case SUCCEEDED -> context.json(page(principal, status, offset, limit,
                    io.sluice.http.ClientConnections.reader(context, PROTOCOL)));
            case CANCELLED -> context.json(NcpResponses.QueryResult.empty(status.id(), 0, true));
            default -> throw new SluiceException(status.error());
        }
    }

    private NcpResponses.QueryResult page(Principal principal, StatementStatus status, long offset, int limit,
                                          io.sluice.core.statement.ResultReader reader) {
        SpooledResult result = statements.results().result(principal, status.id());
        ResultSchema schema = result.schema();
        List<NcpResponses.Column> columns = schema.columns().stream()
                .map(column -> TrinoTypes.column(column.name(), column.type())).toList();
        List<List<Object>> rows = new ArrayList<>();
        long total = result.totalRows();
        if (offset < total) {
            TrinoValues values = new TrinoValues(ZoneOffset.UTC);
            try (BatchStream stream = statements.results().readRows(principal, status.id(), offset, limit, reader)) {
                while (stream.next()) {
                    VectorSchemaRoot batch = stream.root();
                    ColumnReader[] readers = ColumnReaders.forBatch(batch, schema, ZoneOffset.UTC);
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        List<Object> cells = new ArrayList<>(readers.length);
                        for (int index = 0; index < readers.length; index++) {
                            Column column = schema.column(index);
                            cells.add(values.json(column.type(), readers[index].value(row)));
                        }
                        rows.add(cells);
                    }
                }
            }
        }
        long next = Math.min(total, offset) + rows.size();
        return new NcpResponses.QueryResult(status.id(), columns, rows, next, next >= total);
    }

    // ---- DELETE /api/v2/queries/{executionId} ----------------------------------------------------------

    private void cancel(Context context, Principal principal) {
        String id = context.pathParam("executionId");
        statements.cancel(principal, id);
        context.json(NcpResponses.QueryResult.empty(id, 0, true));
    }

    // ---- GET /api/v2/queries ---------------------------------------------------------------------------

    private void history(Context context, Principal principal) {
        NcpRequests.HistoryRequest request = NcpRequests.history(context);
        long skip = (long) (request.pageNo() - 1) * request.pageSize();
        // Without a status filter only this page and one more entry (for hasMore) need reading.
        int wanted = request.status() == null ? (int) Math.min(Integer.MAX_VALUE, skip + request.pageSize() + 1)
                : Integer.MAX_VALUE;
        List<StatementStatus> mine = statements.listOwn(principal, PROTOCOL, wanted).stream()
                .filter(status -> request.status() == null || request.status().equals(status(status.state())))
                .toList();
        List<NcpResponses.QueryHistory> page = mine.stream().skip(skip).limit(request.pageSize())
                .map(status -> historyOf(principal, status)).toList();
        boolean hasMore = mine.size() > skip + page.size();
        context.json(new NcpResponses.History(request.pageNo(), request.pageSize(), hasMore, page));
    }

    private NcpResponses.QueryHistory historyOf(Principal principal, StatementStatus status) {
        NcpQueryTags entry = NcpQueryTags.of(status);
        String error = status.error() == null ? null
                : NcpErrors.render(status.error(), entry.session()).detail();
        return new NcpResponses.QueryHistory(status.id(), entry.projectId(), status.sql(), status(status.state()),
                entry.isReuse(), "API", error, status.elapsedMillis(clock.instant()), dataSize(principal, status),
                status.createdAt().toString());
    }

    /** Bytes of the result the query produced (its spooled pages); 0 while it runs or once it is gone. */
    private long dataSize(Principal principal, StatementStatus status) {
        if (status.state() != StatementState.SUCCEEDED) {
            return 0;
        }
        try {
            return statements.results().result(principal, status.id()).totalBytes();
        } catch (SluiceException expired) {
            return 0;
        }
    }

    /** Data Query's names for the statement states. */
    static String status(StatementState state) {
        return switch (state) {
            case QUEUED -> "QUEUED";
            case RUNNING -> "RUNNING";
            case SUCCEEDED -> "FINISHED";
            case FAILED -> "FAILED";
            case CANCELLED -> "CANCELED";
        };
    }
}
