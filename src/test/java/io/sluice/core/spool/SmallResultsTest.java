package io.sluice.core.spool;

import static io.sluice.core.spool.SpoolTestData.expectedRows;
import static io.sluice.core.spool.SpoolTestData.readRendered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small results of one node share segment files; the purge works from memory. */
class SmallResultsTest {

    /** Before the test machine's clock, so a file's own age says nothing about a result's expiry. */
    private static final Instant START = Instant.parse("2020-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private final SpoolTestData.ManualClock clock = new SpoolTestData.ManualClock(START);
    private BufferAllocator allocator;

    @BeforeEach
    void openAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    @Test
    void thousandsOfSmallResultsTakeAFewFilesAndAFewHundredBytesEach() throws Exception {
        ResultSpool spool = new ResultSpool(SpoolConfig.defaults(directory), allocator, clock);
        for (int i = 0; i < 2_000; i++) {
            spool(spool, "r" + i, 1, null);
        }
        try (Stream<Path> entries = Files.list(directory)) {
            // Before: a directory with a page file and a manifest for each (three 4 KB blocks, ~1 KB of bytes).
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactly(ResultSpool.SMALL_RESULTS_DIRECTORY);
        }
        long bytes = 0;
        try (Stream<Path> segments = Files.list(directory.resolve(ResultSpool.SMALL_RESULTS_DIRECTORY))) {
            for (Path segment : segments.toList()) {
                bytes += Files.size(segment);
            }
        }
        // Seven columns of varied types, nested ones too: about 0.8 KB a result (what a one-column row costs is in
        // BENCHMARKS.md, Footprint).
        assertThat(bytes / 2_000).isLessThan(1_000);
        assertThat(spool.bytesInUse()).isEqualTo(bytes);
        try (BatchStream stream = spool.readAll("r1999")) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 1));
        }
    }

    @Test
    void smallResultsAreReadLikeOthersAlsoAfterARestartAndCountAgainstTheirOwner() throws Exception {
        SpoolConfig config = SpoolConfig.defaults(directory).withPageRows(1000);
        ResultSpool first = new ResultSpool(config, allocator, clock);
        SpooledResult small = spool(first, "small", 40, new SpoolOwner("alice", Long.MAX_VALUE));
        SpooledResult empty = spool(first, "empty", 0, new SpoolOwner("alice", Long.MAX_VALUE));
        SpooledResult large = spool(first, "large", 2500, null);
        assertThat(directory.resolve("small")).doesNotExist();
        assertThat(directory.resolve("large")).isDirectory(); // more than one page: a directory as before
        assertThatThrownBy(() -> first.create("small", SpoolTestData.SCHEMA)).isInstanceOf(IllegalStateException.class);
        long held = first.bytesHeldBy("alice");
        assertThat(held).isPositive();

        ResultSpool second = new ResultSpool(config, allocator, clock);
        assertThat(second.find("small")).contains(small);
        assertThat(second.find("empty")).contains(empty);
        assertThat(second.find("large")).contains(large);
        assertThat(second.bytesInUse()).isEqualTo(first.bytesInUse());
        assertThat(second.bytesHeldBy("alice")).isEqualTo(held);
        try (BatchStream stream = second.readPage("small", 0)) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 40));
        }
        try (BatchStream stream = second.readRows("small", 10, 5)) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 10, 5));
        }
        try (BatchStream stream = second.readAll("empty")) {
            assertThat(stream.schema()).isEqualTo(SpoolTestData.SCHEMA);
            assertThat(stream.next()).isFalse();
        }
        assertThatThrownBy(() -> second.readPage("small", 1)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAGE_OUT_OF_RANGE));
    }

    @Test
    void thePurgeRemovesSmallResultsAndTheirSegmentsAndReadsNoManifest() throws Exception {
        SpoolConfig config = SpoolConfig.defaults(directory).withRetention(Duration.ofHours(1));
        ResultSpool spool = new ResultSpool(config, allocator, clock);
        for (int i = 0; i < 100; i++) {
            spool(spool, "s" + i, 3, new SpoolOwner("alice", Long.MAX_VALUE));
        }
        ResultSpool large = new ResultSpool(config.withSmallResultBytes(0), allocator, clock);
        spool(large, "big", 3, null);
        // The purge goes by the expiry recorded when the result finished: the manifest is not read again (a damaged
        // one was given its file's age, which here is years after the result's own expiry).
        Files.writeString(directory.resolve("big").resolve(SpoolFiles.MANIFEST_NAME), "damaged");
        assertThat(large.purgeExpired(START.plus(Duration.ofMinutes(59)))).isZero();
        assertThat(large.purgeExpired(START.plus(Duration.ofHours(1)))).isEqualTo(101);
        assertThat(directory.resolve("big")).doesNotExist();

        ResultSpool restarted = new ResultSpool(config, allocator, clock);
        assertThat(restarted.find("s0")).isEmpty();
        assertThat(restarted.bytesInUse()).isZero();
        assertThat(restarted.bytesHeldBy("alice")).isZero();
        assertThat(directory.resolve(ResultSpool.SMALL_RESULTS_DIRECTORY)).doesNotExist();
    }

    @Test
    void deletingSomeKeepsTheOthersReadable() {
        SpoolConfig config = SpoolConfig.defaults(directory);
        ResultSpool spool = new ResultSpool(config, allocator, clock);
        for (int i = 0; i < 10; i++) {
            spool(spool, "r" + i, 2, null);
        }
        for (int i = 0; i < 10; i += 2) {
            spool.delete("r" + i);
        }
        ResultSpool restarted = new ResultSpool(config, allocator, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(restarted.find("r" + i).isPresent()).isEqualTo(i % 2 == 1);
        }
        assertThat(restarted.bytesInUse()).isEqualTo(spool.bytesInUse());
        try (BatchStream stream = restarted.readAll("r9")) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 2));
        }
    }

    private SpooledResult spool(ResultSpool spool, String resultId, int rows, SpoolOwner owner) {
        try (SpoolWriter writer = spool.create(resultId, SpoolTestData.SCHEMA, owner)) {
            if (rows > 0) {
                try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, rows)) {
                    writer.append(batch);
                }
            }
            return writer.finish();
        }
    }
}
