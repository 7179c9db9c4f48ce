package io.sluice.format;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Already-valid JSON bytes handed to {@code JsonGenerator.writeRawValue} without making a String.
 * CR and LF can only be insignificant whitespace in valid JSON, so they are written as spaces: an
 * embedded pretty-printed document must not break NDJSON's one-row-per-line framing.
 */
final class RawJson implements SerializableString {
    private byte[] bytes;
    private int length;

    void wrap(byte[] source, int count) {
        this.bytes = source;
        this.length = count;
    }

    private void copyTo(byte[] target, int offset) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            target[offset + i] = b == '\n' || b == '\r' ? (byte) ' ' : b;
        }
    }

    @Override
    public String getValue() {
        return new String(asUnquotedUTF8(), StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
        byte[] copy = new byte[length];
        copyTo(copy, 0);
        return copy;
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + length > buffer.length) {
            return -1;
        }
        copyTo(buffer, offset);
        return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (offset + value.length() > buffer.length) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        byte[] copy = asUnquotedUTF8();
        out.write(copy);
        return copy.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < length) {
            return -1;
        }
        buffer.put(asUnquotedUTF8());
        return length;
    }
}
