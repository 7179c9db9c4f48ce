package io.sluice.protocol.druid;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.types.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /druid/v2/sql/statements}: Druid's asynchronous ("query from deep storage") API over the core's
 * spooled statements. A Druid query id is {@code query-<statement id>}. With {@code selectDestination}
 * {@code taskReport} (the default) the result is one page, as Druid's task report holds it; with
 * {@code durableStorage} the spool's own pages are the Druid pages. Times come back as epoch millis here.
 */
final class DruidStatements {

    private static final String ID_PREFIX = "query-";
    private static final int SAMPLE_ROWS = 1000;
    /**
     * How long a submit waits for a quick query so the answer can already carry its schema, and for SQL that does
     * not plan to fail, which is then the submit's 400 (planning takes milliseconds; the margin is for a busy host).
     */
    private static final Duration SUBMIT_WAIT = Duration.ofSeconds(1);
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** {@code {name, type, nativeType}} of one result column. */
    record SchemaColumn(String name, String type, String nativeType) {
        static SchemaColumn of(Column column) {
            return new SchemaColumn(column.name(), DruidTypes.sqlType(column.type()), DruidTypes.nativeType(column.type()));
        }
    }

    record Page(int id, long numRows, long sizeInBytes) {
    }

    record Result(long numTotalRows, long totalSizeInBytes, String dataSource, @JsonRawValue String sampleRecords,
                  List<Page> pages) {
    }

    /** Druid's SqlStatementResult. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StatementResult(String queryId, String state, String createdAt, List<SchemaColumn> schema, long durationMs,
                           Result result, DruidErrors.Body errorDetails) {
    }

    /**
     * What the submit asked for that the core does not keep, carried as the statement's tags so that any node
     * of a cluster serves the pages the way the submit asked.
     */
    private record Submitted(boolean durableStorage, DruidFormat resultFormat) {
        private static final String DESTINATION_TAG = "druid.selectDestination";
        private static final String FORMAT_TAG = "druid.resultFormat";

        Map<String, String> tags() {
            return Map.of(DESTINATION_TAG, durableStorage ? "durableStorage" : "taskReport", FORMAT_TAG, resultFormat.wireName);
        }

        static Submitted of(StatementStatus status) {
            return new Submitted("durableStorage".equals(status.tag(DESTINATION_TAG)),
                    DruidFormat.parse(status.tag(FORMAT_TAG), DruidFormat.OBJECT));
        }
    }

    private final StatementService statements;
    private final ObjectMapper json;

    DruidStatements(StatementService statements, ObjectMapper json) {
        this.statements = statements;
        this.json = json;
    }

    void submit(Context context, Principal principal) throws IOException {
        DruidQuery query = DruidQuery.parse(context.contentType(), io.sluice.http.RequestBodies.utf8(context), json);
        String mode = query.contextText("executionMode");
        if (mode == null) {
            throw invalid("Execution mode is not provided to the sql statement api. "
                    + "Please set [executionMode] to [ASYNC] in the query context");
        }
        if (!mode.equalsIgnoreCase("ASYNC")) {
            throw invalid("The sql statement api currently does not support the provided execution mode [" + mode
                    + "]. Please set [executionMode] to [ASYNC] in the query context");
        }
        String destination = query.contextText("selectDestination");
        boolean durable;
        if (destination == null || destination.equalsIgnoreCase("taskReport")) {
            durable = false;
        } else if (destination.equalsIgnoreCase("durableStorage")) {
            durable = true;
        } else {
            throw invalid("Invalid selectDestination [" + destination + "]: expected [taskReport] or [durableStorage]");
        }
        StatementStatus status = statements.submit(principal, DruidApi.statementRequest(query, principal, statements)
                .withClient(io.sluice.http.ClientConnections.of(context))
                .withTags(new Submitted(durable, query.resultFormat()).tags()));
        status = statements.await(principal, status.id(), SUBMIT_WAIT);
        if (status.state() == StatementState.FAILED && plannedBadly(status.error())) {
            // Druid plans the SQL before it accepts the query: bad SQL is the submit's 400, never a FAILED query.
            throw new SluiceException(status.error());
        }
        writeJson(context, 200, view(principal, status, false, null));
    }

    /**
     * Errors Druid finds while planning (parse, validation, authorization, parameters), as opposed to ones
     * the running query meets; SQL state class 42 is a binder's error (unknown column, no such function).
     */
    static boolean plannedBadly(io.sluice.core.error.SluiceError error) {
        return error != null && switch (error.code()) {
            case SQL_SYNTAX_ERROR, SQL_CATALOG_ERROR, SQL_PERMISSION_DENIED, INVALID_PARAMETER -> true;
            case SQL_ERROR -> error.sqlState() != null && error.sqlState().startsWith("42");
            default -> false;
        };
    }

    void status(Context context, Principal principal) throws IOException {
        String id = statementId(context);
        writeJson(context, 200, view(principal, statements.status(principal, id), true,
                io.sluice.http.ClientConnections.reader(context, DruidApi.PROTOCOL)));
    }

    void results(Context context, Principal principal) throws IOException {
        String id = statementId(context);
        String queryId = context.pathParam("queryId");
        StatementStatus status = statements.status(principal, id);
        switch (status.state()) {
            case QUEUED, RUNNING -> throw invalid("Query[" + queryId + "] is currently in [" + state(status.state())
                    + "] state. Please wait for it to complete.");
            case FAILED, CANCELLED -> throw new SluiceException(ErrorCode.NOT_FOUND,
                    "Query[" + queryId + "] failed. Check the status api for more details.");
            case SUCCEEDED -> { }
        }
        if (status.updateCount() >= 0) {
            // "Getting the query results for an ingestion query returns an empty response."
            context.status(200);
            return;
        }
        Submitted how = Submitted.of(status);
        DruidFormat format = DruidFormat.parse(context.queryParam("resultFormat"), how.resultFormat());
        String pageText = context.queryParam("page");
        SpooledResult result = statements.results().result(principal, id);
        io.sluice.core.statement.ResultReader reader = io.sluice.http.ClientConnections.reader(context, DruidApi.PROTOCOL);
        BatchStream rows;
        if (pageText == null) {
            rows = statements.results().readAll(principal, id, reader);
        } else {
            int page;
            try {
                page = Integer.parseInt(pageText.trim());
            } catch (NumberFormatException e) {
                throw invalid("Invalid page [" + pageText + "]: expected a page number");
            }
            int pages = how.durableStorage() ? result.pageCount() : 1;
            if (page < 0 || page >= Math.max(pages, 1)) {
                throw invalid("Page number [" + page + "] is out of the range of results");
            }
            rows = how.durableStorage() ? statements.results().readPage(principal, id, page, reader) : statements.results().readAll(principal, id, reader);
        }
        try (rows) {
            DruidApi.writeSpooled(context, rows, format);
        }
    }

    void cancel(Context context, Principal principal) {
        String id = statementId(context);
        StatementStatus status = statements.status(principal, id);
        if (status.isTerminal()) {
            context.status(200);
            return;
        }
        statements.cancel(principal, id);
        context.status(202);
    }

    /** @param reader who reads the sample records (audited); only needed {@code withResult} */
    private StatementResult view(Principal principal, StatementStatus status, boolean withResult,
                                 io.sluice.core.statement.ResultReader reader) throws IOException {
        String queryId = ID_PREFIX + status.id();
        long duration = status.isTerminal() ? status.elapsedMillis(Instant.now()) : -1;
        List<SchemaColumn> schema = null;
        Result result = null;
        DruidErrors.Body error = null;
        if (status.state() == StatementState.SUCCEEDED) {
            SpooledResult spooled = statements.results().result(principal, status.id());
            schema = spooled.schema().columns().stream().map(SchemaColumn::of).toList();
            if (withResult) {
                result = result(principal, status, spooled, reader);
            }
        } else if (status.isTerminal() && status.error() != null) {
            error = DruidErrors.current(status.error());
        }
        return new StatementResult(queryId, state(status.state()), ISO_MILLIS.format(status.createdAt()), schema,
                duration, result, error);
    }

    private Result result(Principal principal, StatementStatus status, SpooledResult spooled,
                          io.sluice.core.statement.ResultReader reader) throws IOException {
        boolean durable = Submitted.of(status).durableStorage();
        List<Page> pages;
        if (durable) {
            pages = spooled.pages().stream().map(page -> new Page(page.index(), page.rowCount(), page.sizeBytes())).toList();
        } else {
            pages = spooled.pageCount() == 0 ? List.of() : List.of(new Page(0, spooled.totalRows(), spooled.totalBytes()));
        }
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        try (BatchStream rows = statements.results().readRows(principal, status.id(), 0, SAMPLE_ROWS, reader)) {
            DruidResultWriter writer = new DruidResultWriter(sample, rows.schema(), new DruidResultWriter.Options(
                    DruidFormat.ARRAY, false, false, false, ZoneOffset.UTC, true, true));
            writer.start();
            while (rows.next()) {
                writer.writeBatch(rows.root());
            }
            writer.finish();
        }
        return new Result(spooled.totalRows(), spooled.totalBytes(), "__query_select",
                sample.toString(java.nio.charset.StandardCharsets.UTF_8), pages);
    }

    private static String state(StatementState state) {
        return switch (state) {
            case QUEUED -> "ACCEPTED";
            case RUNNING -> "RUNNING";
            case SUCCEEDED -> "SUCCESS";
            case FAILED, CANCELLED -> "FAILED";
        };
    }

    private static String statementId(Context context) {
        String queryId = context.pathParam("queryId");
        if (!queryId.startsWith(ID_PREFIX) || queryId.length() == ID_PREFIX.length()) {
            throw new SluiceException(ErrorCode.STATEMENT_NOT_FOUND, "Query [" + queryId + "] was not found");
        }
        return queryId.substring(ID_PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    private void writeJson(Context context, int status, Object body) throws IOException {
        context.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.MALFORMED_REQUEST, message);
    }
}
