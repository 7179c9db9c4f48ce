package io.sluice.core.result;

import io.sluice.core.error.SluiceError;
import io.sluice.core.types.ResultSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A second consumer of an asynchronous statement's rows, fed by the statement's own thread while it writes
 * them into the spool, so that something else (an export) gets the rows in the same pass.
 *
 * <p>A tap never fails its statement: whatever goes wrong inside it is its own outcome to report. The calls
 * come in order from one thread: {@link #open}, {@link #accept} per batch, then {@link #finish} or
 * {@link #abort}. A statement that never runs (a reused result) never calls it at all.
 */
public interface ResultTap {

    ResultTap NONE = new ResultTap() {
        @Override
        public void open(String statementId, ResultSchema schema) {
        }

        @Override
        public void accept(VectorSchemaRoot batch) {
        }

        @Override
        public void finish() {
        }

        @Override
        public void abort(SluiceError reason) {
        }
    };

    /**
     * True when this tap is the statement's only consumer: the statement then keeps no result of its own (no
     * spool pages, nothing to read back), and a failure inside the tap fails the statement, since nothing else
     * would hold its rows. An export that is all the client wants does not pay for a second copy of the rows.
     */
    default boolean replacesResult() {
        return false;
    }

    /** The rows are about to flow. */
    void open(String statementId, ResultSchema schema);

    /** One batch, as spooled. It stays the caller's: copy what must outlive the call. */
    void accept(VectorSchemaRoot batch);

    /** Every row was spooled and the statement succeeded. */
    void finish();

    /** The statement failed or was cancelled; the tap discards what it made. Safe to call when never opened. */
    void abort(SluiceError reason);
}
