package io.sluice.protocol.nativeapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sluice.core.spool.PageInfo;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.types.Column;
import io.sluice.http.ErrorResponses;
import java.time.Instant;
import java.util.List;

/** A statement as the native API shows it. Schema and pages appear once it has SUCCEEDED. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StatementView(
        String id,
        String state,
        String protocol,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        long elapsedMs,
        long rows,
        Long updateCount,
        Integer pageCount,
        Boolean truncated,
        Boolean reused,
        List<ColumnView> schema,
        List<PageView> pages,
        ErrorResponses.ErrorBody error,
        NativeExports.ExportView export,
        String owner,
        String sql,
        ProgressView progress) {

    /** The engine's estimate for a running statement; absent when it has none. */
    record ProgressView(double percent, long rowsProcessed, long totalRows) {
        static ProgressView of(io.sluice.core.engine.QueryProgress progress) {
            return progress == null || !progress.known() ? null
                    : new ProgressView(Math.round(progress.percent() * 100) / 100.0, progress.rowsProcessed(), progress.totalRows());
        }
    }

    StatementView withProgress(io.sluice.core.engine.QueryProgress progress) {
        return new StatementView(id, state, protocol, createdAt, startedAt, endedAt, elapsedMs, rows, updateCount, pageCount,
                truncated, reused, schema, pages, error, export, owner, sql, ProgressView.of(progress));
    }

    record ColumnView(String name, String type, boolean nullable) {
    }

    record PageView(int page, long firstRow, long rows, long bytes) {
    }

    static StatementView of(StatementStatus status, SpooledResult result, Instant now) {
        return of(status, result, now, null);
    }

    static StatementView of(StatementStatus status, SpooledResult result, Instant now, NativeExports.ExportView export) {
        List<ColumnView> schema = result == null ? null : result.schema().columns().stream()
                .map(StatementView::column).toList();
        List<PageView> pages = result == null ? null : result.pages().stream().map(StatementView::page).toList();
        return new StatementView(status.id(), status.state().name(), status.protocol(), status.createdAt(),
                status.startedAt(), status.endedAt(), status.elapsedMillis(now), status.rows(),
                status.updateCount() >= 0 ? status.updateCount() : null,
                result == null ? null : result.pageCount(),
                status.truncated() ? Boolean.TRUE : null,
                status.reused() ? Boolean.TRUE : null,
                schema, pages,
                status.error() == null ? null : ErrorResponses.body(status.error(), status.id()), export, null, null, null);
    }

    /** A statement in a listing: also who submitted it and its SQL, so a list can be read on its own. */
    static StatementView listed(StatementStatus status, Instant now) {
        StatementView view = of(status, null, now);
        return new StatementView(view.id, view.state, view.protocol, view.createdAt, view.startedAt, view.endedAt,
                view.elapsedMs, view.rows, view.updateCount, view.pageCount, view.truncated, view.reused, view.schema,
                view.pages, view.error, null, status.ownerId(), status.sql(), null);
    }

    private static ColumnView column(Column column) {
        return new ColumnView(column.name(), column.type().sqlName(), column.nullable());
    }

    private static PageView page(PageInfo page) {
        return new PageView(page.index(), page.firstRow(), page.rowCount(), page.sizeBytes());
    }
}
