package io.sluice.core.spool;

import static io.sluice.core.spool.SpoolTestData.expectedRows;
import static io.sluice.core.spool.SpoolTestData.readRendered;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolLoadTest {

    private static final int ROWS = 2_000_000;
    private static final int BATCH_ROWS = 4096;
    /** Far below the ~50 MB the result takes, so spooling it whole in memory would fail. */
    private static final long SPOOL_MEMORY_LIMIT = 24L * 1024 * 1024;

    @TempDir
    Path directory;

    @Test
    void twoMillionRowsAreSpooledAndReadWithBoundedMemory() {
        ResultSchema schema = new ResultSchema(List.of(
                new Column("id", SqlType.BIGINT, false), new Column("label", SqlType.VARCHAR, true)));
        Schema arrowSchema = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)), Field.nullable("label", ArrowType.Utf8.INSTANCE)));
        // Pages close on bytes (the 4 MiB default), not rows.
        SpoolConfig config = SpoolConfig.defaults(directory).withPageRows(Integer.MAX_VALUE);

        try (BufferAllocator producerAllocator = new RootAllocator();
             BufferAllocator spoolAllocator = new RootAllocator(SPOOL_MEMORY_LIMIT)) {
            ResultSpool spool = new ResultSpool(config, spoolAllocator);
            SpooledResult result;
            try (SpoolWriter writer = spool.create("big", schema);
                 VectorSchemaRoot batch = VectorSchemaRoot.create(arrowSchema, producerAllocator)) {
                for (int first = 0; first < ROWS; first += BATCH_ROWS) {
                    fill(batch, first, Math.min(BATCH_ROWS, ROWS - first));
                    writer.append(batch);
                }
                result = writer.finish();
            }

            assertThat(result.totalRows()).isEqualTo(ROWS);
            assertThat(result.pageCount()).isGreaterThan(5);
            assertThat(result.pages()).allSatisfy(
                    page -> assertThat(page.sizeBytes()).isLessThan(config.pageBytes() * 3 / 2));

            long rows = 0;
            long idSum = 0;
            try (BatchStream stream = spool.readAll("big")) {
                while (stream.next()) {
                    BigIntVector ids = (BigIntVector) stream.root().getVector(0);
                    VarCharVector labels = (VarCharVector) stream.root().getVector(1);
                    for (int i = 0; i < stream.root().getRowCount(); i++) {
                        long id = ids.get(i);
                        assertThat(id).isEqualTo(rows);
                        idSum += id;
                        rows++;
                        if (id % 997 == 0) {
                            assertThat(new String(labels.get(i), StandardCharsets.UTF_8)).isEqualTo(label(id));
                        }
                    }
                }
            }
            assertThat(rows).isEqualTo(ROWS);
            assertThat(idSum).isEqualTo((long) ROWS * (ROWS - 1) / 2);
            try (BatchStream stream = spool.readRows("big", ROWS - 10, 100)) {
                assertThat(readRendered(stream)).hasSize(10);
            }
            assertThat(spoolAllocator.getPeakMemoryAllocation()).isLessThan(SPOOL_MEMORY_LIMIT);
        }
    }

    @Test
    void manyThreadsReadTheSamePagesAtOnce() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            ResultSpool spool = new ResultSpool(SpoolConfig.defaults(directory).withPageRows(1000), allocator);
            try (SpoolWriter writer = spool.create("shared", SpoolTestData.SCHEMA);
                 VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 3000)) {
                writer.append(batch);
                writer.finish();
            }
            List<String> expected = expectedRows(allocator, 0, 3000);
            int threads = 8;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> outcomes = new ArrayList<>();
            try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    Callable<Boolean> reader = () -> {
                        start.await();
                        for (int round = 0; round < 10; round++) {
                            try (BatchStream page = spool.readPage("shared", 1)) {
                                assertThat(readRendered(page)).isEqualTo(expected.subList(1000, 2000));
                            }
                            try (BatchStream rows = spool.readRows("shared", 900, 1200)) {
                                assertThat(readRendered(rows)).isEqualTo(expected.subList(900, 2100));
                            }
                        }
                        return true;
                    };
                    outcomes.add(executor.submit(reader));
                }
                start.countDown();
                for (Future<Boolean> outcome : outcomes) {
                    assertThat(outcome.get()).isTrue();
                }
            }
        }
    }

    private static void fill(VectorSchemaRoot batch, long firstRow, int rowCount) {
        batch.allocateNew();
        BigIntVector ids = (BigIntVector) batch.getVector(0);
        VarCharVector labels = (VarCharVector) batch.getVector(1);
        for (int i = 0; i < rowCount; i++) {
            long id = firstRow + i;
            ids.setSafe(i, id);
            labels.setSafe(i, label(id).getBytes(StandardCharsets.UTF_8));
        }
        batch.setRowCount(rowCount);
    }

    private static String label(long id) {
        return "row-" + id;
    }
}
