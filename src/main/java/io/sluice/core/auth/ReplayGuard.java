package io.sluice.core.auth;

import java.time.Instant;

/**
 * Remembers credentials that may be used only once (a signed request's key id, timestamp and signature) for as
 * long as they would otherwise be accepted. A single node keeps them in memory ({@link MemoryReplayGuard}); a
 * cluster keeps them in its shared database, so a request captured on one node cannot be replayed on another.
 */
public interface ReplayGuard {

    /**
     * Records {@code token} as used until {@code expiresAt}. True the first time a token is presented within
     * its lifetime; false for every later use of the same token.
     *
     * @param token a digest of the once-only credential, never the credential itself
     * @param expiresAt when the credential stops being accepted anyway; the record may be forgotten after it
     * @throws io.sluice.core.error.SluiceException RATE_LIMITED when too many credentials are live at once to
     *     remember them all (refusing is safe; forgetting one early would let it be replayed), or
     *     STORAGE_UNAVAILABLE when the shared store cannot be reached
     */
    boolean firstUse(String token, Instant expiresAt);
}
