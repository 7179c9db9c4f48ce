package io.sluice.core.statement;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A statement status as a compact binary record for the {@link StatementLog}: variable-length numbers and
 * length-prefixed UTF-8 text, so a small statement's status is about a hundred bytes instead of a properties file
 * of several hundred bytes in a 4 KB block of its own.
 */
final class StatusCodec {

    private static final int TRUNCATED = 1;
    private static final int REUSED = 1 << 1;
    /** The result id is the statement's own id (every statement but a reused one): not written twice. */
    private static final int OWN_RESULT = 1 << 2;
    private static final int HAS_ERROR = 1 << 3;
    private static final int HAS_POSITION = 1 << 4;

    private StatusCodec() {
    }

    static byte[] encode(StatementStatus status) {
        Output out = new Output();
        out.text(status.id());
        out.text(status.ownerId());
        out.text(status.protocol());
        out.text(status.sql());
        out.number(status.state().ordinal());
        out.instant(status.createdAt());
        out.instant(status.startedAt());
        out.instant(status.endedAt());
        out.number(status.rows());
        out.number(status.updateCount() + 1); // -1 (a query) becomes 0
        out.number(status.pageCount());
        SluiceError error = status.error();
        boolean ownResult = status.id().equals(status.resultId());
        int flags = (status.truncated() ? TRUNCATED : 0) | (status.reused() ? REUSED : 0) | (ownResult ? OWN_RESULT : 0)
                | (error != null ? HAS_ERROR : 0) | (error != null && error.position() != null ? HAS_POSITION : 0);
        out.number(flags);
        if (!ownResult) {
            out.text(status.resultId());
        }
        out.text(status.requestId());
        if (error != null) {
            out.text(error.code().name());
            out.text(error.message());
            out.text(error.sqlState());
            if (error.position() != null) {
                out.number(error.position().line());
                out.number(error.position().column());
            }
        }
        out.number(status.tags().size());
        status.tags().forEach((name, value) -> {
            out.text(name);
            out.text(value);
        });
        return out.toByteArray();
    }

    static StatementStatus decode(ByteBuffer in) {
        String id = text(in);
        String owner = text(in);
        String protocol = text(in);
        String sql = text(in);
        StatementState state = StatementState.values()[(int) number(in)];
        Instant createdAt = instant(in);
        Instant startedAt = instant(in);
        Instant endedAt = instant(in);
        long rows = number(in);
        long updateCount = number(in) - 1;
        int pageCount = (int) number(in);
        int flags = (int) number(in);
        String resultId = (flags & OWN_RESULT) != 0 ? id : text(in);
        String requestId = text(in);
        SluiceError error = null;
        if ((flags & HAS_ERROR) != 0) {
            ErrorCode code = ErrorCode.valueOf(text(in));
            String message = text(in);
            String sqlState = text(in);
            SluiceError.Position position = (flags & HAS_POSITION) == 0 ? null
                    : new SluiceError.Position((int) number(in), (int) number(in));
            error = new SluiceError(code, message == null ? "" : message, sqlState, position);
        }
        int tagCount = (int) number(in);
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < tagCount; i++) {
            tags.put(text(in), text(in));
        }
        return new StatementStatus(id, owner, protocol == null ? "native" : protocol, sql == null ? "" : sql, state,
                createdAt, startedAt, endedAt, rows, updateCount, pageCount, (flags & TRUNCATED) != 0,
                (flags & REUSED) != 0, resultId, requestId, error, tags);
    }

    /** The id a record starts with, without decoding the rest. */
    static String id(ByteBuffer in) {
        return text(in.duplicate());
    }

    static String text(ByteBuffer in) {
        long length = number(in);
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[(int) length - 1];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static long number(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = in.get();
            value |= (long) (next & 0x7f) << shift;
            if (next >= 0) {
                return value;
            }
        }
    }

    private static Instant instant(ByteBuffer in) {
        long seconds = number(in);
        if (seconds == 0) {
            return null;
        }
        return Instant.ofEpochSecond(seconds - 1, number(in));
    }

    /** Unsigned variable-length numbers (7 bits a byte), text as its length + 1 (0 for null) and UTF-8 bytes. */
    static final class Output extends ByteArrayOutputStream {

        Output() {
            super(128);
        }

        void number(long value) {
            long rest = value;
            while ((rest & ~0x7fL) != 0) {
                write((int) ((rest & 0x7f) | 0x80));
                rest >>>= 7;
            }
            write((int) rest);
        }

        void text(String value) {
            if (value == null) {
                number(0);
                return;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            number(bytes.length + 1L);
            write(bytes, 0, bytes.length);
        }

        /** Seconds + 1 (0 for null; statuses never predate 1970) and nanoseconds, so an instant reads back exactly. */
        void instant(Instant value) {
            if (value == null) {
                number(0);
                return;
            }
            number(value.getEpochSecond() + 1);
            number(value.getNano());
        }
    }
}
