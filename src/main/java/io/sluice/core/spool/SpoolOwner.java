package io.sluice.core.spool;

import java.util.Objects;

/**
 * Whose result is being spooled, and how many bytes of spooled results that principal may hold at once (its
 * finished results until they expire or are deleted, plus pages being written). Recorded in the manifest, so
 * results found at start count against their owner again.
 *
 * @param principalId the owner's principal id
 * @param quotaBytes the most bytes the owner may hold in this spool; {@link Long#MAX_VALUE} for no quota of its own
 */
public record SpoolOwner(String principalId, long quotaBytes) {

    public SpoolOwner {
        Objects.requireNonNull(principalId, "principalId");
        if (quotaBytes < 1) {
            throw new IllegalArgumentException("a spool quota must be positive: " + quotaBytes);
        }
    }

    /** An owner without a quota of its own (only the spool's budget applies); its bytes are still counted. */
    public static SpoolOwner unlimited(String principalId) {
        return new SpoolOwner(principalId, Long.MAX_VALUE);
    }
}
