package io.sluice.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Who took engines down how often, and the cool-down that follows, on a clock the test moves. */
class EngineCrashLedgerTest {

    /** A clock that stands still until the test moves it. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

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
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final EngineCrashLedger ledger = new EngineCrashLedger(
            new CrashCoolDown(3, Duration.ofMinutes(10), Duration.ofMinutes(15)), clock);

    @Test
    void theThirdCrashWithinTheWindowStartsTheCoolDownWhichThenEnds() {
        assertThat(ledger.suspect("ann", "s1")).isFalse();
        clock.advance(Duration.ofMinutes(4));
        assertThat(ledger.suspect("ann", "s1")).isFalse();
        assertThat(ledger.coolDownUntil("ann")).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(ledger.suspect("ann", "s1")).isTrue();

        Instant until = clock.instant().plus(Duration.ofMinutes(15));
        assertThat(ledger.coolDownUntil("ann")).contains(until);
        clock.advance(Duration.ofMillis(100));
        assertThat(ledger.refusal("ann")).hasValueSatisfying(refusal -> {
            assertThat(refusal.code()).isEqualTo(io.sluice.core.error.ErrorCode.ENGINE_COOL_DOWN);
            assertThat(refusal.retryAfterSeconds()).isEqualTo(900L);
            assertThat(refusal.message()).contains("3 times within 600 s").contains("until 2026-01-01T00:23:00Z");
        });
        assertThat(ledger.refusal("bob")).isEmpty();
        assertThat(ledger.coolDownUntil("bob")).isEmpty();
        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(ledger.coolDownUntil("ann")).contains(until);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ledger.coolDownUntil("ann")).isEmpty();
        // After the cool-down the count starts again.
        assertThat(ledger.recentCrashes("ann")).isZero();
    }

    @Test
    void crashesOlderThanTheWindowNoLongerCount() {
        ledger.suspect("ann", "s1");
        clock.advance(Duration.ofMinutes(6));
        ledger.suspect("ann", "s1");
        clock.advance(Duration.ofMinutes(6));
        assertThat(ledger.suspect("ann", "s1")).isFalse();
        assertThat(ledger.recentCrashes("ann")).isEqualTo(2);
        assertThat(ledger.coolDownUntil("ann")).isEmpty();
    }

    @Test
    void statementsOfOnePrincipalFailingTogetherAreOneCrash() {
        for (int crash = 0; crash < 2; crash++) {
            // Five statements of ann died with one engine: their failures arrive within the same second.
            for (int statement = 0; statement < 5; statement++) {
                assertThat(ledger.suspect("ann", "s1")).isFalse();
                clock.advance(Duration.ofMillis(150));
            }
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(ledger.recentCrashes("ann")).isEqualTo(2);
        assertThat(ledger.coolDownUntil("ann")).isEmpty();
        // Another principal's statement on the same engine counts for that principal alone.
        ledger.suspect("bob", "s1");
        assertThat(ledger.recentCrashes("bob")).isEqualTo(1);
        assertThat(ledger.suspect("ann", "s1")).isTrue();
    }

    @Test
    void aNewPolicyAppliesToTheNextCrash() {
        ledger.policy(new CrashCoolDown(1, Duration.ofMinutes(1), Duration.ofSeconds(30)));
        assertThat(ledger.suspect("ann", "s1")).isTrue();
        assertThat(ledger.coolDownUntil("ann")).contains(clock.instant().plusSeconds(30));
    }
}
