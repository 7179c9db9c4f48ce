package io.sluice.protocol.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.statement.StreamingStatement;
import io.sluice.format.FormatOptions;
import io.sluice.format.ResultFormat;
import io.sluice.http.Authentication;
import io.sluice.http.ClientDisconnects;
import io.sluice.http.ErrorResponses;
import io.sluice.http.HttpApi;
import io.sluice.http.RequestAddress;
import io.sluice.http.ResultStreaming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Sluice's own API under {@code /sluice/v1}: submit a statement and wait a bounded time for it, poll it,
 * read its pages in any format, cancel it, or run and stream a whole result in one request.
 * Described by the OpenAPI document served at {@code /sluice/v1/openapi.json}.
 */
public final class NativeApi implements HttpApi {

    static final String PROTOCOL = "native";
    private static final long DEFAULT_WAIT_MILLIS = 5_000;
    private static final long MAX_WAIT_MILLIS = 60_000;

    private final StatementService statements;
    private final Authentication authentication;
    private final ObjectMapper json;
    private final FormatOptions formatDefaults;
    private final Clock clock;
    private final NativeExports exports;

    public NativeApi(StatementService statements, Authentication authentication, ObjectMapper json,
                     FormatOptions formatDefaults, Clock clock, io.sluice.core.export.Exporter exporter) {
        this.statements = Objects.requireNonNull(statements, "statements");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.json = Objects.requireNonNull(json, "json");
        this.formatDefaults = Objects.requireNonNull(formatDefaults, "formatDefaults");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.exports = new NativeExports(Objects.requireNonNull(exporter, "exporter"), statements);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before("/sluice/v1/*", authentication::require);
        routes.get("/sluice/v1/openapi.json", this::openApi);
        routes.post("/sluice/v1/statements", this::submit);
        routes.get("/sluice/v1/statements", this::list);
        routes.get("/sluice/v1/statements/{id}", this::status);
        routes.get("/sluice/v1/statements/{id}/results", this::results);
        routes.delete("/sluice/v1/statements/{id}", this::cancel);
        routes.post("/sluice/v1/statements/{id}/export", this::export);
        routes.post("/sluice/v1/query", this::query);
    }

    private void submit(Context context) throws IOException {
        Principal principal = Authentication.principal(context);
        JsonNode body = NativeRequests.body(context, json);
        StatementRequest request = NativeRequests.statement(body, PROTOCOL).withClient(io.sluice.http.ClientConnections.of(context));
        long waitMillis = NativeRequests.longField(body, "waitMs", DEFAULT_WAIT_MILLIS, 0, MAX_WAIT_MILLIS);
        io.sluice.core.export.ExportSpec export = NativeExports.spec(body);
        ZoneId zone = request.session().timeZone();
        long started = System.nanoTime();
        StatementStatus submitted = export == null ? statements.submit(principal, request)
                : exports.submit(principal, request, export, NativeExports.keepsResult(body));
        context.attribute("sluice.statementId", submitted.id());
        StatementStatus status = statements.await(principal, submitted.id(), Duration.ofMillis(waitMillis));
        if (status.state() == io.sluice.core.statement.StatementState.SUCCEEDED) {
            long left = waitMillis - Duration.ofNanos(System.nanoTime() - started).toMillis();
            exports.await(status.id(), Duration.ofMillis(Math.max(0, left)));
        }
        switch (status.state()) {
            case QUEUED, RUNNING -> writeJson(context.status(202), StatementView.of(status, null, clock.instant(),
                    exports.view(status.id(), RequestAddress.base(context)).orElse(null)));
            case FAILED, CANCELLED -> ErrorResponses.write(context, status.error(), status.id());
            case SUCCEEDED -> writeFinished(context, principal, status, zone);
        }
    }

    /** The status with the first page inlined as {@code data} (arrays of values), streamed, not built in memory. */
    private void writeFinished(Context context, Principal principal, StatementStatus status, ZoneId zone) throws IOException {
        if (!io.sluice.core.statement.StatementResults.kept(status)) {
            // Run for its export only: the export block is the answer, there are no rows to inline.
            writeJson(context, StatementView.of(status, null, clock.instant(),
                    exports.view(status.id(), RequestAddress.base(context)).orElse(null)));
            return;
        }
        SpooledResult result = statements.results().result(principal, status.id());
        StatementView view = StatementView.of(status, result, clock.instant(), exports.view(status.id(), RequestAddress.base(context)).orElse(null));
        context.status(200).contentType("application/json");
        OutputStream out = context.res().getOutputStream();
        String head = json.writeValueAsString(view);
        out.write(head.substring(0, head.length() - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.write(",\"data\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (result.pageCount() == 0) {
            out.write("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            try (BatchStream page = statements.results().readPage(principal, status.id(), 0,
                    io.sluice.http.ClientConnections.reader(context, PROTOCOL))) {
                io.sluice.format.ResultEncoder.encode(page, ResultFormat.JSON_ARRAY, nonClosing(out), formatDefaults.withTimeZone(zone));
            }
        }
        out.write('}');
        out.flush();
    }

    /** Running statements show the engine's progress estimate (asked only of those, so listings stay cheap). */
    private StatementView withProgress(StatementView view, Principal principal, StatementStatus status) {
        return status.state() == io.sluice.core.statement.StatementState.RUNNING
                ? view.withProgress(statements.progress(principal, status.id())) : view;
    }

    private void list(Context context) {
        Principal principal = Authentication.principal(context);
        int limit = (int) NativeRequests.queryLong(context, "limit", 100, 1, 1000);
        boolean everyone = "true".equalsIgnoreCase(context.queryParam("all"));
        writeJson(context, java.util.Map.of("statements", statements.list(principal, limit, everyone).stream()
                .map(status -> withProgress(StatementView.listed(status, clock.instant()), principal, status)).toList()));
    }

    private void status(Context context) {
        Principal principal = Authentication.principal(context);
        String id = context.pathParam("id");
        context.attribute("sluice.statementId", id);
        StatementStatus status = statements.status(principal, id);
        SpooledResult result = io.sluice.core.statement.StatementResults.kept(status) ? statements.results().result(principal, id) : null;
        writeJson(context, withProgress(StatementView.of(status, result, clock.instant(),
                exports.view(id, RequestAddress.base(context)).orElse(null)), principal, status));
    }

    /** Exports a finished statement's result as files on demand; answers with the links. */
    private void export(Context context) {
        Principal principal = Authentication.principal(context);
        String id = context.pathParam("id");
        context.attribute("sluice.statementId", id);
        JsonNode body = NativeRequests.body(context, json);
        com.fasterxml.jackson.databind.node.ObjectNode wrapped = json.createObjectNode();
        wrapped.set("export", body);
        io.sluice.core.export.ExportSpec spec = NativeExports.spec(wrapped);
        if (body.has("keepResult")) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                    "'keepResult' applies when a statement is submitted with its export, not to a later export");
        }
        StatementStatus status = statements.status(principal, id);
        if (status.state() != io.sluice.core.statement.StatementState.SUCCEEDED) {
            statements.results().readAll(principal, id).close(); // throws the statement's own reason
        }
        exports.start(principal, id, spec);
        exports.await(id, Duration.ofMinutes(10));
        NativeExports.ExportView view = exports.view(id, RequestAddress.base(context)).orElseThrow();
        if (view.error() != null) {
            throw new SluiceException(new io.sluice.core.error.SluiceError(ErrorCode.valueOf(view.error().code()),
                    view.error().message(), view.error().sqlState(), null));
        }
        writeJson(context, view);
    }

    private void results(Context context) {
        Principal principal = Authentication.principal(context);
        String id = context.pathParam("id");
        context.attribute("sluice.statementId", id);
        ResultFormat format = NativeRequests.format(context, ResultFormat.JSON);
        FormatOptions options = NativeRequests.formatOptions(context, formatDefaults);
        String page = context.queryParam("page");
        io.sluice.core.statement.ResultReader reader = io.sluice.http.ClientConnections.reader(context, PROTOCOL);
        try (BatchStream stream = page == null ? statements.results().readAll(principal, id, reader) : readPages(context, principal, id, reader)) {
            context.header("X-Sluice-Statement-Id", id);
            ResultStreaming.write(context, stream, format, options, reason -> { });
        }
    }

    /**
     * {@code page=N}, and with {@code pages=K} the K pages from N on (fewer at the end) in one answer: one
     * request, one Arrow schema message and one stream instead of K, for clients that read a large result
     * page by page.
     */
    private BatchStream readPages(Context context, Principal principal, String id, io.sluice.core.statement.ResultReader reader) {
        int first = (int) NativeRequests.queryLong(context, "page", 0, 0, Integer.MAX_VALUE);
        int count = (int) NativeRequests.queryLong(context, "pages", 1, 1, Integer.MAX_VALUE);
        List<io.sluice.core.spool.PageInfo> pages = count == 1 ? List.of() : statements.results().result(principal, id).pages();
        if (count == 1 || first >= pages.size()) {
            // One page, or none there: readPage answers PAGE_OUT_OF_RANGE in the usual way.
            return statements.results().readPage(principal, id, first, reader);
        }
        io.sluice.core.spool.PageInfo last = pages.get((int) Math.min((long) first + count, pages.size()) - 1);
        long firstRow = pages.get(first).firstRow();
        return statements.results().readRows(principal, id, firstRow, last.endRow() - firstRow, reader);
    }

    private void cancel(Context context) {
        Principal principal = Authentication.principal(context);
        String id = context.pathParam("id");
        context.attribute("sluice.statementId", id);
        StatementStatus status = statements.cancel(principal, id);
        writeJson(context, StatementView.of(status, null, clock.instant()));
    }

    private void query(Context context) {
        Principal principal = Authentication.principal(context);
        JsonNode body = NativeRequests.body(context, json);
        StatementRequest request = NativeRequests.statement(body, PROTOCOL).withClient(io.sluice.http.ClientConnections.of(context));
        ResultFormat format = NativeRequests.format(context, body, ResultFormat.JSON);
        FormatOptions options = NativeRequests.formatOptions(context, formatDefaults).withTimeZone(request.session().timeZone());
        try (StreamingStatement stream = statements.stream(principal, request, id -> ClientDisconnects.onGone(context,
                () -> statements.abandon(principal, id, "The client disconnected before the result was ready")))) {
            context.attribute("sluice.statementId", stream.id());
            context.header("X-Sluice-Statement-Id", stream.id());
            ResultStreaming.write(context, stream, format, options, stream::abort);
        }
    }

    private void openApi(Context context) throws IOException {
        try (InputStream document = NativeApi.class.getResourceAsStream("openapi.json")) {
            if (document == null) {
                throw new SluiceException(ErrorCode.NOT_FOUND, "The OpenAPI document is missing from this build");
            }
            context.contentType("application/json").result(document.readAllBytes());
        }
    }

    /**
     * JSON through this API's mapper, so instants are ISO-8601 text everywhere (as the OpenAPI document says
     * and the 200 answer of a submit already does), not Javalin's default epoch seconds.
     */
    private void writeJson(Context context, Object value) {
        try {
            context.contentType("application/json").result(json.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

}
