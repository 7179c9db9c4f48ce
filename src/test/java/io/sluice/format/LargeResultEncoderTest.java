package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million rows stream through each encoder into a sink that keeps nothing, so anything accumulating
 * would have to be inside the encoder; Arrow memory stays at one batch. No timing or heap size is
 * asserted (both are too noisy on a shared machine). PARQUET is left out: it spills to disk by design.
 */
class LargeResultEncoderTest {
    private static final int ROWS = 1_000_000;
    private static final String SQL = "SELECT i, 'name ' || i AS name, i * 0.5 AS half, i % 7 = 0 AS flag,"
            + " TIMESTAMP '2020-01-01' + to_microseconds(i) AS at FROM range(" + ROWS + ") t(i)";

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(value = ResultFormat.class, names = {"JSON", "NDJSON_ARRAY", "CSV", "ARROW"})
    void aMillionRowsStreamInBoundedMemory(ResultFormat format) {
        try (BufferAllocator allocator = new RootAllocator()) {
            CountingSink sink = new CountingSink();
            MemoryWatch watch;
            try (BatchStream stream = new MemoryWatch(DuckDbBatches.query(allocator, SQL, 8192, null,
                    java.util.List.of()), allocator)) {
                watch = (MemoryWatch) stream;
                long rows = ResultEncoder.encode(stream, format,
                        sink, FormatOptions.defaults().withAllocator(allocator).withTempDirectory(temp));
                assertThat(rows).isEqualTo(ROWS);
            }
            assertThat(sink.bytes).isGreaterThan(ROWS * 10L);
            // One batch of 8192 rows of these columns is well under 2 MB; a leak would reach hundreds.
            assertThat(watch.peakArrowBytes).isLessThan(8L * 1024 * 1024);
        }
    }

    /** Discards everything, counting bytes, so any accumulation would have to be inside the encoder. */
    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            bytes += length;
        }
    }

    /** Records the largest Arrow allocation seen between batches. */
    private static final class MemoryWatch implements BatchStream {
        private final BatchStream delegate;
        private final BufferAllocator allocator;
        long peakArrowBytes;

        MemoryWatch(BatchStream delegate, BufferAllocator allocator) {
            this.delegate = delegate;
            this.allocator = allocator;
        }

        @Override
        public ResultSchema schema() {
            return delegate.schema();
        }

        @Override
        public boolean next() {
            boolean more = delegate.next();
            peakArrowBytes = Math.max(peakArrowBytes, allocator.getAllocatedMemory());
            return more;
        }

        @Override
        public VectorSchemaRoot root() {
            return delegate.root();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
