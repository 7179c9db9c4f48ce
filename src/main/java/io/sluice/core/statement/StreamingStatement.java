package io.sluice.core.statement;

import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A statement whose rows go straight to the caller (an HTTP response) instead of the spool. It is a
 * {@link BatchStream}: the caller reads batches and must close it. The statement ends SUCCEEDED only when
 * the caller read to the end; closing early, {@link #abort}, a cancel or a timeout end it otherwise, and
 * always stop the engine.
 */
public final class StreamingStatement implements BatchStream {

    private final StatementService service;
    private final Statement statement;
    private final BatchStream rows;
    private final EngineStatement engineStatement;
    private final BufferAllocator allocator;
    private final long updateCount;
    private long rowCount;
    private boolean exhausted;
    private SluiceError failure;
    private boolean closed;

    StreamingStatement(StatementService service, Statement statement, BatchStream rows, EngineStatement engineStatement,
                       BufferAllocator allocator, long updateCount) {
        this.service = service;
        this.statement = statement;
        this.rows = rows;
        this.engineStatement = engineStatement;
        this.allocator = allocator;
        this.updateCount = updateCount;
    }

    public String id() {
        return statement.id();
    }

    public StatementStatus status() {
        return statement.snapshot();
    }

    /** -1 for a query; the number of changed rows for DML (also delivered as a one-row result). */
    public long updateCount() {
        return updateCount;
    }

    @Override
    public ResultSchema schema() {
        return rows.schema();
    }

    @Override
    public boolean next() {
        if (exhausted) {
            return false;
        }
        long maxRows = statement.request().maxRows();
        if (maxRows > 0 && rowCount >= maxRows) {
            statement.markTruncated();
            exhausted = true;
            return false;
        }
        boolean more;
        try {
            more = rows.next();
        } catch (RuntimeException e) {
            SluiceError error = statement.isCancelRequested() ? StatementService.stoppedBy(statement.cancelReason(), e)
                    : e instanceof SluiceException sluice ? sluice.error()
                    : SluiceError.of(ErrorCode.INTERNAL_ERROR, "Internal error while reading the result");
            failure = error;
            throw new SluiceException(error, e);
        }
        if (!more) {
            exhausted = true;
            return false;
        }
        VectorSchemaRoot batch = rows.root();
        int count = batch.getRowCount();
        if (maxRows > 0 && rowCount + count > maxRows) {
            count = (int) (maxRows - rowCount);
            batch.setRowCount(count);
        }
        rowCount += count;
        statement.addRows(count, batch);
        return true;
    }

    @Override
    public VectorSchemaRoot root() {
        return rows.root();
    }

    /** The reader went away (client disconnected, write failed): stop the engine and record why. */
    public void abort(String reason) {
        SluiceError error = SluiceError.of(ErrorCode.CANCELLED, reason);
        statement.requestCancel(error);
        if (failure == null) {
            failure = error;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SluiceError outcome = failure;
        if (outcome == null && !exhausted) {
            outcome = SluiceError.of(ErrorCode.CANCELLED, "The reader stopped before the end of the result");
            statement.requestCancel(outcome);
        }
        if (outcome == null && statement.isCancelRequested()) {
            outcome = statement.cancelReason();
        }
        try {
            rows.close();
        } finally {
            engineStatement.close();
            allocator.close();
            service.streamFinished(statement, rowCount, updateCount, outcome);
            // The request thread goes back to a pool: its log lines must stop naming this statement.
            org.slf4j.MDC.remove(StatementService.STATEMENT_ID);
        }
    }
}
