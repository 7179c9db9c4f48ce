package io.sluice.core.spool;

import io.sluice.core.types.ResultSchema;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A finished, complete result in the spool, as described by its manifest.
 *
 * @param createdAt when the result was finished; retention counts from here so that a long-running
 *     statement does not lose its result right after producing it
 * @param totalBytes the size of all page files (the manifest itself is not counted)
 */
public record SpooledResult(String resultId, ResultSchema schema, List<PageInfo> pages, long totalRows,
                            long totalBytes, Instant createdAt, Instant expiresAt) {

    public SpooledResult {
        Objects.requireNonNull(resultId, "resultId");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        pages = List.copyOf(pages);
    }

    public int pageCount() {
        return pages.size();
    }

    /** True once the retention period has ended at {@code now}; an expired result is no longer served. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
