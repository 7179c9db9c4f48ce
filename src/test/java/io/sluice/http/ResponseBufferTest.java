package io.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseBufferTest {

    /** Counts what reaches the servlet stream and how often it is flushed. */
    private static final class Sink extends ByteArrayOutputStream {
        int writes;
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void startsSmallAndGrowsToItsLimitOnlyAsBytesPass() throws IOException {
        Sink sink = new Sink();
        ResponseBuffer buffer = new ResponseBuffer(sink, 64 * 1024);
        buffer.write("[{\"1\":1}]".getBytes());
        assertThat(buffer.capacity()).isEqualTo(ResponseBuffer.FIRST_BYTES);
        assertThat(sink.writes).isZero();

        buffer.write(new byte[100 * 1024 - 10]);
        buffer.write(new byte[30 * 1024]);
        buffer.write(new byte[30 * 1024]);
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
    }

    @Test
    void flushHandsBytesOnWithoutFlushingTheResponseAndFlushResponseDoes() throws IOException {
        Sink sink = new Sink();
        ResponseBuffer buffer = new ResponseBuffer(sink, 64 * 1024);
        buffer.write('x');
        buffer.flush();
        assertThat(sink.toByteArray()).containsExactly('x');
        assertThat(sink.flushes).isZero();
        buffer.write('y');
        buffer.flushResponse();
        assertThat(sink.toString()).isEqualTo("xy");
        assertThat(sink.flushes).isEqualTo(1);
    }

    @Test
    void bytesArriveWholeAndInOrderWhateverTheWriteSizes() throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Sink sink = new Sink();
        ResponseBuffer buffer = new ResponseBuffer(sink, 16 * 1024);
        for (int i = 0; i < 2_000; i++) {
            byte[] chunk = new byte[random.nextInt(i % 50 == 0 ? 40_000 : 3_000)];
            random.nextBytes(chunk);
            if (chunk.length == 1) {
                buffer.write(chunk[0]);
            } else {
                buffer.write(chunk, 0, chunk.length);
            }
            expected.write(chunk, 0, chunk.length);
        }
        buffer.flush();
        assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
        // Coalesced: far fewer writes reach the servlet stream than were made.
        assertThat(sink.writes).isLessThan(500);
    }
}
