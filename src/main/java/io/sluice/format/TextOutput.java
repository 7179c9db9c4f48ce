package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A reusable UTF-8 byte buffer that one text cell is rendered into before the CSV encoder quotes it.
 * It is an OutputStream so that nested values can be rendered as JSON text straight into it.
 */
public final class TextOutput extends OutputStream {
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[256];
    private int length;
    private JsonGenerator json;


    public void reset() {
        length = 0;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** A JSON generator writing into this buffer; callers flush it after writing their value. */
    public JsonGenerator json() {
        if (json == null) {
            json = JsonEncoder.createGenerator(this);
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

    /** Appends characters known to be ASCII (digits, signs, date punctuation). */
    public void writeAscii(char[] chars, int offset, int count) {
        ensure(count);
        for (int i = 0; i < count; i++) {
            bytes[length++] = (byte) chars[offset + i];
        }
    }

    public void writeAscii(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
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
        int digits = 1;
        for (long power = 10; digits < 19 && remaining >= power; power *= 10) {
            digits++;
        }
        int end = length + digits;
        for (int position = end - 1; position >= length; position--) {
            bytes[position] = (byte) ('0' + remaining % 10);
            remaining /= 10;
        }
        length = end;
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
