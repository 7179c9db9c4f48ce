package io.sluice.format;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Renders cell values as ASCII into a caller's reusable char array, so the JSON and CSV paths share one
 * spelling and allocate no String per cell. Each method returns the position after what it wrote.
 *
 * <p>Times are ISO-8601 local times with seconds always present. The fraction is written with the digits
 * of the stored unit (3 for milliseconds, 6 for microseconds, 9 for nanoseconds) and left out entirely
 * when it is zero: {@code 10:11:12}, {@code 10:11:12.100000}. Fixed digits keep the stored precision
 * visible and make values of one column the same width.
 */
final class CellText {
    /** Large enough for any value written here: a 10-digit year, a date-time, a 9-digit fraction, an offset. */
    static final int SCRATCH_SIZE = 64;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** 0000-01-01 and 9999-12-31: the days whose year is written as four plain digits. */
    private static final long FIRST_FAST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private CellText() {
    }

    static int date(long epochDay, char[] out, int position) {
        if (epochDay < FIRST_FAST_DAY || epochDay > LAST_FAST_DAY) {
            return distantDate(epochDay, out, position);
        }
        // Civil date from a day number with integer arithmetic only (the algorithm of Howard Hinnant's
        // "chrono-compatible low-level date algorithms"): eras of 400 years starting on 1 March 0000.
        long days = epochDay + 719_468;
        long era = Math.floorDiv(days, 146_097);
        int dayOfEra = (int) (days - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        int at = padded(year, 4, out, position);
        out[at++] = '-';
        at = padded(month, 2, out, at);
        out[at++] = '-';
        return padded(day, 2, out, at);
    }

    /** java.time's ISO spelling for years outside 0000-9999: a sign and at least four digits. */
    private static int distantDate(long epochDay, char[] out, int position) {
        String text = LocalDate.ofEpochDay(epochDay).toString();
        text.getChars(0, text.length(), out, position);
        return position + text.length();
    }

    /** {@code fractionDigits} is 0, 3, 6 or 9: the digits the stored unit can hold. */
    static int time(long nanoOfDay, int fractionDigits, char[] out, int position) {
        int secondOfDay = (int) (nanoOfDay / NANOS_PER_SECOND);
        int at = twoDigits(secondOfDay / 3600, out, position);
        out[at++] = ':';
        at = twoDigits(secondOfDay / 60 % 60, out, at);
        out[at++] = ':';
        at = twoDigits(secondOfDay % 60, out, at);
        long nanos = nanoOfDay % NANOS_PER_SECOND;
        if (nanos != 0 && fractionDigits > 0) {
            out[at++] = '.';
            long fraction = nanos;
            for (int dropped = 9; dropped > fractionDigits; dropped--) {
                fraction /= 10;
            }
            at = padded((int) fraction, fractionDigits, out, at);
        }
        return at;
    }

    /** A local date-time from nanoseconds since the epoch split into seconds and a nanosecond part. */
    static int dateTime(long epochSecond, int nanoOfSecond, int fractionDigits, char[] out, int position) {
        long epochDay = Math.floorDiv(epochSecond, 86_400L);
        long secondOfDay = Math.floorMod(epochSecond, 86_400L);
        int at = date(epochDay, out, position);
        out[at++] = 'T';
        return time(secondOfDay * NANOS_PER_SECOND + nanoOfSecond, fractionDigits, out, at);
    }

    /** {@code Z} for UTC, otherwise {@code +09:00} (with seconds only when the offset has them). */
    static int offset(ZoneOffset offset, char[] out, int position) {
        String id = offset.getId();
        id.getChars(0, id.length(), out, position);
        return position + id.length();
    }

    /** A decimal from its unscaled value, plain notation, trailing zeros kept as the scale says. */
    static int decimal(long unscaled, int scale, char[] out, int position) {
        int at = position;
        // Work with the negative magnitude so that Long.MIN_VALUE needs no special case.
        long negative = unscaled < 0 ? unscaled : -unscaled;
        if (unscaled < 0) {
            out[at++] = '-';
        }
        int digits = 1;
        for (long bound = -10; digits < 19 && negative <= bound; bound *= 10) {
            digits++;
        }
        int integerDigits = Math.max(digits - scale, 1);
        int total = integerDigits + (scale > 0 ? 1 + scale : 0);
        int cursor = at + total - 1;
        for (int written = 0; written < scale; written++) {
            out[cursor--] = (char) ('0' - negative % 10);
            negative /= 10;
        }
        if (scale > 0) {
            out[cursor--] = '.';
        }
        for (int written = 0; written < integerDigits; written++) {
            out[cursor--] = (char) ('0' - negative % 10);
            negative /= 10;
        }
        return at + total;
    }

    /** The canonical 36-character UUID spelling of 16 big-endian bytes. */
    static int uuid(long mostSignificant, long leastSignificant, char[] out, int position) {
        int at = hex(mostSignificant >>> 32, 8, out, position);
        out[at++] = '-';
        at = hex(mostSignificant >>> 16, 4, out, at);
        out[at++] = '-';
        at = hex(mostSignificant, 4, out, at);
        out[at++] = '-';
        at = hex(leastSignificant >>> 48, 4, out, at);
        out[at++] = '-';
        return hex(leastSignificant, 12, out, at);
    }

    private static int hex(long value, int digits, char[] out, int position) {
        for (int i = digits - 1; i >= 0; i--) {
            out[position + i] = HEX[(int) (value >>> (4 * (digits - 1 - i))) & 0xF];
        }
        return position + digits;
    }

    private static int twoDigits(int value, char[] out, int position) {
        out[position] = (char) ('0' + value / 10);
        out[position + 1] = (char) ('0' + value % 10);
        return position + 2;
    }

    private static int padded(int value, int width, char[] out, int position) {
        int remaining = value;
        for (int i = position + width - 1; i >= position; i--) {
            int quotient = remaining / 10;
            out[i] = (char) ('0' + remaining - quotient * 10);
            remaining = quotient;
        }
        return position + width;
    }
}
