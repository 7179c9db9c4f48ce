package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.ResultSpool;
import io.sluice.core.spool.SpooledResult;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads finished statements' results back from the spool: the description, a page, a row range or all rows, each
 * for the statement's owner only (the status lookup refuses anyone else), and with an audit record of the read once
 * the response that carried it is over.
 */
public final class StatementResults {

    private static final Logger LOG = LoggerFactory.getLogger(StatementResults.class);

    private final BiFunction<Principal, String, StatementStatus> statuses;
    private final ResultSpool spool;
    private final Supplier<StatementGuard> guard;

    StatementResults(BiFunction<Principal, String, StatementStatus> statuses, ResultSpool spool, Supplier<StatementGuard> guard) {
        this.statuses = statuses;
        this.spool = spool;
        this.guard = guard;
    }

    /** The spooled result description of a finished statement. */
    public SpooledResult result(Principal principal, String id) {
        StatementStatus status = finishedWithResult(principal, id);
        return spool.find(status.resultId()).orElseThrow(() -> new SluiceException(ErrorCode.RESULT_EXPIRED,
                "The result of statement [" + id + "] is no longer available"));
    }

    public BatchStream readPage(Principal principal, String id, int page) {
        StatementStatus status = finishedWithResult(principal, id);
        return spool.readPage(status.resultId(), page);
    }

    public BatchStream readAll(Principal principal, String id) {
        StatementStatus status = finishedWithResult(principal, id);
        return spool.readAll(status.resultId());
    }

    public BatchStream readRows(Principal principal, String id, long offset, long limit) {
        StatementStatus status = finishedWithResult(principal, id);
        return spool.readRows(status.resultId(), offset, limit);
    }

    /** One page, and an audit record of the read once {@code reader}'s response is over. */
    public BatchStream readPage(Principal principal, String id, int page, ResultReader reader) {
        return audited(readPage(principal, id, page), principal, id, page, reader);
    }

    /** All rows, and an audit record of the read once {@code reader}'s response is over. */
    public BatchStream readAll(Principal principal, String id, ResultReader reader) {
        return audited(readAll(principal, id), principal, id, null, reader);
    }

    /** Rows {@code [offset, offset + limit)}, and an audit record of the read once {@code reader}'s response is over. */
    public BatchStream readRows(Principal principal, String id, long offset, long limit, ResultReader reader) {
        return audited(readRows(principal, id, offset, limit), principal, id, null, reader);
    }

    private BatchStream audited(BatchStream rows, Principal principal, String id, Integer page, ResultReader reader) {
        return new BatchStream() {
            private long count;
            private boolean closed;

            @Override
            public io.sluice.core.types.ResultSchema schema() {
                return rows.schema();
            }

            @Override
            public boolean next() {
                boolean more = rows.next();
                if (more) {
                    count += rows.root().getRowCount();
                }
                return more;
            }

            @Override
            public VectorSchemaRoot root() {
                return rows.root();
            }

            @Override
            public void close() {
                rows.close();
                if (closed) {
                    return;
                }
                closed = true;
                long read = count;
                // Recorded when the response is over, so the record carries every byte it sent.
                reader.client().whenDone().accept(() -> {
                    try {
                        guard.get().resultRead(principal, id, reader, page, read);
                    } catch (RuntimeException e) {
                        LOG.warn("statement guard failed to record a read of [{}]", id, e);
                    }
                });
            }
        };
    }

    /** True when the statement ended with rows to read back (false for one whose export was all it kept). */
    public static boolean kept(StatementStatus status) {
        return status.state() == StatementState.SUCCEEDED && status.resultId() != null;
    }

    private StatementStatus finishedWithResult(Principal principal, String id) {
        StatementStatus status = finished(principal, id);
        if (status.resultId() == null) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "Statement [" + id + "] kept no result to read: it was run "
                    + "for its export only (keepResult false); its rows are in the export's files");
        }
        return status;
    }

    private StatementStatus finished(Principal principal, String id) {
        StatementStatus status = statuses.apply(principal, id);
        return switch (status.state()) {
            case SUCCEEDED -> status;
            case QUEUED, RUNNING -> throw new SluiceException(new SluiceError(ErrorCode.RESULT_NOT_READY,
                    "Statement [" + id + "] is still " + status.state() + "; its result is not ready", null, null));
            case FAILED, CANCELLED -> throw new SluiceException(status.error());
        };
    }
}
