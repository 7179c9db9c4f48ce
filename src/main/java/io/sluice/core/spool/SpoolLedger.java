package io.sluice.core.spool;

import java.time.Instant;

/**
 * Whose finished spooled results exist and how many bytes each counts against its owner's quota. On one node
 * an in-memory ledger rebuilt at start from the manifests ({@link #local()}); in a cluster a table every node
 * shares, so a principal's quota holds across nodes rather than per node. Pages still being written are not in
 * the ledger: the spool counts them itself until the result is finished.
 */
public interface SpoolLedger {

    /** The single-node ledger. */
    static SpoolLedger local() {
        return new LocalSpoolLedger();
    }

    /** Bytes of the owner's finished results that have not expired at {@code now}. */
    long held(String owner, Instant now);

    /** A finished result now counts against its owner until it is removed or expires. */
    void add(String resultId, String owner, long bytes, Instant expiresAt);

    /** The result is gone; unknown ids are fine. */
    void remove(String resultId);

    /** Forgets results expired at {@code now} (also those of nodes that went away before deleting them). */
    void purge(Instant now);

    /** True when the ledger outlives this node (results found on disk at start are in it already). */
    default boolean shared() {
        return false;
    }
}
