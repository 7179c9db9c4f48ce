package io.sluice.core.statement;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which finished results may answer an identical request again (opt-in reuse), and the write epoch that
 * retires them: any statement that may have written data moves the epoch on, and an entry from an older
 * epoch is never used. In memory on one node; shared in a cluster, where a write through any node retires
 * every node's entries.
 */
public interface ReuseIndex {

    /** A reusable result. */
    record Entry(String statementId, String resultId, Instant finishedAt, long epoch, long rows, long updateCount,
                 int pageCount, boolean truncated) {
    }

    long epoch();

    /**
     * The name under which results of a node-local engine (DuckDB, whose tables each node holds for itself) are
     * kept: this node's id in a cluster, so such a result never answers on another node; empty on one node.
     */
    default String thisNode() {
        return "";
    }

    /** The entry for {@code key} of the current epoch that finished at most {@code maxAge} before {@code now}. */
    Optional<Entry> lookup(String key, Duration maxAge, Instant now);

    /** Remembers an entry, unless the epoch moved on since it started (its result may predate a write). */
    void remember(String key, Entry entry);

    /** A statement may have written data: nothing remembered so far is reused again. */
    void dataChanged();

    /** The result was deleted. */
    void forgetResult(String resultId);
}
