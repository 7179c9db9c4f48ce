package io.sluice.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Records in an append-only segment file, each framed by its length and a CRC32C of its bytes (little-endian ints).
 * Reading stops at the first torn or damaged record, which is where a crash mid-append leaves the file: what came
 * before it is whole. Used by the status log and the small-result segments.
 */
public final class FramedRecords {

    /** Length and CRC32C of the record after them. */
    public static final int HEADER = 8;

    /** One record read back: where its header starts in the segment, and its bytes. */
    public record Record(int offset, ByteBuffer body) {
    }

    private FramedRecords() {
    }

    /** {@code body} framed, ready to append. */
    public static ByteBuffer frame(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
    }

    /** The whole records of a segment's bytes, in order. */
    public static List<Record> read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Record> records = new ArrayList<>();
        while (in.remaining() >= HEADER) {
            int offset = in.position();
            int length = in.getInt();
            int checksum = in.getInt();
            if (length <= 0 || length > in.remaining()) {
                break;
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, in.position(), length);
            if ((int) crc.getValue() != checksum) {
                break;
            }
            records.add(new Record(offset, ByteBuffer.wrap(bytes, in.position(), length).slice()));
            in.position(in.position() + length);
        }
        return records;
    }
}
