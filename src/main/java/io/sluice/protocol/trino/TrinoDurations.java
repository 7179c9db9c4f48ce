package io.sluice.protocol.trino;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Trino's duration text ({@code 10s}, {@code 1.5m}, {@code 250ms}, {@code 2h}, {@code 1d}), as session properties carry it. */
final class TrinoDurations {

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)\\s*");

    private TrinoDurations() {
    }

    static Duration parse(String text) {
        Matcher match = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!match.matches()) {
            throw new TrinoRequestException(200, TrinoErrors.Standard.INVALID_SESSION_PROPERTY,
                    "Invalid duration '" + text + "': expected a number and a unit (ms, s, m, h, d), e.g. 30s");
        }
        double amount = Double.parseDouble(match.group(1));
        double nanosPerUnit = switch (match.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> 86400e9;
        };
        return Duration.ofNanos(Math.max(1_000_000L, (long) Math.min(Long.MAX_VALUE, amount * nanosPerUnit)));
    }
}
