package io.sluice.core.statement;

import io.sluice.core.error.SluiceError;
import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a statement. {@code resultId} names the spooled result it reads from, which for a reused
 * answer is the result of the earlier statement. Timings are null until they happen.
 *
 * @param rows rows produced so far (final once terminal)
 * @param updateCount rows changed by DML, -1 for a query
 * @param truncated true when maxRows cut the result
 * @param tags the protocol's own facts about the statement, as submitted ({@link StatementRequest#tags})
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
        SluiceError error,
        Map<String, String> tags) {

    public StatementStatus {
        tags = StatementTags.copy(tags);
    }

    /** A status without tags. */
    public StatementStatus(String id, String ownerId, String protocol, String sql, StatementState state,
                           Instant createdAt, Instant startedAt, Instant endedAt, long rows, long updateCount,
                           int pageCount, boolean truncated, boolean reused, String resultId, String requestId,
                           SluiceError error) {
        this(id, ownerId, protocol, sql, state, createdAt, startedAt, endedAt, rows, updateCount, pageCount, truncated,
                reused, resultId, requestId, error, Map.of());
    }

    /** One tag's value, null when the statement has none by that name. */
    public String tag(String name) {
        return tags.get(name);
    }

    public boolean isTerminal() {
        return state.isTerminal();
    }

    /** Milliseconds from creation to the end, or to now while it runs. */
    public long elapsedMillis(Instant now) {
        Instant end = endedAt == null ? now : endedAt;
        return Math.max(0, end.toEpochMilli() - createdAt.toEpochMilli());
    }
}
