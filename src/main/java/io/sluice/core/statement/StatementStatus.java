package io.sluice.core.statement;

import io.sluice.core.error.SluiceError;
import java.time.Instant;

/**
 * A snapshot of a statement. {@code resultId} names the spooled result it reads from, which for a reused
 * answer is the result of the earlier statement. Timings are null until they happen.
 *
 * @param rows rows produced so far (final once terminal)
 * @param updateCount rows changed by DML, -1 for a query
 * @param truncated true when maxRows cut the result
 */
public record StatementStatus(
        String id,
        String ownerId,
        String protocol,
        String sql,
        StatementState state,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        long rows,
        long updateCount,
        int pageCount,
        boolean truncated,
        boolean reused,
        String resultId,
        String requestId,
        SluiceError error) {

    public boolean isTerminal() {
        return state.isTerminal();
    }

    /** Milliseconds from creation to the end, or to now while it runs. */
    public long elapsedMillis(Instant now) {
        Instant end = endedAt == null ? now : endedAt;
        return Math.max(0, end.toEpochMilli() - createdAt.toEpochMilli());
    }
}
