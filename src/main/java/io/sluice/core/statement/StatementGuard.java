package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;

/**
 * Decides what a principal may run and sees every statement end: access control plugs in here. The
 * {@link StatementService} calls it for every statement of every protocol.
 */
public interface StatementGuard {

    StatementGuard NONE = new StatementGuard() {
    };

    /**
     * Called before a statement is registered; throws (e.g. RATE_LIMITED) to refuse it.
     *
     * @param active how many of the principal's statements are queued or running now
     */
    default void admit(Principal principal, StatementRequest request, int active) {
    }

    /**
     * Called when a statement is created (after {@link #admit}, once it has an id; never for a replayed request id);
     * throws to refuse it. Returns what to run once the statement has ended, whatever the outcome. In a cluster this
     * is where the principal's cluster-wide slot is taken; on a single node it costs nothing.
     */
    default Runnable claimSlot(Principal principal, String statementId, StatementRequest request) {
        return NO_SLOT;
    }

    /** The release of a slot that was never taken. */
    Runnable NO_SLOT = () -> { };

    /** Opens the statement on the engine; may answer it itself (admin statements) or refuse it when it runs. */
    default EngineStatement open(Principal principal, String statementId, StatementRequest request,
                                 EngineRequest engineRequest, Engine engine) {
        return engine.open(engineRequest);
    }

    /** The longest any statement of this principal may run (a timeout it asks for above this is lowered); null for no ceiling. */
    default java.time.Duration maxTimeout(Principal principal) {
        return null;
    }

    /**
     * The most bytes of spooled results (asynchronous statements' pages, until they expire or are deleted) the
     * principal may hold; {@link Long#MAX_VALUE} for no quota beyond the spool's own.
     */
    default long spoolQuotaBytes(Principal principal) {
        return Long.MAX_VALUE;
    }

    /**
     * Called once a stored result was read (a page, a row range or all of it) and the response carrying it is
     * over.
     *
     * @param page the page read; null for a row range or the whole result
     * @param rows rows handed to the response
     */
    default void resultRead(Principal principal, String statementId, ResultReader reader, Integer page, long rows) {
    }

    /**
     * The tables' columns the principal may be told exist, for protocols that answer catalog listings (DatabaseMetaData
     * and the like) to principals that may not read the engine's catalog; empty when nothing is hidden from it.
     */
    default java.util.Optional<java.util.List<CatalogColumn>> visibleCatalog(Principal principal) {
        return java.util.Optional.empty();
    }

    /** Called once when a statement ends, whatever the outcome. */
    default void finished(StatementStatus status) {
    }
}
