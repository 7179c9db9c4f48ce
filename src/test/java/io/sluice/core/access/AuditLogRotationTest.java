package io.sluice.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log rotates, compresses what it rotated, and keeps rotated files for its retention only. */
class AuditLogRotationTest {

    @TempDir
    Path directory;

    @Test
    void fullFilesAreRotatedAndCompressedWithoutLosingALine() throws Exception {
        Path file = directory.resolve("audit.log");
        List<String> written = new ArrayList<>();
        try (AuditLog audit = new AuditLog(file, new AuditLog.Retention(64 * 1024, Duration.ofDays(1)), Clock.systemUTC())) {
            for (int i = 0; i < 3_000; i++) {
                AuditRecord record = record(i);
                written.add(record.toJson());
                audit.write(record);
            }
        }
        List<Path> rotated = files("audit-");
        assertThat(rotated).isNotEmpty().allMatch(path -> path.getFileName().toString().endsWith(".log.gz"));
        assertThat(Files.size(file)).isLessThan(64 * 1024 + 1_000);

        List<String> read = new ArrayList<>();
        long onDisk = Files.size(file);
        for (Path gz : rotated) {
            onDisk += Files.size(gz);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
                reader.lines().forEach(read::add);
            }
        }
        read.addAll(Files.readAllLines(file));
        assertThat(read).isEqualTo(written);
        long raw = written.stream().mapToLong(line -> line.length() + 1).sum();
        // Before, every line stayed as it was: ~350 bytes for a small statement's line.
        assertThat(onDisk).isLessThan(raw / 4);
    }

    @Test
    void rotatedFilesPastTheRetentionAreRemovedAndTheCurrentOneStays() throws Exception {
        Path file = directory.resolve("audit.log");
        AuditLog.Retention retention = new AuditLog.Retention(16 * 1024, Duration.ofDays(30));
        try (AuditLog audit = new AuditLog(file, retention, Clock.systemUTC())) {
            for (int i = 0; i < 500; i++) {
                audit.write(record(i));
            }
        }
        assertThat(files("audit-")).isNotEmpty();
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC);
        try (AuditLog audit = new AuditLog(file, retention, later)) {
            audit.write(record(500));
        }
        assertThat(files("audit-")).isEmpty();
        assertThat(Files.readAllLines(file)).last().asString().contains(String.format("s%032d", 500));
    }

    @Test
    void aRotatedFileACrashLeftUncompressedIsCompressedAtStart() throws Exception {
        Path file = directory.resolve("audit.log");
        Path leftover = directory.resolve("audit-20260101T000000.000Z.log");
        Files.writeString(leftover, record(1).toJson() + "\n");
        new AuditLog(file, AuditLog.Retention.DEFAULT, Clock.systemUTC()).close();
        assertThat(files("audit-")).singleElement()
                .satisfies(path -> assertThat(path.getFileName().toString()).isEqualTo("audit-20260101T000000.000Z.log.gz"));
    }

    private List<Path> files(String prefix) throws Exception {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(path -> path.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static AuditRecord record(int i) {
        return new AuditRecord(Instant.parse("2026-12-07T10:00:00Z").plusMillis(i), "admin", true, "127.0.0.1", "native",
                String.format("s%032d", i), "c3b9b519cbdd6e6936318bc24556cc9b7e8a8d118584fa470b98b5869285a031",
                "SELECT 1 AS x", List.of(), "SUCCEEDED", null, 1, 2, 120);
    }
}
