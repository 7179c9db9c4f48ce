package io.sluice.format;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.ReusableBuffer;

/** A growable byte array that variable-width vectors copy one value into, so reading a cell allocates nothing. */
final class Utf8Slice implements ReusableBuffer<byte[]> {
    private byte[] bytes = new byte[64];
    private int length;

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public byte[] getBuffer() {
        return bytes;
    }

    @Override
    public void set(ArrowBuf source, long start, long count) {
        ensure(count);
        source.getBytes(start, bytes, 0, (int) count);
        length = (int) count;
    }

    @Override
    public void set(byte[] source, long start, long count) {
        ensure(count);
        System.arraycopy(source, (int) start, bytes, 0, (int) count);
        length = (int) count;
    }

    private void ensure(long count) {
        if (count > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(count, bytes.length * 2L));
        }
    }
}
