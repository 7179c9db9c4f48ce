package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, growable UTF-8 byte buffer that text cells are rendered straight into: one cell for the
 * Druid CSV writer, a run of whole rows for the NDJSON/JSON/CSV encoders, which hand it to their output
 * stream with {@link #drainTo} between rows. It is an OutputStream so that the rare values that go
 * through Jackson (nested values, JSON columns, BLOBs) can be rendered into it too.
 *
 * <p>Why hand-written and not Jackson for every cell: the text encoders spend their time per cell, and
 * Jackson's generator adds a state check, a buffer check and a call per value on top of the value itself.
 * Writing numbers, dates and strings into this array with plain integer arithmetic doubles the rate of
 * NDJSON and CSV (see BENCHMARKS.md). The JSON spellings here are byte for byte what Jackson's
 * UTF8JsonGenerator writes for the same calls (tested against it in TextOutputTest), so the two paths can
 * be mixed within one row.
 */
public final class TextOutput extends OutputStream {
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Two ASCII digits for 0-99, so integers are written two digits per division. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    /**
     * For ASCII characters, what Jackson writes instead of the character inside a JSON string: 0 for the
     * character itself, the letter of a short escape ({@code \n}), or 'u' for {@code \}{@code u00XX}.
     */
    private static final byte[] JSON_ESCAPES = new byte[128];
    private static final double[] POWERS_OF_TEN = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    private static final long[] LONG_POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000};

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        for (int c = 0; c < 0x20; c++) {
            JSON_ESCAPES[c] = 'u';
        }
        JSON_ESCAPES['\b'] = 'b';
        JSON_ESCAPES['\t'] = 't';
        JSON_ESCAPES['\n'] = 'n';
        JSON_ESCAPES['\f'] = 'f';
        JSON_ESCAPES['\r'] = 'r';
        JSON_ESCAPES['"'] = '"';
        JSON_ESCAPES['\\'] = '\\';
    }

    private byte[] bytes;
    private int length;
    private JsonGenerator json;
    /** For the rare doubles and floats that take the JDK's shortest-decimal algorithm. */
    private StringBuilder numberText;

    public TextOutput() {
        this(256);
    }

    /** A buffer that starts at {@code capacity} bytes; size it for the rows written between drains. */
    public TextOutput(int capacity) {
        bytes = new byte[capacity];
    }

    public void reset() {
        length = 0;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Drops everything written after the first {@code newLength} bytes. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IndexOutOfBoundsException(newLength);
        }
        length = newLength;
    }

    /** Writes everything buffered to {@code out} and empties the buffer. */
    public void drainTo(OutputStream out) throws IOException {
        if (length > 0) {
            out.write(bytes, 0, length);
            length = 0;
        }
    }

    /**
     * A JSON generator writing into this buffer; callers flush it after writing their value. Its flush
     * stays here: it never reaches the stream the buffer is later drained to.
     */
    public JsonGenerator json() {
        if (json == null) {
            json = JsonEncoder.createGenerator(this);
            json.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        }
        return json;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    public void writeNull() {
        write(NULL, 0, NULL.length);
    }

    public void writeBoolean(boolean value) {
        byte[] text = value ? TRUE : FALSE;
        write(text, 0, text.length);
    }

    /** Appends characters known to be ASCII (digits, signs, date punctuation). */
    public void writeAscii(char[] chars, int offset, int count) {
        ensure(count);
        byte[] target = bytes;
        int at = length;
        for (int i = 0; i < count; i++) {
            target[at + i] = (byte) chars[offset + i];
        }
        length = at + count;
    }

    public void writeAscii(CharSequence ascii) {
        int count = ascii.length();
        ensure(count);
        for (int i = 0; i < count; i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
    }

    /** Appends a decimal integer without allocating. */
    public void writeLong(long value) {
        if (value == Long.MIN_VALUE) {
            write(LONG_MIN, 0, LONG_MIN.length);
            return;
        }
        ensure(20);
        long remaining = value;
        if (remaining < 0) {
            bytes[length++] = '-';
            remaining = -remaining;
        }
        int end = length + digitCount(remaining);
        writeDigitsBackwards(remaining, end);
        length = end;
    }

    /** The digits of a non-negative {@code value}, ending just before {@code end}. */
    private void writeDigitsBackwards(long value, int end) {
        byte[] target = bytes;
        int at = end;
        long remaining = value;
        while (remaining >= Integer.MAX_VALUE) {
            long quotient = remaining / 100;
            int pair = (int) (remaining - quotient * 100) * 2;
            target[--at] = DIGIT_PAIRS[pair + 1];
            target[--at] = DIGIT_PAIRS[pair];
            remaining = quotient;
        }
        int small = (int) remaining;
        while (small >= 100) {
            int quotient = small / 100;
            int pair = (small - quotient * 100) * 2;
            target[--at] = DIGIT_PAIRS[pair + 1];
            target[--at] = DIGIT_PAIRS[pair];
            small = quotient;
        }
        if (small >= 10) {
            target[--at] = DIGIT_PAIRS[small * 2 + 1];
            target[--at] = DIGIT_PAIRS[small * 2];
        } else {
            target[--at] = (byte) ('0' + small);
        }
    }

    private static int digitCount(long nonNegative) {
        int digits = 1;
        for (long power = 10; digits < 19 && nonNegative >= power; power *= 10) {
            digits++;
        }
        return digits;
    }

    /**
     * Appends {@link Double#toString(double)}'s spelling (which is also Jackson's) without allocating for
     * the common values: those between 0.001 and 10^7 that are the nearest double to a decimal with at
     * most 8 fraction digits and 14 significant digits. Such a decimal is the shortest one that rounds to
     * the value, which is what Double.toString prints; everything else goes through the JDK itself.
     */
    public void writeDouble(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e7) {
            for (int fractionDigits = 0; fractionDigits < POWERS_OF_TEN.length; fractionDigits++) {
                double scaled = magnitude * POWERS_OF_TEN[fractionDigits];
                if (scaled >= 1e14) {
                    break;
                }
                long unscaled = Math.round(scaled);
                if (unscaled / POWERS_OF_TEN[fractionDigits] == magnitude) {
                    writePlainDecimal(value < 0, unscaled, fractionDigits);
                    return;
                }
            }
        }
        StringBuilder text = numberText();
        text.append(value);
        writeAscii(text);
    }

    public void writeFloat(float value) {
        StringBuilder text = numberText();
        text.append(value);
        writeAscii(text);
    }

    private StringBuilder numberText() {
        if (numberText == null) {
            numberText = new StringBuilder(32);
        }
        numberText.setLength(0);
        return numberText;
    }

    /** {@code unscaled / 10^fractionDigits} with at least one fraction digit, as Double.toString does. */
    private void writePlainDecimal(boolean negative, long unscaled, int fractionDigits) {
        ensure(24);
        if (negative) {
            bytes[length++] = '-';
        }
        long power = LONG_POWERS_OF_TEN[fractionDigits];
        long integer = unscaled / power;
        int integerEnd = length + digitCount(integer);
        writeDigitsBackwards(integer, integerEnd);
        length = integerEnd;
        bytes[length++] = '.';
        if (fractionDigits == 0) {
            bytes[length++] = '0';
            return;
        }
        long fraction = unscaled - integer * power;
        int end = length + fractionDigits;
        for (int at = end - 1; at >= length; at--) {
            bytes[at] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        length = end;
    }

    /** Appends ASCII text known to need no escaping (dates, times, UUIDs) as a quoted JSON string. */
    public void writeJsonAscii(char[] chars, int offset, int count) {
        ensure(count + 2);
        byte[] target = bytes;
        int at = length;
        target[at++] = '"';
        for (int i = 0; i < count; i++) {
            target[at++] = (byte) chars[offset + i];
        }
        target[at++] = '"';
        length = at;
    }

    /**
     * Appends UTF-8 text as a quoted JSON string, escaped the way Jackson escapes it: {@code \"}, {@code \\},
     * the short escapes for backspace, tab, newline, form feed and carriage return, {@code \}{@code u00XX}
     * (upper-case hex) for other control characters, and every other byte, non-ASCII included, as it is.
     */
    public void writeJsonString(byte[] utf8, int offset, int count) {
        int end = offset + count;
        int plainEnd = offset;
        while (plainEnd < end && needsNoEscape(utf8[plainEnd])) {
            plainEnd++;
        }
        ensure(count + 2);
        bytes[length++] = '"';
        System.arraycopy(utf8, offset, bytes, length, plainEnd - offset);
        length += plainEnd - offset;
        if (plainEnd < end) {
            writeEscaped(utf8, plainEnd, end);
        }
        bytes[length++] = '"';
    }

    private static boolean needsNoEscape(byte b) {
        return b < 0 || (b >= 0x20 && b != '"' && b != '\\');
    }

    private void writeEscaped(byte[] utf8, int from, int end) {
        // Room for every remaining byte as a six-byte escape, plus the closing quote.
        ensure((end - from) * 6 + 1);
        byte[] target = bytes;
        int at = length;
        for (int i = from; i < end; i++) {
            byte b = utf8[i];
            if (needsNoEscape(b)) {
                target[at++] = b;
                continue;
            }
            byte escape = JSON_ESCAPES[b];
            target[at++] = '\\';
            if (escape != 'u') {
                target[at++] = escape;
            } else {
                target[at++] = 'u';
                target[at++] = '0';
                target[at++] = '0';
                target[at++] = HEX[b >> 4];
                target[at++] = HEX[b & 0xF];
            }
        }
        length = at;
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
