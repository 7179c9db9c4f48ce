package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.spool.ResultSpool;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Result reuse around the index: what a statement asking for reuse may be answered with, what a finished one leaves
 * for later ones, and the retirement of every reusable result when data changes. Keys include where the data came
 * from, so a node-local engine's result never answers on another node.
 */
final class StatementReuse {

    private static final Logger LOG = LoggerFactory.getLogger(StatementReuse.class);

    private final ReuseIndex index;
    private final Engine engine;
    private final ResultSpool spool;
    /**
     * A write ran but the shared index could not be told (its database was unreachable): until it is, this node
     * reuses nothing, so it never serves a result older than its own write.
     */
    private volatile boolean epochBehind;

    StatementReuse(ReuseIndex index, Engine engine, ResultSpool spool) {
        this.index = Objects.requireNonNull(index, "reuseIndex");
        this.engine = engine;
        this.spool = spool;
    }

    /** A stored result that may answer the request (still in the spool), or empty. */
    Optional<ReuseIndex.Entry> lookup(Principal principal, StatementRequest request, Instant now) {
        if (request.reuseMaxAge() == null || epochBehind) {
            return Optional.empty();
        }
        return index.lookup(key(principal, request), request.reuseMaxAge(), now)
                .filter(entry -> spool.find(entry.resultId()).isPresent());
    }

    /** The data epoch when a statement that may be reused starts (-1 when it does not ask for reuse: no read). */
    long epochAtStart(StatementRequest request) {
        return request.reuseMaxAge() == null ? -1 : index.epoch();
    }

    /** Leaves a finished result for later identical statements; a failure only costs reuse. */
    void remember(Principal principal, StatementRequest request, ReuseIndex.Entry entry) {
        try {
            index.remember(key(principal, request), entry);
        } catch (RuntimeException e) {
            LOG.warn("could not remember [{}] for reuse", entry.statementId(), e);
        }
    }

    void forgetResult(String resultId) {
        index.forgetResult(resultId);
    }

    /** Data changed: nothing stored before may answer again. */
    void dataChanged() {
        try {
            index.dataChanged();
        } catch (RuntimeException e) {
            LOG.warn("could not retire reusable results after a write yet; reusing nothing until it can", e);
            epochBehind = true;
        }
    }

    /** A node whose write could not retire reusable results (the shared index was away) tries again, every second. */
    void retryEpoch() {
        if (epochBehind) {
            try {
                index.dataChanged();
                epochBehind = false;
            } catch (RuntimeException e) {
                LOG.debug("reuse index still unreachable", e);
            }
        }
    }

    /** Keyed by where the data comes from too: results of a node-local engine answer only on the node that made them. */
    private String key(Principal principal, StatementRequest request) {
        boolean nodeLocal;
        try {
            nodeLocal = engine.engineFor(request.sql(), request.session()).nodeLocal();
        } catch (RuntimeException unroutable) {
            nodeLocal = true; // the statement fails when it runs; nothing of another node may answer for it
        }
        return ResultReuse.key(principal, request, nodeLocal ? index.thisNode() : "");
    }
}
