package io.sluice.core.types;

import java.time.Duration;

/**
 * An INTERVAL value: months, days and nanoseconds kept apart, because a month has no fixed number of
 * days and a day no fixed number of seconds across DST changes (the same split as DuckDB and Arrow).
 */
public record Interval(int months, int days, long nanos) {

    /** ISO-8601 duration text, e.g. {@code P1M2DT3S}; {@code PT0S} for zero. */
    public String toIso8601() {
        if (months == 0 && days == 0 && nanos == 0) {
            return "PT0S";
        }
        StringBuilder text = new StringBuilder("P");
        int years = months / 12;
        int remainingMonths = months % 12;
        if (years != 0) {
            text.append(years).append('Y');
        }
        if (remainingMonths != 0) {
            text.append(remainingMonths).append('M');
        }
        if (days != 0) {
            text.append(days).append('D');
        }
        if (nanos != 0) {
            // Duration renders the time part (hours, minutes, fractional seconds) correctly, signs included.
            text.append(Duration.ofNanos(nanos).toString().substring(1));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return toIso8601();
    }
}
