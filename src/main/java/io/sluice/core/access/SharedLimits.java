package io.sluice.core.access;

import java.time.Instant;
import java.util.Optional;

/**
 * Per-principal limits that hold across the nodes of a cluster: running statements, statements per minute and
 * the engine-crash cool-down, counted in storage every node shares. A single node has none of this: its limits
 * live in its own memory and cost nothing per statement.
 */
public interface SharedLimits {

    /** Why {@link #claim} refused a statement, or that it did not. */
    enum Outcome { GRANTED, TOO_MANY_RUNNING, TOO_MANY_PER_MINUTE, COOLING_DOWN }

    /**
     * @param coolDownUntil when the principal's cool-down ends (COOLING_DOWN only)
     */
    record Claim(Outcome outcome, Instant coolDownUntil) {

        public static final Claim GRANTED = new Claim(Outcome.GRANTED, null);
    }

    /**
     * Counts a new statement against its principal's cluster-wide limits in one step: refused while the principal
     * cools down, holds {@code maxRunning} slots on live nodes, or has no token left in its per-minute bucket;
     * otherwise takes a token and a slot for {@code statementId}, which {@link #release} gives back. A slot of a
     * node whose lease expired no longer counts, so a dead node's statements do not hold slots.
     */
    Claim claim(String principalId, String statementId, int maxRunning, int perMinute);

    /** Gives back the slot of a statement that ended; may be applied a moment later, never lost. */
    void release(String statementId);

    /**
     * Records that a statement of {@code principalId} was running on an engine that died (on any node). When the
     * principal's crashes within the policy's window reach its count, a cool-down begins for every node.
     *
     * @return the end of the cool-down this began; empty when it began none
     */
    Optional<Instant> crashed(String principalId, CrashCoolDown policy);
}
