package io.sluice.core.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadBatchStreamTest {

    private static final ResultSchema SCHEMA = new ResultSchema(List.of(new Column("n", SqlType.BIGINT, false)));

    private final BufferAllocator allocator = new RootAllocator();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger readersStarted = new AtomicInteger();

    @AfterEach
    void close() {
        executor.shutdownNow();
        allocator.close(); // fails the test when any batch was left unreleased
    }

    /** Batches of {@code rowsPerBatch} consecutive numbers from 0; fails at batch {@code failAt} when that is >= 0. */
    private final class Counting implements BatchStream {
        private final VectorSchemaRoot root;
        private final int batches;
        private final int rowsPerBatch;
        private final int failAt;
        private int produced;
        volatile boolean closed;

        Counting(int batches, int rowsPerBatch, int failAt) {
            this.root = VectorSchemaRoot.of(new BigIntVector("n", allocator));
            this.batches = batches;
            this.rowsPerBatch = rowsPerBatch;
            this.failAt = failAt;
        }

        @Override
        public ResultSchema schema() {
            return SCHEMA;
        }

        @Override
        public boolean next() {
            if (produced == failAt) {
                throw new SluiceException(ErrorCode.SQL_ERROR, "batch " + produced + " failed");
            }
            if (produced == batches) {
                return false;
            }
            BigIntVector vector = (BigIntVector) root.getVector(0);
            vector.allocateNew(rowsPerBatch);
            for (int row = 0; row < rowsPerBatch; row++) {
                vector.set(row, (long) produced * rowsPerBatch + row);
            }
            vector.setValueCount(rowsPerBatch);
            root.setRowCount(rowsPerBatch);
            produced++;
            return true;
        }

        @Override
        public VectorSchemaRoot root() {
            return root;
        }

        @Override
        public void close() {
            closed = true;
            root.close();
        }
    }

    private ReadAheadBatchStream readAhead(BatchStream source, int slots) {
        return new ReadAheadBatchStream(source, allocator, task -> {
            readersStarted.incrementAndGet();
            executor.execute(task);
        }, new Semaphore(slots));
    }

    private static List<Long> readAll(BatchStream stream) {
        List<Long> values = new ArrayList<>();
        VectorSchemaRoot first = null;
        while (stream.next()) {
            VectorSchemaRoot root = stream.root();
            if (first == null) {
                first = root;
            }
            assertThat(root).isSameAs(first);
            BigIntVector vector = (BigIntVector) root.getVector(0);
            for (int row = 0; row < root.getRowCount(); row++) {
                values.add(vector.get(row));
            }
        }
        return values;
    }

    private static List<Long> numbers(int count) {
        List<Long> expected = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            expected.add(n);
        }
        return expected;
    }

    @Test
    void aLargeResultArrivesWholeAndInOrderThroughTheReader() {
        Counting source = new Counting(50, 100, -1);
        try (ReadAheadBatchStream stream = readAhead(source, 1)) {
            assertThat(readAll(stream)).isEqualTo(numbers(5_000));
            assertThat(stream.next()).isFalse();
        }
        assertThat(readersStarted).hasValue(1);
        assertThat(source.closed).isTrue();
    }

    @Test
    void aSmallResultIsReadOnTheCallersThread() {
        try (ReadAheadBatchStream stream = readAhead(new Counting(ReadAheadBatchStream.SERIAL_BATCHES, 10, -1), 1)) {
            assertThat(readAll(stream)).isEqualTo(numbers(ReadAheadBatchStream.SERIAL_BATCHES * 10));
        }
        assertThat(readersStarted).hasValue(0);
    }

    @Test
    void withoutAFreeSlotTheResultIsReadSerially() {
        try (ReadAheadBatchStream stream = readAhead(new Counting(20, 10, -1), 0)) {
            assertThat(readAll(stream)).isEqualTo(numbers(200));
        }
        assertThat(readersStarted).hasValue(0);
    }

    @Test
    void theReadersFailureReachesTheConsumerAfterTheBatchesBeforeIt() {
        try (ReadAheadBatchStream stream = readAhead(new Counting(20, 10, 7), 1)) {
            List<Long> values = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (stream.next()) {
                    BigIntVector vector = (BigIntVector) stream.root().getVector(0);
                    for (int row = 0; row < stream.root().getRowCount(); row++) {
                        values.add(vector.get(row));
                    }
                }
            }).isInstanceOf(SluiceException.class).hasMessageContaining("batch 7 failed");
            assertThat(values).isEqualTo(numbers(70));
        }
    }

    @Test
    void closingEarlyStopsTheReaderAndReleasesEveryBatch() {
        Counting source = new Counting(1_000, 100, -1);
        try (ReadAheadBatchStream stream = readAhead(source, 1)) {
            for (int batch = 0; batch < 5; batch++) {
                assertThat(stream.next()).isTrue();
            }
        }
        assertThat(source.closed).isTrue();
        assertThat(allocator.getAllocatedMemory()).isZero();
    }
}
