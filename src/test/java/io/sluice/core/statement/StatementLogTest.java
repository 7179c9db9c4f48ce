package io.sluice.core.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's statement statuses in one append-only log: size, restart, retention with compaction, crashes. */
class StatementLogTest {

    @TempDir
    Path directory;

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123456789Z");

    @Test
    void smallStatementsCostAFewHundredBytesEachInAFewFiles() throws IOException {
        try (StatementRepository log = StatementRepository.local(directory)) {
            for (int i = 0; i < 2_000; i++) {
                StatementStatus queued = queued(i);
                log.save(queued, false); // what the service writes at submit ...
                log.save(succeeded(queued), false); // ... and at the end of a small result
            }
        }
        long bytes;
        long files;
        try (Stream<Path> entries = Files.list(directory)) {
            List<Path> all = entries.toList();
            files = all.size();
            bytes = 0;
            for (Path file : all) {
                bytes += Files.size(file);
            }
        }
        // A status file each was about 440 bytes, in a 4 KB block of its own.
        assertThat(files).isLessThanOrEqualTo(2);
        assertThat(bytes / 2_000).isLessThan(250);
    }

    @Test
    void aRestartReadsEveryStatusBackExactly() {
        StatementStatus failed = new StatementStatus("s2", "bob", "snowflake", "SELECT nope", StatementState.FAILED, T0,
                T0.plusMillis(1), T0.plusSeconds(2), 0, -1, 0, false, false, "s2", "request-7",
                new SluiceError(ErrorCode.SQL_ERROR, "no such column: nope", "42703", new SluiceError.Position(1, 8)),
                Map.of("snowflake.DATE_OUTPUT_FORMAT", "DD.MM.YYYY \"at\" HH24", "a=b", "line\nbreak ü"));
        StatementStatus reused = new StatementStatus("s3", "alice", "native", "SELECT 1", StatementState.SUCCEEDED, T0,
                T0, T0, 1, -1, 1, true, true, "s1", null, null, Map.of());
        StatementStatus update = new StatementStatus("s4", "alice", "druid", "INSERT INTO t VALUES (1)",
                StatementState.SUCCEEDED, T0, T0, T0, 0, 1, 0, false, false, "s4", null, null, Map.of());
        try (StatementRepository log = StatementRepository.local(directory)) {
            log.save(queued(1), false);
            log.save(failed, true);
            log.save(reused, true);
            log.save(update, true);
        }
        try (StatementRepository restarted = StatementRepository.local(directory)) {
            assertThat(restarted.loadAll()).containsExactlyInAnyOrder(queued(1), failed, reused, update);
        }
    }

    @Test
    void retentionDeletesAreKeptAndCompactionGivesTheSpaceBack() throws IOException {
        StatementLog log = new StatementLog(directory, 16 * 1024, false);
        List<StatementStatus> kept = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            StatementStatus queued = queued(i);
            log.save(queued, false);
            StatementStatus end = succeeded(queued);
            log.save(end, false);
            if (i % 100 == 0) {
                kept.add(end);
            }
        }
        long full = log.bytesOnDisk();
        for (int i = 0; i < 3_000; i++) {
            if (i % 100 != 0) {
                log.delete(queued(i).id()); // what the retention purge does
            }
        }
        int removed = 0;
        while (log.compactOnce()) {
            removed++;
        }
        assertThat(removed).isPositive();
        assertThat(log.bytesOnDisk()).isLessThan(full / 10);
        log.close();
        try (StatementRepository restarted = StatementRepository.local(directory)) {
            assertThat(restarted.loadAll()).containsExactlyInAnyOrderElementsOf(kept);
        }
    }

    @Test
    void sealedSegmentsAreCompressedAndReadBackAfterARestart() {
        StatementLog log = new StatementLog(directory, 16 * 1024, false);
        List<StatementStatus> ends = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            StatementStatus queued = queued(i);
            log.save(queued, false);
            StatementStatus end = succeeded(queued);
            log.save(end, false);
            ends.add(end);
        }
        long plain = log.bytesOnDisk();
        log.compressSealed();
        assertThat(log.bytesOnDisk()).isLessThan(plain / 2);
        log.close();
        try (StatementRepository restarted = StatementRepository.local(directory)) {
            assertThat(restarted.loadAll()).containsExactlyInAnyOrderElementsOf(ends);
        }
    }

    @Test
    void aRecordTornByACrashEndsItsSegmentAndTheRestIsRead() throws IOException {
        StatementStatus end = succeeded(queued(1));
        try (StatementRepository log = StatementRepository.local(directory)) {
            log.save(end, true);
        }
        Path segment;
        try (Stream<Path> files = Files.list(directory)) {
            segment = files.findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(segment);
        // Half of a second record, as a kill -9 in the middle of a write could leave it.
        Files.write(segment, java.util.Arrays.copyOf(whole, whole.length / 2), StandardOpenOption.APPEND);
        try (StatementRepository restarted = StatementRepository.local(directory)) {
            assertThat(restarted.loadAll()).containsExactly(end);
            StatementStatus next = succeeded(queued(2));
            restarted.save(next, true);
            assertThat(restarted.loadAll()).containsExactlyInAnyOrder(end, next);
        }
    }

    @Test
    void statusFilesOfEarlierVersionsMoveIntoTheLog() throws IOException {
        StatementStatus old = succeeded(queued(9));
        new StatementStore(directory).save(old, true);
        try (StatementRepository log = StatementRepository.local(directory)) {
            assertThat(log.loadAll()).containsExactly(old);
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.endsWith(".properties"));
        }
        try (StatementRepository again = StatementRepository.local(directory)) {
            assertThat(again.loadAll()).containsExactly(old);
        }
    }

    private static StatementStatus queued(int i) {
        return new StatementStatus(String.format("s%032x", i), "admin", "native", "SELECT 1 AS x",
                StatementState.QUEUED, T0.plusMillis(i), null, null, 0, -1, 0, false, false,
                String.format("s%032x", i), null, null, Map.of());
    }

    private static StatementStatus succeeded(StatementStatus queued) {
        return new StatementStatus(queued.id(), queued.ownerId(), queued.protocol(), queued.sql(),
                StatementState.SUCCEEDED, queued.createdAt(), queued.createdAt().plusNanos(300_001),
                queued.createdAt().plusMillis(2), 1, -1, 1, false, false, queued.resultId(), null, null, Map.of());
    }
}
