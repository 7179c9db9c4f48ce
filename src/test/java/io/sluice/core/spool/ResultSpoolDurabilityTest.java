package io.sluice.core.spool;

import static io.sluice.core.spool.SpoolTestData.expectedRows;
import static io.sluice.core.spool.SpoolTestData.readRendered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolDurabilityTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private BufferAllocator allocator;
    private final SpoolTestData.ManualClock clock = new SpoolTestData.ManualClock(START);

    @BeforeEach
    void openAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    @Test
    void aFinishedResultSurvivesARestart() {
        SpoolConfig config = SpoolConfig.defaults(directory).withPageRows(1000);
        ResultSpool first = new ResultSpool(config, allocator, clock);
        SpooledResult written = spool(first, "r1", 3500);

        ResultSpool second = new ResultSpool(config, allocator, clock);

        assertThat(second.find("r1")).contains(written);
        assertThat(second.bytesInUse()).isEqualTo(first.bytesInUse());
        try (BatchStream stream = second.readAll("r1")) {
            assertThat(stream.schema()).isEqualTo(SpoolTestData.SCHEMA);
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 3500));
        }
        try (BatchStream stream = second.readPage("r1", 3)) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 3000, 500));
        }
    }

    @Test
    void aResultKilledMidWriteIsAbsentAfterRestartAndItsFilesAreRemoved() throws Exception {
        Process writer = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                SpoolCrashingWriter.class.getName(), directory.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.equals(SpoolCrashingWriter.READY));
            assertThat(line).as("the writer process reached the middle of its write").isNotNull();
        } finally {
            writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(directory.resolve("crashed").resolve(SpoolFiles.pageFileName(1))).exists();

        ResultSpool restarted = new ResultSpool(SpoolConfig.defaults(directory), allocator);

        assertThat(restarted.find("crashed")).isEmpty();
        assertThat(directory.resolve("crashed")).doesNotExist();
        assertThatThrownBy(() -> restarted.readAll("crashed")).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(restarted.bytesInUse()).isEqualTo(directorySize(directory.resolve("done")));
        try (BatchStream stream = restarted.readAll("done")) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 1500));
        }
    }

    @Test
    void leftoversOfAnInterruptedFinishOrDeleteAreRemovedOnStart() throws Exception {
        // About result directories, so the small result is written as one too rather than among the small results.
        SpoolConfig config = SpoolConfig.defaults(directory).withSmallResultBytes(0);
        spool(new ResultSpool(config, allocator, clock), "r1", 10);
        // A crash between writing the temporary manifest and renaming it: the result is not complete.
        Path unfinished = Files.createDirectory(directory.resolve("r2"));
        Files.writeString(unfinished.resolve(SpoolFiles.MANIFEST_TEMPORARY_NAME), "format=1\n");
        Files.write(unfinished.resolve(SpoolFiles.pageFileName(0)), new byte[100]);
        // A crash in the middle of deleting a result.
        Path deleting = Files.createDirectory(directory.resolve("r3" + SpoolFiles.DELETING_MARKER + "x"));
        Files.write(deleting.resolve(SpoolFiles.pageFileName(0)), new byte[100]);

        ResultSpool restarted = new ResultSpool(config, allocator, clock);

        assertThat(restarted.find("r2")).isEmpty();
        try (Stream<Path> entries = Files.list(directory)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactly("r1");
        }
        assertThat(restarted.bytesInUse()).isEqualTo(directorySize(directory.resolve("r1")));
    }

    @Test
    void anExpiredResultIsRefusedAndPurged() throws Exception {
        // Results in directories (small results expire the same way: SmallResultsTest).
        ResultSpool spool = new ResultSpool(
                SpoolConfig.defaults(directory).withRetention(Duration.ofHours(1)).withSmallResultBytes(0), allocator, clock);
        SpooledResult result = spool(spool, "r1", 100);
        clock.set(START.plusSeconds(600));
        spool(spool, "r2", 100);
        assertThat(result.createdAt()).isEqualTo(START);
        assertThat(result.expiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));

        clock.set(START.plus(Duration.ofMinutes(59)));
        try (BatchStream stream = spool.readPage("r1", 0)) {
            assertThat(readRendered(stream)).hasSize(100);
        }

        clock.set(START.plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> spool.readAll("r1")).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_EXPIRED));
        assertThat(spool.find("r1")).hasValueSatisfying(found -> assertThat(found.isExpired(clock.instant())).isTrue());

        assertThat(spool.purgeExpired(START.plus(Duration.ofMinutes(30)))).isZero();
        assertThat(spool.purgeExpired(START.plus(Duration.ofHours(1)))).isEqualTo(1);

        assertThat(spool.find("r1")).isEmpty();
        assertThat(directory.resolve("r1")).doesNotExist();
        assertThat(spool.find("r2")).isPresent();
        assertThat(spool.bytesInUse()).isEqualTo(directorySize(directory.resolve("r2")));
        assertThat(spool.purgeExpired(START.plus(Duration.ofHours(2)))).isEqualTo(1);
        assertThat(spool.bytesInUse()).isZero();
    }

    @Test
    void exceedingTheQuotaMidWriteDiscardsThatResultOnly() throws Exception {
        SpoolConfig config = SpoolConfig.defaults(directory).withPageRows(1000).withQuotaBytes(1024 * 1024);
        ResultSpool spool = new ResultSpool(config, allocator, clock);
        spool(spool, "kept", 1000);
        long usedBefore = spool.bytesInUse();

        SpoolWriter writer = spool.create("big", SpoolTestData.SCHEMA);
        assertThatThrownBy(() -> {
            for (long row = 0; row < 1_000_000; row += 2000) {
                try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, row, 2000)) {
                    writer.append(batch);
                }
            }
        }).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SPOOL_QUOTA_EXCEEDED));

        assertThat(directory.resolve("big")).doesNotExist();
        assertThat(spool.find("big")).isEmpty();
        assertThat(spool.bytesInUse()).isEqualTo(usedBefore);
        assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
        writer.close();
        try (BatchStream stream = spool.readAll("kept")) {
            assertThat(readRendered(stream)).isEqualTo(expectedRows(allocator, 0, 1000));
        }
        // The space is really given back: the same id can be written again once it fits.
        spool(spool, "big", 10);
    }

    private SpooledResult spool(ResultSpool spool, String resultId, int rows) {
        try (SpoolWriter writer = spool.create(resultId, SpoolTestData.SCHEMA);
             VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, rows)) {
            writer.append(batch);
            return writer.finish();
        }
    }

    private static long directorySize(Path resultDirectory) throws Exception {
        try (Stream<Path> files = Files.list(resultDirectory)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
