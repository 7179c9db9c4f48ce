package io.sluice.protocol.trino;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.QueryProgress;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.ResultReader;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.types.ResultSchema;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Builds the QueryResults of a statement: its stats from the statement's status, its columns from the spooled
 * result's schema, and one page of rows read from the spool at a row offset. A page stops at
 * {@link #PAGE_BYTES} of JSON (estimated) or {@link #PAGE_ROWS} rows, so one answer holds a bounded slice of any
 * result, as every paged protocol reads the spool.
 */
final class TrinoResults {

    /** Roughly how much JSON one answer carries; Trino's own target is of the same order. */
    static final long PAGE_BYTES = 4L * 1024 * 1024;
    static final int PAGE_ROWS = 100_000;

    /** A page of rows and where it stands in the result. */
    record Page(List<List<Object>> rows, long total) {
    }

    private final StatementService statements;

    TrinoResults(StatementService statements) {
        this.statements = statements;
    }

    List<TrinoResponses.Column> columns(ResultSchema schema) {
        return schema.columns().stream().map(column -> TrinoTypes.column(column.name(), column.type())).toList();
    }

    /**
     * Rows from {@code offset}: exactly {@code exactRows} when it is not negative (to answer a page again), else as
     * many as fit the page budget.
     */
    Page page(Principal principal, String id, SpooledResult result, long offset, int exactRows, ClientSession session,
              ResultReader reader) {
        ResultSchema schema = result.schema();
        List<List<Object>> rows = new ArrayList<>();
        long total = result.totalRows();
        if (offset >= total || exactRows == 0) {
            return new Page(rows, total);
        }
        int limit = exactRows >= 0 ? exactRows : PAGE_ROWS;
        TrinoValues values = new TrinoValues(session.timeZone());
        long bytes = 0;
        try (BatchStream stream = statements.results().readRows(principal, id, offset, limit, reader)) {
            while (stream.next() && (exactRows >= 0 || bytes < PAGE_BYTES)) {
                VectorSchemaRoot batch = stream.root();
                ColumnReader[] readers = ColumnReaders.forBatch(batch, schema, ZoneOffset.UTC);
                for (int row = 0; row < batch.getRowCount() && rows.size() < limit; row++) {
                    List<Object> cells = new ArrayList<>(readers.length);
                    for (int index = 0; index < readers.length; index++) {
                        Object cell = values.json(schema.column(index).type(), readers[index].value(row));
                        bytes += estimate(cell);
                        cells.add(cell);
                    }
                    rows.add(cells);
                    if (exactRows < 0 && bytes >= PAGE_BYTES) {
                        break;
                    }
                }
            }
        }
        return new Page(rows, total);
    }

    /** About how many bytes of JSON a cell takes; enough to bound a page, cheap enough for millions of cells. */
    private static long estimate(Object cell) {
        return switch (cell) {
            case null -> 5;
            case String text -> text.length() + 3;
            case List<?> list -> {
                long sum = 2;
                for (Object element : list) {
                    sum += estimate(element) + 1;
                }
                yield sum;
            }
            case Map<?, ?> map -> {
                long sum = 2;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    sum += String.valueOf(entry.getKey()).length() + 4 + estimate(entry.getValue());
                }
                yield sum;
            }
            default -> 12;
        };
    }

    /** StatementStats from a status: Sluice runs a statement as one unit, so it is one split. */
    TrinoResponses.Stats stats(Principal principal, StatementStatus status, boolean morePages, long processedBytes,
                               Instant now) {
        StatementState state = status.state();
        long elapsed = status.elapsedMillis(now);
        Instant started = status.startedAt();
        long queued = started == null ? elapsed : Math.max(0, started.toEpochMilli() - status.createdAt().toEpochMilli());
        long running = started == null ? 0
                : Math.max(0, (status.endedAt() == null ? now : status.endedAt()).toEpochMilli() - started.toEpochMilli());
        Double progress = null;
        long processedRows = status.rows();
        if (state == StatementState.RUNNING) {
            QueryProgress estimate = statements.progress(principal, status.id());
            if (estimate.known()) {
                progress = estimate.percent();
                processedRows = Math.max(processedRows, estimate.rowsProcessed());
            }
        } else if (state == StatementState.SUCCEEDED) {
            progress = 100.0;
        }
        String name = switch (state) {
            case QUEUED -> "QUEUED";
            case RUNNING -> "RUNNING";
            case SUCCEEDED -> morePages ? "FINISHING" : "FINISHED";
            case FAILED, CANCELLED -> "FAILED";
        };
        boolean terminal = status.isTerminal();
        return new TrinoResponses.Stats(name, state == StatementState.QUEUED, state != StatementState.QUEUED, progress,
                progress, 1, 1, state == StatementState.QUEUED ? 1 : 0, state == StatementState.RUNNING ? 1 : 0,
                terminal ? 1 : 0, running, running, queued, elapsed, processedRows, processedBytes, processedBytes, 0,
                0, 0);
    }

    /** The stats of a statement answered by the adapter itself. */
    static TrinoResponses.Stats finishedAtOnce(long rows) {
        return new TrinoResponses.Stats("FINISHED", false, true, 100.0, 100.0, 1, 1, 0, 0, 1, 0, 0, 0, 0, rows, 0, 0, 0,
                0, 0);
    }

    /**
     * A session statement (USE, SET SESSION, PREPARE…) as Trino reports it: finished without scheduling anything, on no
     * node and with no splits. trino-cli prints its "Query …, FINISHED, 1 node" summary only for work that ran on nodes,
     * so after USE it shows just the update type, as it does against Trino.
     */
    static TrinoResponses.Stats finishedWithoutWork() {
        return new TrinoResponses.Stats("FINISHED", false, false, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static TrinoResponses.Stats failedAtOnce() {
        return new TrinoResponses.Stats("FAILED", false, false, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
