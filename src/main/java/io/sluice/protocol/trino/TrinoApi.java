package io.sluice.protocol.trino;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.engine.SqlDialect;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.http.Authentication;
import io.sluice.http.ClientConnections;
import io.sluice.http.HttpApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Trino's client protocol ({@code /v1/statement}), so trino-jdbc, trino-cli and the other Trino clients work
 * against Sluice: POST the SQL, GET each nextUri until there is none, DELETE a nextUri to cancel. Statements run
 * through the statement service like every other protocol's; results are read back from the spool a page per
 * answer. Session statements (USE, SET SESSION, PREPARE…) are answered here with Trino's response headers, and
 * metadata statements become DuckDB SQL ({@link TrinoMetadata}).
 *
 * <p>Authentication: the API key as the password of HTTP Basic, or as {@code Authorization: Bearer}. A client's
 * X-Trino-User must be the authenticated principal's name.
 */
public final class TrinoApi implements HttpApi {

    static final String PROTOCOL = "trino";
    /** How long one GET waits for a running statement before answering "still running". */
    private static final Duration POLL_WAIT = Duration.ofSeconds(1);

    private final StatementService statements;
    private final Authentication authentication;
    private final ObjectMapper json;
    private final Clock clock;
    private final TrinoQueries queries;
    private final TrinoResults results;

    /** @param clientTimeout how long a query may go unpolled before it is abandoned (trino.clientTimeoutSeconds) */
    public TrinoApi(StatementService statements, Authentication authentication, ObjectMapper json, Clock clock,
                    Duration clientTimeout) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.queries = new TrinoQueries(statements, clientTimeout);
        this.results = new TrinoResults(statements);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/statement", context -> handle(context, this::submit));
        routes.get("/v1/statement/executing/{id}/{slug}/{token}", context -> handle(context, this::next));
        routes.delete("/v1/statement/executing/{id}/{slug}/{token}", context -> handle(context, this::cancel));
        routes.delete("/v1/query/{id}", context -> handle(context, this::kill));
        routes.get("/v1/info", context -> context.json(Map.of("nodeVersion", Map.of("version", "sluice"),
                "environment", "sluice", "coordinator", true, "starting", false)));
    }

    private interface Route {
        void handle(Context context, Principal principal);
    }

    /** Authenticates, runs the route, and answers any refusal in Trino's shape (never the native error body). */
    private void handle(Context context, Route route) {
        try {
            Principal principal;
            try {
                principal = authentication.require(context);
            } catch (SluiceException e) {
                context.header("WWW-Authenticate", "Basic realm=\"Sluice\"");
                throw new TrinoRequestException(401, TrinoErrors.Standard.PERMISSION_DENIED, e.getMessage());
            }
            route.handle(context, principal);
        } catch (TrinoRequestException e) {
            SluiceError error = SluiceError.of(ErrorCode.MALFORMED_REQUEST, e.getMessage());
            write(context, e.status(), failed(context, queryId(context), TrinoErrors.render(error, e.standard())));
        } catch (SluiceException e) {
            // A result past its retention is gone, as an abandoned query's nextUri is: 410. Anything else is the
            // query failing, which Trino answers with 200 and an error.
            int status = e.error().code() == ErrorCode.RESULT_EXPIRED ? 410 : 200;
            write(context, status, failed(context, queryId(context), TrinoErrors.render(e.error())));
        }
    }

    // ---- POST /v1/statement ----------------------------------------------------------------------------

    private void submit(Context context, Principal principal) {
        // The body first: an answer given before the request body is read resets an HTTP/2 stream, and the client then
        // sees no answer at all for a malformed header.
        String sql = context.body();
        ClientSession session = ClientSession.of(context);
        if (session.user() != null && !session.user().equals(principal.name())) {
            throw new TrinoRequestException(200, TrinoErrors.Standard.PERMISSION_DENIED, "Access Denied: User "
                    + principal.name() + " cannot impersonate user " + session.user());
        }
        if (sql.isBlank()) {
            throw TrinoRequestException.badRequest("SQL statement is empty");
        }
        // A principal that may not read the engine's catalog gets listings of what it sees, made by access control.
        TrinoStatements.Plan plan = TrinoStatements.plan(sql, session, () -> statements.visibleCatalog(principal)
                .map(TrinoMetadata.Sources::of).orElse(TrinoMetadata.Sources.ENGINE));
        switch (plan) {
            case TrinoStatements.Local local -> answerLocal(context, local);
            case TrinoStatements.Run run -> start(context, principal, run, updateType(sql));
        }
    }

    private void start(Context context, Principal principal, TrinoStatements.Run run, String updateType) {
        ClientSession session = run.session();
        String maxRunTime = session.properties().get("query_max_run_time");
        Duration timeout = maxRunTime == null ? null : TrinoDurations.parse(maxRunTime);
        Map<String, String> tags = new HashMap<>();
        if (session.source() != null) {
            tags.put("trino.source", session.source());
        }
        if (!session.clientTags().isEmpty()) {
            tags.put("trino.clientTags", String.join(",", session.clientTags()));
        }
        if (session.clientInfo() != null) {
            tags.put("trino.clientInfo", session.clientInfo());
        }
        StatementRequest request = new StatementRequest(run.sql(), new Parameters.Positional(run.parameters()),
                new SessionContext(session.catalog(), session.schema(), session.timeZone(), principal.name(),
                        SqlDialect.TRINO),
                timeout, 0, null, null, PROTOCOL)
                .withClient(ClientConnections.of(context))
                .withTags(tags);
        StatementStatus status = statements.submit(principal, request);
        TrinoQuery query = queries.register(principal, status.id(), session, updateType);
        context.attribute("trino.queryId", status.id());
        synchronized (query) {
            write(context, 200, new TrinoResponses.QueryResults(status.id(), infoUri(context, status.id()), null,
                    nextUri(context, query, query.expectedToken), null, null,
                    results.stats(principal, status, true, 0, clock.instant()), null, List.of(), null, null));
        }
    }

    private void answerLocal(Context context, TrinoStatements.Local local) {
        String id = localId();
        TrinoStatements.Effects effects = local.effects();
        String prefix = context.header("X-Trino-User") == null && context.header("X-Presto-User") != null
                ? "X-Presto-" : "X-Trino-";
        if (effects.setCatalog() != null) {
            context.header(prefix + "Set-Catalog", effects.setCatalog());
        }
        if (effects.setSchema() != null) {
            context.header(prefix + "Set-Schema", effects.setSchema());
        }
        effects.setSession().forEach((name, value) -> context.res().addHeader(prefix + "Set-Session",
                name + "=" + urlEncode(value)));
        effects.clearSession().forEach(name -> context.res().addHeader(prefix + "Clear-Session", name));
        effects.addedPrepare().forEach((name, sql) -> context.res().addHeader(prefix + "Added-Prepare",
                urlEncode(name) + "=" + urlEncode(sql)));
        effects.deallocatedPrepare().forEach(name -> context.res().addHeader(prefix + "Deallocated-Prepare",
                urlEncode(name)));
        List<TrinoResponses.Column> columns;
        List<List<Object>> rows;
        if (local.columnNames() == null) {
            // As Trino answers a session statement: no columns (an empty list; null would tell clients the columns are
            // still to come) and no rows, so trino-cli prints just the update type and drivers see an update.
            columns = List.of();
            rows = List.of();
        } else {
            columns = local.columnNames().stream()
                    .map(name -> TrinoTypes.column(name, io.sluice.core.types.SqlType.VARCHAR)).toList();
            rows = local.rows();
        }
        write(context, 200, new TrinoResponses.QueryResults(id, infoUri(context, id), null, null, columns,
                rows.isEmpty() ? null : rows,
                local.columnNames() == null ? TrinoResults.finishedWithoutWork() : TrinoResults.finishedAtOnce(rows.size()),
                null, List.of(),
                local.updateType(), null));
    }

    // ---- GET nextUri -----------------------------------------------------------------------------------

    private void next(Context context, Principal principal) {
        TrinoQuery query = queries.find(context.pathParam("id"), context.pathParam("slug"), principal);
        context.attribute("trino.queryId", query.id());
        long token = token(context);
        synchronized (query) {
            if (token == query.expectedToken) {
                write(context, 200, advance(context, query));
            } else if (token >= 1 && token < query.expectedToken) {
                write(context, 200, replay(context, query));
            } else {
                throw new TrinoRequestException(404, TrinoErrors.Standard.NOT_FOUND, "Query " + query.id()
                        + " has no token " + token + " (the next one is " + query.expectedToken + ")");
            }
        }
    }

    /** The answer to the nextUri last handed out: the next page, or the statement's state while it runs. */
    private TrinoResponses.QueryResults advance(Context context, TrinoQuery query) {
        Principal principal = query.principal();
        StatementStatus status = statements.status(principal, query.id());
        if (!status.isTerminal()) {
            status = statements.await(principal, query.id(), POLL_WAIT);
        }
        if (status.state() != StatementState.SUCCEEDED) {
            query.lastOffset = query.nextOffset;
            query.lastRows = -1;
            query.lastHadNext = !status.isTerminal();
            query.expectedToken++;
            return withoutRows(context, query, status);
        }
        SpooledResult result = statements.results().result(principal, query.id());
        TrinoResults.Page page = results.page(principal, query.id(), result, query.nextOffset, -1, query.session(),
                ClientConnections.reader(context, PROTOCOL));
        boolean more = query.nextOffset + page.rows().size() < page.total();
        query.lastOffset = query.nextOffset;
        query.lastRows = page.rows().size();
        query.lastHadNext = more;
        query.nextOffset += page.rows().size();
        query.expectedToken++;
        return withRows(context, query, status, result, page, more);
    }

    /** The last answer again (a client that retried a GET it never got the answer to). */
    private TrinoResponses.QueryResults replay(Context context, TrinoQuery query) {
        Principal principal = query.principal();
        StatementStatus status = statements.status(principal, query.id());
        if (query.lastRows < 0 || status.state() != StatementState.SUCCEEDED) {
            return withoutRows(context, query, status);
        }
        SpooledResult result = statements.results().result(principal, query.id());
        TrinoResults.Page page = results.page(principal, query.id(), result, query.lastOffset, query.lastRows,
                query.session(), ClientConnections.reader(context, PROTOCOL));
        return withRows(context, query, status, result, page, query.lastHadNext);
    }

    private TrinoResponses.QueryResults withoutRows(Context context, TrinoQuery query, StatementStatus status) {
        TrinoResponses.QueryError error = null;
        if (status.state() == StatementState.FAILED || status.state() == StatementState.CANCELLED) {
            SluiceError cause = status.error() != null ? status.error()
                    : SluiceError.of(ErrorCode.CANCELLED, "Query was canceled");
            error = query.cancelledByClient
                    ? TrinoErrors.render(SluiceError.of(ErrorCode.CANCELLED, "Query was canceled"))
                    : TrinoErrors.render(cause);
        }
        boolean running = !status.isTerminal();
        String next = running ? nextUri(context, query, query.expectedToken) : null;
        return new TrinoResponses.QueryResults(query.id(), infoUri(context, query.id()), null, next, null, null,
                results.stats(query.principal(), status, running, 0, clock.instant()), error, List.of(), null, null);
    }

    private TrinoResponses.QueryResults withRows(Context context, TrinoQuery query, StatementStatus status,
                                                 SpooledResult result, TrinoResults.Page page, boolean more) {
        Long updateCount = status.updateCount() >= 0 ? status.updateCount() : null;
        return new TrinoResponses.QueryResults(query.id(), infoUri(context, query.id()), null,
                more ? nextUri(context, query, query.expectedToken) : null, results.columns(result.schema()),
                page.rows().isEmpty() ? null : page.rows(),
                results.stats(query.principal(), status, more, result.totalBytes(), clock.instant()), null, List.of(),
                query.updateType(), updateCount);
    }

    // ---- DELETE nextUri --------------------------------------------------------------------------------

    private void cancel(Context context, Principal principal) {
        TrinoQuery query = queries.find(context.pathParam("id"), context.pathParam("slug"), principal);
        query.cancelledByClient = true;
        statements.abandon(principal, query.id(), "Query was canceled");
        context.status(204);
    }

    /** Trino's kill-query endpoint, which some clients (npm trino-client) cancel with, by query id alone. */
    private void kill(Context context, Principal principal) {
        String id = context.pathParam("id");
        context.attribute("trino.queryId", id);
        TrinoQuery query = queries.find(id, principal);
        if (query != null) {
            query.cancelledByClient = true;
        }
        statements.cancel(principal, id);
        context.status(204);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static long token(Context context) {
        try {
            return Long.parseLong(context.pathParam("token"));
        } catch (NumberFormatException e) {
            throw new TrinoRequestException(404, TrinoErrors.Standard.NOT_FOUND,
                    "Unknown token '" + context.pathParam("token") + "'");
        }
    }

    private TrinoResponses.QueryResults failed(Context context, String id, TrinoResponses.QueryError error) {
        String queryId = id == null ? localId() : id;
        return new TrinoResponses.QueryResults(queryId, infoUri(context, queryId), null, null, null, null,
                TrinoResults.failedAtOnce(), error, List.of(), null, null);
    }

    private void write(Context context, int status, TrinoResponses.QueryResults answer) {
        try {
            context.status(status).contentType("application/json").result(json.writeValueAsBytes(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a Trino answer", e);
        }
    }

    private static String queryId(Context context) {
        return context.attribute("trino.queryId");
    }

    /** Statements answered here have no statement in the core; they get an id of the same form. */
    private static String localId() {
        return UUID.randomUUID().toString();
    }

    private static String baseUri(Context context) {
        String host = context.header("Host");
        if (host == null || host.isBlank()) {
            host = context.req().getLocalAddr() + ":" + context.req().getLocalPort();
        }
        return context.req().getScheme() + "://" + host;
    }

    private static String infoUri(Context context, String id) {
        return baseUri(context) + "/sluice/v1/statements/" + id;
    }

    private static String nextUri(Context context, TrinoQuery query, long token) {
        return baseUri(context) + "/v1/statement/executing/" + query.id() + "/" + query.slug() + "/" + token;
    }

    private static String urlEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Trino's updateType: the statement's leading keywords for anything but a query. */
    static String updateType(String sql) {
        String[] words = TrinoStatements.trim(sql).split("\\s+", 4);
        String first = words[0].toUpperCase(Locale.ROOT);
        return switch (first) {
            case "INSERT", "UPDATE", "DELETE", "MERGE" -> first;
            case "CREATE", "DROP", "ALTER" -> words.length > 1 ? first + " " + words[1].toUpperCase(Locale.ROOT) : first;
            default -> null;
        };
    }
}
