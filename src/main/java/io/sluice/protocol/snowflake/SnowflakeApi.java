package io.sluice.protocol.snowflake;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementStatus;
import io.sluice.http.Authentication;
import io.sluice.http.HttpApi;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Snowflake SQL API v2: {@code POST /api/v2/statements}, {@code GET /api/v2/statements/{handle}} (status,
 * results, {@code ?partition=N}) and {@code POST /api/v2/statements/{handle}/cancel}, with Snowflake's
 * authentication (API key as OAuth token, or key-pair JWT), bodies, codes and statuses. Partitions are the
 * core's spool pages. Also {@code POST /sluice/v1/admin/users/{name}/rsa-public-key} to register key-pair keys.
 */
public final class SnowflakeApi implements HttpApi {

    static final String PROTOCOL = "snowflake";
    private static final String BASE = "/api/v2/statements";
    private static final String HANDLE_ATTRIBUTE = "snowflake.handle";
    private static final String ASYNC_MESSAGE =
            "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.";
    private static final Duration REUSE_MAX_AGE = Duration.ofHours(24);
    /** Finished multi-statement runs are forgotten after this long (their statements stay with the core). */
    private static final Duration RUN_RETENTION = Duration.ofHours(25);
    private static final Pattern ALTER_USER_KEY = Pattern.compile(
            "(?is)ALTER\\s+USER\\s+(?:IF\\s+EXISTS\\s+)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\\w$.]*)\\s+(SET|UNSET)\\s+"
                    + "RSA_PUBLIC_KEY(_2)?\\s*(?:=\\s*'([^']*)')?\\s*");

    private final StatementService statements;
    private final Authentication apiKeys;
    private final PublicKeyStore publicKeys;
    private final SnowflakeAuthentication authentication;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration maxTimeout;
    private final Duration syncWait;
    private final ResultSetWriter resultSets;
    private final Map<String, MultiStatementRun> runs = new ConcurrentHashMap<>();
    private final Map<String, String> runsByRequestId = new ConcurrentHashMap<>();

    /**
     * @param maxTimeout the server's ceiling for statement timeouts (Snowflake's maximum is 7 days)
     * @param syncWait how long a POST waits for the result before answering 202 (Snowflake: 45 s)
     */
    public SnowflakeApi(StatementService statements, Authentication apiKeys, PublicKeyStore publicKeys,
                        ObjectMapper json, Clock clock, Duration maxTimeout, Duration syncWait) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.publicKeys = Objects.requireNonNull(publicKeys, "publicKeys");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTimeout = Objects.requireNonNull(maxTimeout, "maxTimeout");
        this.syncWait = Objects.requireNonNull(syncWait, "syncWait");
        this.authentication = new SnowflakeAuthentication(apiKeys, publicKeys, clock);
        this.resultSets = new ResultSetWriter(statements, json.getFactory().copy()
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET));
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(BASE, wrap(this::submit));
        routes.get(BASE + "/{handle}", wrap(this::status));
        routes.post(BASE + "/{handle}/cancel", wrap(this::cancel));
        routes.post("/sluice/v1/admin/users/{name}/rsa-public-key", this::registerKey);
        for (String path : List.of(BASE, BASE + "/{handle}", BASE + "/{handle}/cancel")) {
            routes.put(path, SnowflakeApi::methodNotAllowed);
            routes.delete(path, SnowflakeApi::methodNotAllowed);
            routes.patch(path, SnowflakeApi::methodNotAllowed);
        }
        routes.get(BASE, SnowflakeApi::methodNotAllowed);
        routes.post(BASE + "/{handle}", SnowflakeApi::methodNotAllowed);
        routes.get(BASE + "/{handle}/cancel", SnowflakeApi::methodNotAllowed);
        routes.get("/api/v2/*", SnowflakeApi::notFound);
        routes.post("/api/v2/*", SnowflakeApi::notFound);
        routes.put("/api/v2/*", SnowflakeApi::notFound);
        routes.delete("/api/v2/*", SnowflakeApi::notFound);
        routes.patch("/api/v2/*", SnowflakeApi::notFound);
    }

    // ---- POST /api/v2/statements ------------------------------------------------------------------------

    private void submit(Context context) throws IOException {
        Principal principal = authentication.authenticate(context);
        requireJson(context);
        SubmitRequest request = SubmitRequest.parse(context.bodyAsBytes(), queryParameters(context), json);
        if (request.statement().isBlank()) {
            throw SnowflakeException.failure("000900", "42000", "SQL compilation error:\nEmpty SQL statement.", null);
        }
        List<SnowflakeSql.Piece> pieces = SnowflakeSql.split(request.statement());
        if (pieces.isEmpty()) {
            throw SnowflakeException.failure("000900", "42000", "SQL compilation error:\nEmpty SQL statement.", null);
        }
        int wanted = request.multiStatementCount();
        if (wanted != 0 && wanted != pieces.size()) {
            throw SnowflakeException.failure("000008", "0A000", "Actual statement count " + pieces.size()
                    + " did not match the desired statement count " + wanted + ".", null);
        }
        forgetOldRuns();
        if (pieces.size() > 1 || wanted > 1) {
            submitMulti(context, principal, request, pieces);
            return;
        }
        SnowflakeSql.Piece piece = pieces.getFirst();
        Optional<String> alterUser = alterUserRsaKey(principal, piece.sql());
        String sql = alterUser.isPresent()
                ? "SELECT '" + ResultSetWriter.SUCCESS_MESSAGE + "' AS status"
                : SnowflakeSql.numberedPlaceholdersToDollar(piece.sql());
        StatementRequest core = coreRequest(request, principal, sql, alterUser.isPresent() ? Parameters.NONE
                : request.bindings(), request.requestId()).withClient(io.sluice.http.ClientConnections.of(context))
                .withTags(info(request, piece).tags());
        StatementStatus submitted = statements.submit(principal, core);
        context.attribute(HANDLE_ATTRIBUTE, StatementHandles.handleOf(submitted.id()));
        if (request.async()) {
            queryStatus(context, StatementHandles.handleOf(submitted.id()));
            return;
        }
        StatementStatus status = statements.await(principal, submitted.id(), syncWait);
        respond(context, principal, status, 0, true);
    }

    private void submitMulti(Context context, Principal principal, SubmitRequest request,
                             List<SnowflakeSql.Piece> pieces) throws IOException {
        if (request.hasBindings()) {
            throw SnowflakeException.failure("000002", "0A000",
                    "Bind variables are not supported in multi-statement requests.", null);
        }
        String key = request.requestId() == null ? null : principal.id() + "\u0000" + request.requestId();
        String handle = key == null ? null : runsByRequestId.get(key);
        if (handle == null) {
            // The request id goes to the core with the first statement, so a retry through another node (or
            // after a restart) finds the run that statement belongs to.
            String firstRequestId = request.requestId() == null ? null : "multi:" + request.requestId();
            SnowflakeSql.Piece first = pieces.getFirst();
            MultiStatementRun created = new MultiStatementRun(StatementHandles.newParentHandle(), principal, pieces,
                    piece -> coreRequest(request, principal, SnowflakeSql.numberedPlaceholdersToDollar(piece.sql()),
                            Parameters.NONE, piece == first ? firstRequestId : null)
                            .withClient(io.sluice.http.ClientConnections.of(context))
                            .withTags(info(request, piece).tags()),
                    clock.instant());
            handle = key == null ? created.handle() : runsByRequestId.computeIfAbsent(key, k -> created.handle());
            if (handle.equals(created.handle())) {
                runs.put(created.handle(), created);
                String owner = created.start(statements);
                if (!owner.equals(created.handle())) {
                    // An earlier submission of this request id (through another node) already runs it.
                    runs.remove(created.handle());
                    runsByRequestId.replace(key, created.handle(), owner);
                    handle = owner;
                }
            }
        }
        context.attribute(HANDLE_ATTRIBUTE, handle);
        if (request.async()) {
            queryStatus(context, handle);
            return;
        }
        respondMulti(context, awaitRun(principal, handle, syncWait));
    }

    /** Waits up to {@code wait} for a run to end, whether this node runs it or another; its view either way. */
    private MultiStatementRun.View awaitRun(Principal principal, String handle, Duration wait) {
        MultiStatementRun local = runs.get(handle);
        if (local != null) {
            local.await(wait);
            return local.view();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            MultiStatementRun.View view = remoteRun(principal, handle).orElseThrow(() -> SnowflakeException.notFound(handle));
            if (view.state() != MultiStatementRun.State.RUNNING || System.nanoTime() > deadline) {
                return view;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return view;
            }
        }
    }

    private StatementRequest coreRequest(SubmitRequest request, Principal principal, String sql, Parameters parameters,
                                         String requestId) {
        SessionContext session = new SessionContext(request.database(), request.schema(),
                request.output().timeZone(), principal.name());
        return new StatementRequest(sql, parameters, session, request.timeoutWithin(maxTimeout),
                request.rowsPerResultset(), requestId, request.useCachedResult() ? REUSE_MAX_AGE : null, PROTOCOL);
    }

    private StatementInfo info(SubmitRequest request, SnowflakeSql.Piece piece) {
        return new StatementInfo(request.output(), request.queryTag(), SnowflakeSql.firstKeyword(piece.sql()));
    }

    // ---- GET /api/v2/statements/{handle} ---------------------------------------------------------------

    private void status(Context context) throws IOException {
        Principal principal = authentication.authenticate(context);
        String handle = context.pathParam("handle");
        context.attribute(HANDLE_ATTRIBUTE, handle);
        int partition = partition(context);
        MultiStatementRun local = runs.get(handle);
        Optional<MultiStatementRun.View> run = local != null && local.owner().id().equals(principal.id())
                ? Optional.of(local.view()) : Optional.empty();
        String id = StatementHandles.statementIdOf(handle);
        if (run.isEmpty() && id != null) {
            Optional<StatementStatus> status = statementStatus(principal, id);
            if (status.isPresent()) {
                respond(context, principal, status.get(), partition, false);
                return;
            }
            run = remoteRun(principal, handle);
        }
        if (run.isEmpty()) {
            throw SnowflakeException.notFound(handle);
        }
        if (partition > 0) {
            throw SnowflakeException.invalidPayload("Partition " + partition
                    + " is out of range; the result has 1 partition(s).");
        }
        respondMulti(context, run.get());
    }

    private void respond(Context context, Principal principal, StatementStatus status, int partition, boolean post)
            throws IOException {
        String handle = StatementHandles.handleOf(status.id());
        switch (status.state()) {
            case QUEUED, RUNNING -> queryStatus(context, handle);
            case SUCCEEDED -> {
                StatementInfo info = StatementInfo.of(status);
                String acceptEncoding = context.header("Accept-Encoding");
                boolean gzip = partition > 0 && acceptEncoding != null
                        && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
                resultSets.write(context, principal, status, info, partition, gzip);
            }
            case FAILED, CANCELLED -> {
                SnowflakeException error = SnowflakeErrors.of(status.error(), handle);
                if (post && status.error().code() == ErrorCode.TIMEOUT) {
                    error = new SnowflakeException(408, error.code(), error.getMessage(), error.sqlState(), handle);
                }
                throw error;
            }
        }
    }

    /**
     * A multi-statement run of the caller's that this node does not hold (another node of a cluster runs it,
     * or this node forgot it), read from its statements. Empty when no statement names the handle.
     */
    private Optional<MultiStatementRun.View> remoteRun(Principal principal, String handle) {
        return MultiStatementRun.viewOf(handle, statements.tagged(principal, MultiStatementRun.PARENT_TAG, handle),
                clock.instant());
    }

    /** The caller's statement with this id; empty when there is none (the handle may be a run's). */
    private Optional<StatementStatus> statementStatus(Principal principal, String id) {
        try {
            return Optional.of(statements.status(principal, id));
        } catch (SluiceException e) {
            if (e.error().code() == ErrorCode.STATEMENT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void respondMulti(Context context, MultiStatementRun.View run) throws IOException {
        switch (run.state()) {
            case RUNNING -> queryStatus(context, run.handle());
            case SUCCEEDED -> resultSets.writeMulti(context, run.handle(), run.createdOn().toEpochMilli(),
                    run.childHandles());
            case FAILED -> throw run.failure();
        }
    }

    // ---- POST /api/v2/statements/{handle}/cancel ------------------------------------------------------

    private void cancel(Context context) {
        Principal principal = authentication.authenticate(context);
        String handle = context.pathParam("handle");
        context.attribute(HANDLE_ATTRIBUTE, handle);
        MultiStatementRun run = runs.get(handle);
        if (run != null && run.owner().id().equals(principal.id())) {
            if (!run.cancel(statements) && !run.wasCancelled()) {
                throw SnowflakeException.notFound(handle);
            }
            cancelStatus(context, handle);
            return;
        }
        String id = StatementHandles.statementIdOf(handle);
        if (id == null) {
            throw SnowflakeException.notFound(handle);
        }
        Optional<StatementStatus> found = statementStatus(principal, id);
        if (found.isEmpty()) {
            if (run == null && cancelRemoteRun(principal, handle)) {
                cancelStatus(context, handle);
                return;
            }
            throw SnowflakeException.notFound(handle);
        }
        StatementStatus before = found.get();
        if (before.isTerminal()) {
            // Cancelling is idempotent: a statement already cancelled answers as the first cancel did. One that
            // finished otherwise is no longer running, which Snowflake reports as not found.
            if (before.state() == io.sluice.core.statement.StatementState.CANCELLED
                    || before.error() != null && before.error().code() == ErrorCode.CANCELLED) {
                cancelStatus(context, handle);
                return;
            }
            throw SnowflakeException.notFound(handle);
        }
        statements.cancel(principal, id);
        cancelStatus(context, handle);
    }

    /**
     * Cancels a multi-statement run another node runs by cancelling the statement of it that runs (that node
     * then stops the run, as for a local cancel). A statement may end before the cancel reaches it and the run
     * move on to the next, and between two statements none runs for a moment: so this looks again until the
     * run has ended (or 10 s passed), cancelling whichever statement runs. False when no run of the caller's
     * has this handle or it had already ended.
     */
    private boolean cancelRemoteRun(Principal principal, String handle) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean cancelled = false;
        while (true) {
            List<StatementStatus> children = statements.tagged(principal, MultiStatementRun.PARENT_TAG, handle);
            Optional<MultiStatementRun.View> view = MultiStatementRun.viewOf(handle, children, clock.instant());
            if (view.isEmpty() || view.get().state() != MultiStatementRun.State.RUNNING) {
                return cancelled;
            }
            Optional<StatementStatus> running = children.stream().filter(child -> !child.isTerminal()).findFirst();
            if (running.isPresent()) {
                statements.cancel(principal, running.get().id());
                cancelled = true;
            } else {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return cancelled;
                }
            }
            if (System.nanoTime() > deadline) {
                return cancelled;
            }
        }
    }

    // ---- key-pair registration ---------------------------------------------------------------------------

    /** {@code ALTER USER <name> SET|UNSET RSA_PUBLIC_KEY[_2][='…']}: only admins; answered like any DDL. */
    private Optional<String> alterUserRsaKey(Principal principal, String sql) {
        Matcher matcher = ALTER_USER_KEY.matcher(sql.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String name = matcher.group(1);
        if (name.startsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        if (!principal.admin()) {
            throw SnowflakeException.failure("003001", "42501",
                    "SQL access control error:\nInsufficient privileges to operate on user '" + name + "'", null);
        }
        Principal user = apiKeys.keys().principal(name).orElseThrow(() -> SnowflakeException.failure("002003",
                "02000", "SQL compilation error:\nUser '" + matcher.group(1) + "' does not exist or not authorized.", null));
        int slot = matcher.group(3) == null ? 1 : 2;
        boolean set = matcher.group(2).equalsIgnoreCase("SET");
        if (set && matcher.group(4) == null) {
            throw SnowflakeException.failure("001003", "42000",
                    "SQL compilation error:\nsyntax error: RSA_PUBLIC_KEY needs a value.", null);
        }
        if (set) {
            try {
                publicKeys.register(user, slot, matcher.group(4));
            } catch (SluiceException e) {
                throw SnowflakeException.failure("002028", "22023", "Invalid RSA public key: " + e.getMessage(), null);
            }
        } else {
            publicKeys.unregister(user.id(), slot);
        }
        return Optional.of(user.id());
    }

    /** Admin API: registers a user's RSA public key ({@code {"rsaPublicKey": "MIIB…", "slot": 1}}); native errors. */
    private void registerKey(Context context) throws IOException {
        Principal principal = apiKeys.require(context);
        if (!principal.admin()) {
            throw new SluiceException(ErrorCode.FORBIDDEN, "Only an admin may register public keys");
        }
        String name = context.pathParam("name");
        Principal user = apiKeys.keys().principal(name)
                .orElseThrow(() -> new SluiceException(ErrorCode.NOT_FOUND, "No user [" + name + "]"));
        JsonNode body;
        try {
            body = json.readTree(context.bodyAsBytes());
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The body is not JSON");
        }
        if (body == null || !body.isObject() || !body.hasNonNull("rsaPublicKey")) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The body needs 'rsaPublicKey' (base64 DER or PEM)");
        }
        int slot = body.path("slot").asInt(1);
        String fingerprint = publicKeys.register(user, slot, body.get("rsaPublicKey").asText());
        Map<String, Object> answer = new HashMap<>();
        answer.put("user", user.id());
        answer.put("slot", slot);
        answer.put("fingerprint", fingerprint);
        context.json(answer);
    }

    // ---- responses and request rules ---------------------------------------------------------------------

    private void queryStatus(Context context, String handle) throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("code", "333334");
        body.put("message", ASYNC_MESSAGE);
        body.put("statementHandle", handle);
        body.put("statementStatusUrl", StatementHandles.statusUrl(handle));
        context.status(202).contentType("application/json").result(json.writeValueAsBytes(body));
    }

    private void cancelStatus(Context context, String handle) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("code", SnowflakeErrors.CANCELLED_CODE);
        body.put("sqlState", "57014");
        body.put("message", "SQL execution canceled");
        body.put("statementHandle", handle);
        body.put("statementStatusUrl", StatementHandles.statusUrl(handle));
        write(context, 200, body);
    }

    private void render(Context context, SnowflakeException error) {
        if (error.status() == 422) {
            error = withHandle(context, error);
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("code", error.code());
        body.put("message", error.getMessage());
        if (error.sqlState() != null) {
            body.put("sqlState", error.sqlState());
        }
        String handle = error.statementHandle();
        if (handle != null) {
            body.put("statementHandle", handle);
            body.put("statementStatusUrl", StatementHandles.statusUrl(handle));
        }
        write(context, error.status(), body);
    }

    /**
     * A QueryFailureStatus always names a statement handle, a UUID (the OpenAPI description requires it):
     * Snowflake gives every submitted statement a query id, also one refused before it ran (bad bindings, a
     * statement count that does not match), so such a refusal gets a fresh handle (polling it answers not
     * found). A path that names no UUID-shaped handle names no statement at all: 400, a malformed request.
     */
    private static SnowflakeException withHandle(Context context, SnowflakeException error) {
        String handle = error.statementHandle() != null ? error.statementHandle() : context.attribute(HANDLE_ATTRIBUTE);
        if (handle == null) {
            handle = StatementHandles.newParentHandle();
        } else if (StatementHandles.statementIdOf(handle) == null) {
            return SnowflakeException.invalidPayload("'" + handle.replaceAll("[^\\w.-]", "")
                    + "' is not a statement handle.");
        }
        return handle.equals(error.statementHandle()) ? error
                : new SnowflakeException(error.status(), error.code(), error.getMessage(), error.sqlState(), handle);
    }

    private void write(Context context, int status, Map<String, Object> body) {
        try {
            context.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Renders every failure in Snowflake's shape; a failure after the response began cuts the connection. */
    private Handler wrap(SnowflakeHandler handler) {
        return context -> {
            try {
                // Read the body before any early answer (401, 415…): an unread body makes HTTP/2 reset the stream.
                context.bodyAsBytes();
                handler.handle(context);
            } catch (SnowflakeException e) {
                if (context.res().isCommitted()) {
                    throw e;
                }
                context.res().resetBuffer();
                render(context, e);
            } catch (SluiceException e) {
                if (context.res().isCommitted()) {
                    throw e;
                }
                context.res().resetBuffer();
                String handle = context.attribute(HANDLE_ATTRIBUTE);
                io.sluice.http.ErrorResponses.retryAfter(context, e.error());
                render(context, SnowflakeErrors.of(e.error(), handle));
            }
        };
    }

    @FunctionalInterface
    private interface SnowflakeHandler {
        void handle(Context context) throws Exception;
    }

    private static void requireJson(Context context) {
        String type = context.header("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new SnowflakeException(415, "391901", "Unsupported media type '" + media
                    + "'. The API supports application/json only.", null, null);
        }
    }

    private static Map<String, String> queryParameters(Context context) {
        Map<String, String> query = new HashMap<>();
        context.queryParamMap().forEach((name, values) -> {
            if (!values.isEmpty()) {
                query.put(name, values.getFirst());
            }
        });
        return query;
    }

    private static int partition(Context context) {
        String text = context.queryParam("partition");
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            int partition = Integer.parseInt(text.trim());
            if (partition < 0) {
                throw SnowflakeException.invalidPayload("'partition' must not be negative.");
            }
            return partition;
        } catch (NumberFormatException e) {
            throw SnowflakeException.invalidPayload("'partition' must be a whole number.");
        }
    }

    private static void methodNotAllowed(Context context) {
        context.status(405).result("");
    }

    private static void notFound(Context context) {
        context.status(404).contentType("application/json")
                .result("{\"code\":\"390404\",\"message\":\"Unknown endpoint " + context.method() + " "
                        + context.path().replaceAll("[^\\w/.-]", "") + "\"}");
    }

    /** Forgets finished multi-statement runs past their retention. */
    private void forgetOldRuns() {
        Instant cutoff = clock.instant().minus(RUN_RETENTION);
        runs.entrySet().removeIf(entry -> entry.getValue().createdOn().isBefore(cutoff)
                && entry.getValue().state() != MultiStatementRun.State.RUNNING);
        runsByRequestId.values().removeIf(handle -> !runs.containsKey(handle));
    }
}
