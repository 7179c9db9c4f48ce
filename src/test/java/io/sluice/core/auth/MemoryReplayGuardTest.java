package io.sluice.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryReplayGuardTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aTokenIsAcceptedOnceUntilItExpires() {
        MemoryReplayGuard guard = new MemoryReplayGuard(10, clock);
        Instant expiry = now.get().plusSeconds(300);
        assertThat(guard.firstUse("a", expiry)).isTrue();
        assertThat(guard.firstUse("a", expiry)).isFalse();
        assertThat(guard.firstUse("b", expiry)).isTrue();
        now.set(expiry.minusMillis(1));
        assertThat(guard.firstUse("a", expiry)).isFalse();
        assertThat(guard.size()).isEqualTo(2);
        now.set(expiry);
        assertThat(guard.size()).isZero();
    }

    @Test
    void aFullCacheRefusesNewTokensInsteadOfForgettingLiveOnes() {
        MemoryReplayGuard guard = new MemoryReplayGuard(2, clock);
        assertThat(guard.firstUse("a", now.get().plusSeconds(10))).isTrue();
        assertThat(guard.firstUse("b", now.get().plusSeconds(20))).isTrue();
        assertThatThrownBy(() -> guard.firstUse("c", now.get().plusSeconds(30)))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.error().code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(guard.firstUse("a", now.get().plusSeconds(10))).isFalse();
        // Once the first expires there is room again, and the live one is still remembered.
        now.set(now.get().plusSeconds(10));
        assertThat(guard.firstUse("c", now.get().plusSeconds(30))).isTrue();
        assertThat(guard.firstUse("b", now.get().plusSeconds(20))).isFalse();
    }
}
