package io.sluice.core.auth;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A node's own {@link ReplayGuard}: the tokens used, each until its expiry, at most {@code capacity} at once.
 * Expired tokens are dropped before every check, oldest expiry first. When the cache is full of tokens that are
 * all still live, a new one is refused rather than an old one forgotten: forgetting would reopen the replay.
 */
public final class MemoryReplayGuard implements ReplayGuard {

    private record Used(String token, long expiresAtMillis) {
    }

    private final int capacity;
    private final Clock clock;
    private final Set<String> tokens = new HashSet<>();
    private final PriorityQueue<Used> byExpiry = new PriorityQueue<>(
            (a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));

    public MemoryReplayGuard(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized boolean firstUse(String token, Instant expiresAt) {
        Objects.requireNonNull(token, "token");
        long now = clock.millis();
        forgetExpired(now);
        if (tokens.contains(token)) {
            return false;
        }
        long expiry = expiresAt.toEpochMilli();
        if (expiry <= now) {
            return true; // already past its lifetime: the caller refuses it anyway, nothing to remember
        }
        if (tokens.size() >= capacity) {
            throw new SluiceException(ErrorCode.RATE_LIMITED,
                    "Too many signed requests within the validity window; retry shortly");
        }
        tokens.add(token);
        byExpiry.add(new Used(token, expiry));
        return true;
    }

    /** Tokens remembered now (for tests and metrics). */
    public synchronized int size() {
        forgetExpired(clock.millis());
        return tokens.size();
    }

    private void forgetExpired(long now) {
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis() <= now) {
            tokens.remove(byExpiry.poll().token());
        }
    }
}
