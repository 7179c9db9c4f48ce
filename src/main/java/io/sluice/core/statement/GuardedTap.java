package io.sluice.core.statement;

import io.sluice.core.error.SluiceError;
import io.sluice.core.result.ResultTap;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statement's side of a {@link ResultTap}: each call at most once where it matters (abort after finish
 * does nothing), and nothing the tap throws reaches the statement, whose result does not depend on it.
 */
final class GuardedTap {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedTap.class);
    private final ResultTap tap;
    private boolean open;

    GuardedTap(ResultTap tap) {
        this.tap = tap;
    }

    boolean replacesResult() {
        return tap.replacesResult();
    }

    void open(String statementId, io.sluice.core.types.ResultSchema schema) {
        open = true;
        guarded(() -> tap.open(statementId, schema));
    }

    void accept(VectorSchemaRoot batch) {
        if (open) {
            guarded(() -> tap.accept(batch));
        }
    }

    void finish() {
        if (open) {
            open = false;
            guarded(tap::finish);
        }
    }

    void abort(SluiceError reason) {
        if (open) {
            open = false;
            guarded(() -> tap.abort(reason));
        }
    }

    private void guarded(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (tap.replacesResult()) {
                throw e; // the tap is the statement's only result: its failure is the statement's
            }
            LOG.warn("a consumer of the statement's rows failed; the statement goes on without it", e);
        }
    }
}
