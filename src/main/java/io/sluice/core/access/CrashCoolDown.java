package io.sluice.core.access;

import java.time.Duration;
import java.util.Objects;

/**
 * When a principal whose statements keep taking the engine down is refused for a while.
 *
 * @param crashes engine crashes within {@code window} that start a cool-down ({@code limits.engineCrashesBeforeCoolDown})
 * @param window how far back crashes count ({@code limits.engineCrashWindowSeconds})
 * @param coolDown how long the principal is then refused ({@code limits.engineCoolDownSeconds})
 */
public record CrashCoolDown(int crashes, Duration window, Duration coolDown) {

    public static final CrashCoolDown DEFAULT = new CrashCoolDown(3, Duration.ofMinutes(10), Duration.ofMinutes(15));

    public CrashCoolDown {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(coolDown, "coolDown");
        if (crashes < 1 || window.isNegative() || window.isZero() || coolDown.isNegative() || coolDown.isZero()) {
            throw new IllegalArgumentException("limits.engineCrashesBeforeCoolDown, limits.engineCrashWindowSeconds and "
                    + "limits.engineCoolDownSeconds must be at least 1");
        }
    }
}
