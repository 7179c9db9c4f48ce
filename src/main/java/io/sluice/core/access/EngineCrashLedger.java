package io.sluice.core.access;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which principals' statements were running when an engine died, and who is cooling down for it: a principal
 * whose statements were on {@link CrashCoolDown#crashes()} dead engines within the window is refused for the
 * cool-down, so a statement that kills the engine every time it runs cannot be retried in a loop.
 *
 * <p>One engine death fails every statement that ran on it at once. A principal with several of them there took
 * the engine down once, not several times, so failures of one principal less than {@link #SAME_CRASH} apart count
 * as one crash.
 */
public final class EngineCrashLedger {

    private static final Logger LOG = LoggerFactory.getLogger(EngineCrashLedger.class);

    /** Failures of one principal's statements this close together are one engine death. */
    public static final Duration SAME_CRASH = Duration.ofSeconds(1);

    private final Clock clock;
    private CrashCoolDown policy;
    private final Map<String, History> byPrincipal = new HashMap<>();
    /** In a cluster, where crashes on every node are counted and cool-downs kept; null on a single node. */
    private SharedLimits shared;

    private static final class History {
        final ArrayDeque<Instant> crashes = new ArrayDeque<>();
        Instant lastFailure;
        Instant coolDownUntil;
    }

    public EngineCrashLedger(CrashCoolDown policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public synchronized void policy(CrashCoolDown policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Counts crashes and keeps cool-downs in the cluster's shared limits from now on (see {@link SharedLimits#crashed}). */
    public synchronized void shareThrough(SharedLimits limits) {
        this.shared = Objects.requireNonNull(limits, "limits");
    }

    public synchronized CrashCoolDown policy() {
        return policy;
    }

    /**
     * Records that a statement of {@code principalId} was running on an engine that died just now (the statement
     * service reports every statement that ends FAILED with ENGINE_RESTARTED to access control, which calls this).
     *
     * @param statementId the statement, for the log line of a cool-down it begins
     * @return true when this began the principal's cool-down
     */
    public synchronized boolean suspect(String principalId, String statementId) {
        Instant now = clock.instant();
        History history = byPrincipal.computeIfAbsent(principalId, ignored -> new History());
        boolean sameCrash = history.lastFailure != null && !now.isAfter(history.lastFailure.plus(SAME_CRASH));
        history.lastFailure = now;
        if (sameCrash) {
            return false;
        }
        Optional<Instant> until = Optional.empty();
        boolean counted = false;
        if (shared != null) {
            try {
                until = shared.crashed(principalId, policy);
                counted = true;
            } catch (RuntimeException e) {
                // The shared store is away: this node counts the crash itself rather than forget it.
                LOG.warn("could not record the engine crash of principal {} in the cluster: {}", principalId, e.getMessage());
            }
        }
        if (counted) {
            // Engines of other nodes count too; the shared store decides, and every node then refuses (claimSlot).
            if (until.isPresent()) {
                history.coolDownUntil = until.get();
                LOG.warn("principal {} had statements running on {} engine crashes across the cluster within {} s (the last:"
                        + " statement [{}]); its statements are refused until {}", principalId, policy.crashes(),
                        policy.window().toSeconds(), statementId, until.get());
            }
            return until.isPresent();
        }
        history.crashes.addLast(now);
        forgetOld(history, now);
        if (history.crashes.size() < policy.crashes()) {
            return false;
        }
        // The count starts again: after the cool-down the principal gets the same number of chances.
        history.crashes.clear();
        history.coolDownUntil = now.plus(policy.coolDown());
        LOG.warn("principal {} had statements running on {} engine crashes within {} s (the last: statement [{}]); its "
                + "statements are refused until {}", principalId, policy.crashes(), policy.window().toSeconds(), statementId,
                history.coolDownUntil);
        return true;
    }

    /**
     * The refusal of {@code principalId} while it cools down (ENGINE_COOL_DOWN: why, until when, and the seconds left
     * for Retry-After); empty when it may run statements.
     */
    public Optional<SluiceError> refusal(String principalId) {
        return coolDownUntil(principalId).map(this::refusal);
    }

    /** The refusal of a principal cooling down until {@code until} (which a cluster's shared limits may have told). */
    public SluiceError refusal(Instant until) {
        CrashCoolDown current = policy();
        long secondsLeft = Math.max(1, (Duration.between(clock.instant(), until).toMillis() + 999) / 1000);
        return SluiceError.retryAfter(ErrorCode.ENGINE_COOL_DOWN, "Statements of this principal were running when the "
                + "engine went down " + current.crashes() + " times within " + current.window().toSeconds()
                + " s; its new statements are refused until " + until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " (" + secondsLeft + " s from now)", secondsLeft);
    }

    /** The end of {@code principalId}'s cool-down; empty when it is not cooling down. */
    public synchronized Optional<Instant> coolDownUntil(String principalId) {
        History history = byPrincipal.get(principalId);
        if (history == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        forgetOld(history, now);
        if (history.coolDownUntil != null && now.isBefore(history.coolDownUntil)) {
            return Optional.of(history.coolDownUntil);
        }
        history.coolDownUntil = null;
        if (history.crashes.isEmpty() && now.isAfter(history.lastFailure.plus(SAME_CRASH))) {
            byPrincipal.remove(principalId); // nothing left to remember
        }
        return Optional.empty();
    }

    /** Crashes of {@code principalId} that count now (within the window). */
    public synchronized int recentCrashes(String principalId) {
        History history = byPrincipal.get(principalId);
        if (history == null) {
            return 0;
        }
        forgetOld(history, clock.instant());
        return history.crashes.size();
    }

    private void forgetOld(History history, Instant now) {
        Instant oldest = now.minus(policy.window());
        while (!history.crashes.isEmpty() && history.crashes.peekFirst().isBefore(oldest)) {
            history.crashes.pollFirst();
        }
    }
}
