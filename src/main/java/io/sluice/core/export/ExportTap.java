package io.sluice.core.export;

import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.ResultTap;
import io.sluice.core.types.ResultSchema;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An export written from a statement's rows while the statement spools them: the files are encoded in the
 * same pass as the spool is written (for Parquet, DuckDB encodes row groups on its own threads meanwhile),
 * instead of reading the whole spool back once the statement has ended.
 *
 * <p>An export failure (quota, store, a value the format cannot hold) ends the export, not the statement:
 * its files are deleted, later batches are ignored and {@link #result()} fails with the reason. A statement
 * that fails or is cancelled aborts the export with its own error, as an export started afterwards would.
 * The last file is closed on a thread of its own, so the statement is reported finished without waiting
 * for the file's footer and upload.
 */
public final class ExportTap implements ResultTap {

    private static final Logger LOG = LoggerFactory.getLogger(ExportTap.class);

    private final Exporter exporter;
    private final Principal principal;
    private final ExportSpec spec;
    private final boolean only;
    private final CompletableFuture<ExportResult> result = new CompletableFuture<>();
    private volatile boolean opened;
    private String statementId;
    private Exporter.Run run;
    private long startedNanos;

    ExportTap(Exporter exporter, Principal principal, ExportSpec spec, boolean only) {
        this.exporter = exporter;
        this.principal = principal;
        this.spec = spec;
        this.only = only;
    }

    @Override
    public boolean replacesResult() {
        return only;
    }

    /** Whether the statement fed this tap (false for a reused result or a replayed submission). */
    public boolean opened() {
        return opened;
    }

    /** Completes with the links once the last file is in the store, or fails with why there are none. */
    public CompletableFuture<ExportResult> result() {
        return result;
    }

    @Override
    public void open(String statementId, ResultSchema schema) {
        this.statementId = statementId;
        this.startedNanos = System.nanoTime();
        opened = true;
        try {
            run = exporter.start(principal, schema, spec);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void accept(VectorSchemaRoot batch) {
        if (run == null) {
            return;
        }
        try {
            run.accept(batch);
        } catch (RuntimeException e) {
            fail(run.abort(e));
        }
    }

    @Override
    public void finish() {
        Exporter.Run finishing = run;
        run = null;
        if (finishing == null) {
            return;
        }
        // A platform thread: the Parquet writer calls into native code, which would pin a virtual thread.
        Thread.ofPlatform().name("export-" + statementId).daemon().start(() -> {
            try {
                result.complete(exporter.result(statementId, finishing.finish(), startedNanos));
            } catch (RuntimeException e) {
                record(finishing.abort(e));
            } catch (Error e) {
                finishing.abort(new IllegalStateException(e));
                result.completeExceptionally(e);
                throw e;
            }
        });
    }

    @Override
    public void abort(SluiceError reason) {
        Exporter.Run aborting = run;
        run = null;
        if (aborting != null) {
            aborting.abort(new SluiceException(reason));
        }
        result.completeExceptionally(new SluiceException(reason));
    }

    private SluiceException record(RuntimeException e) {
        run = null;
        if (!(e instanceof SluiceException)) {
            LOG.warn("export of [{}] failed", statementId, e);
        }
        SluiceException failure = e instanceof SluiceException sluice ? sluice
                : new SluiceException(SluiceError.of(ErrorCode.INTERNAL_ERROR, "The export failed"), e);
        result.completeExceptionally(failure);
        return failure;
    }

    /** Records the failure; for an export that is the statement's only result, fails the statement too. */
    private void fail(RuntimeException e) {
        SluiceException failure = record(e);
        if (only) {
            throw failure; // nothing else holds the rows
        }
    }
}
