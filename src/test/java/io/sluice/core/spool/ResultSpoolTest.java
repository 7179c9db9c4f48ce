package io.sluice.core.spool;

import static io.sluice.core.spool.SpoolTestData.expectedRows;
import static io.sluice.core.spool.SpoolTestData.readRendered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {

    /** Batch sizes chosen to straddle the 1,000-row page boundary in every way: inside, across, exactly on. */
    private static final int[] BATCH_SIZES = {700, 1500, 1, 0, 2300, 499};
    private static final int TOTAL_ROWS = 5000;

    @TempDir
    Path directory;

    private BufferAllocator allocator;
    private ResultSpool spool;

    @BeforeEach
    void openSpool() {
        allocator = new RootAllocator();
        spool = new ResultSpool(SpoolConfig.defaults(directory).withPageRows(1000), allocator);
    }

    @AfterEach
    void closeAllocator() {
        allocator.close(); // throws if any writer or reader leaked memory
    }

    @Test
    void writesPagesOfTheConfiguredSizeAndReadsEveryPageBack() {
        SpooledResult result = spoolVariedResult("r1");

        assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
        assertThat(result.pages()).extracting(PageInfo::firstRow).containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
        assertThat(result.pages()).extracting(PageInfo::rowCount).containsOnly(1000L);
        assertThat(result.totalBytes()).isEqualTo(result.pages().stream().mapToLong(PageInfo::sizeBytes).sum());
        assertThat(spool.find("r1")).contains(result);

        List<String> expected = expectedRows(allocator, 0, TOTAL_ROWS);
        for (PageInfo page : result.pages()) {
            try (BatchStream stream = spool.readPage("r1", page.index())) {
                assertThat(stream.schema()).isEqualTo(SpoolTestData.SCHEMA);
                assertThat(readRendered(stream)).isEqualTo(
                        expected.subList((int) page.firstRow(), (int) page.endRow()));
            }
        }
    }

    @Test
    void readAllReturnsEveryRowWithValuesAndNullsIntact() {
        spoolVariedResult("r1");

        try (BatchStream stream = spool.readAll("r1")) {
            assertThat(stream.schema().column(1).name()).isEqualTo(SpoolTestData.AWKWARD_NAME);
            assertThat(stream.next()).isTrue();
            VectorSchemaRoot root = stream.root();
            assertThat(root.getVector(0).getObject(3)).isEqualTo(3L);
            assertThat(root.getVector(1).isNull(7)).isTrue();
            assertThat(root.getVector(1).getObject(3).toString()).isEqualTo("name-3 é€😀");
            assertThat(((ListVector) root.getVector(5)).getObject(3)).isEqualTo(List.of(3, 4, 5));
            assertThat(root.getVector(5).isNull(11)).isTrue();
            assertThat(((StructVector) root.getVector(6)).isNull(13)).isTrue();
        }
        try (BatchStream stream = spool.readAll("r1")) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, TOTAL_ROWS));
        }
    }

    @Test
    void readRowsSpansPageBoundaries() {
        spoolVariedResult("r1");
        List<String> expected = expectedRows(allocator, 0, TOTAL_ROWS);

        assertThat(rows("r1", 950, 1100)).isEqualTo(expected.subList(950, 2050));
        assertThat(rows("r1", 1000, 1000)).isEqualTo(expected.subList(1000, 2000));
        assertThat(rows("r1", 0, Long.MAX_VALUE)).isEqualTo(expected);
        assertThat(rows("r1", 4990, 100)).isEqualTo(expected.subList(4990, 5000));
        assertThat(rows("r1", 1234, 1)).isEqualTo(expected.subList(1234, 1235));
        assertThat(rows("r1", 5000, 10)).isEmpty();
        assertThat(rows("r1", 1_000_000, 10)).isEmpty();
        assertThat(rows("r1", 10, 0)).isEmpty();
    }

    @Test
    void readRowsOpensOnlyThePagesItNeeds() throws Exception {
        spoolVariedResult("r1");
        // With the first and last pages gone, reading from the middle must still work.
        Files.delete(directory.resolve("r1").resolve(SpoolFiles.pageFileName(0)));
        Files.delete(directory.resolve("r1").resolve(SpoolFiles.pageFileName(4)));

        assertThat(rows("r1", 1500, 2000)).isEqualTo(expectedRows(allocator, 1500, 2000));
        try (BatchStream stream = spool.readAll("r1")) {
            assertThatThrownBy(stream::next).isInstanceOf(SluiceException.class);
        }
    }

    @Test
    void rejectsNegativeOffsetOrLimit() {
        spoolVariedResult("r1");

        assertThatThrownBy(() -> spool.readRows("r1", -1, 10))
                .isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
        assertThatThrownBy(() -> spool.readRows("r1", 0, -1))
                .isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
    }

    @Test
    void reportsPagesOutOfRangeAndUnknownResults() {
        spoolVariedResult("r1");

        assertThatThrownBy(() -> spool.readPage("r1", 5)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAGE_OUT_OF_RANGE));
        assertThatThrownBy(() -> spool.readPage("r1", -1)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAGE_OUT_OF_RANGE));
        assertThatThrownBy(() -> spool.readAll("nope")).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> spool.readPage("../r1", 0)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(spool.find("nope")).isEmpty();
    }

    @Test
    void anEmptyResultHasNoPagesButTypedVectors() {
        ResultSchema schema = new ResultSchema(List.of(new Column("a", SqlType.BIGINT, true),
                new Column("m", new SqlType.MapOf(SqlType.VARCHAR, SqlType.INTEGER), true)));
        SpooledResult result;
        try (SpoolWriter writer = spool.create("empty", schema)) {
            result = writer.finish();
        }

        assertThat(result.pages()).isEmpty();
        assertThat(result.totalRows()).isZero();
        try (BatchStream stream = spool.readAll("empty")) {
            assertThat(stream.schema()).isEqualTo(schema);
            assertThat(stream.root().getFieldVectors()).hasSize(2);
            assertThat(stream.next()).isFalse();
        }
        assertThatThrownBy(() -> spool.readPage("empty", 0)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAGE_OUT_OF_RANGE));
    }

    @Test
    void incompleteResultsAreInvisibleAndAbortRemovesThem() {
        try (SpoolWriter writer = spool.create("r1", SpoolTestData.SCHEMA);
             VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 2500)) {
            writer.append(batch);
            assertThat(directory.resolve("r1").resolve(SpoolFiles.pageFileName(1))).exists();
            assertThat(spool.find("r1")).isEmpty();
            assertThat(spool.bytesInUse()).isPositive();
            writer.abort();
            assertThatThrownBy(() -> writer.append(batch)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(directory.resolve("r1")).doesNotExist();
        assertThat(spool.bytesInUse()).isZero();
    }

    @Test
    void refusesToCreateAResultTwiceOrWithAnUnsafeId() {
        spoolVariedResult("r1");

        assertThatThrownBy(() -> spool.create("r1", SpoolTestData.SCHEMA)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> spool.create("../x", SpoolTestData.SCHEMA))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteRemovesTheResultAndGivesItsBytesBack() throws Exception {
        spoolVariedResult("r1");
        assertThat(spool.bytesInUse()).isPositive();

        spool.delete("r1");
        spool.delete("r1");

        assertThat(spool.find("r1")).isEmpty();
        assertThat(spool.bytesInUse()).isZero();
        try (Stream<Path> entries = Files.list(directory)) {
            assertThat(entries).isEmpty();
        }
    }

    private List<String> rows(String resultId, long offset, long limit) {
        try (BatchStream stream = spool.readRows(resultId, offset, limit)) {
            return readRendered(stream);
        }
    }

    private SpooledResult spoolVariedResult(String resultId) {
        try (SpoolWriter writer = spool.create(resultId, SpoolTestData.SCHEMA)) {
            long row = 0;
            for (int size : BATCH_SIZES) {
                try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, row, size)) {
                    writer.append(batch);
                }
                row += size;
            }
            return writer.finish();
        }
    }
}
