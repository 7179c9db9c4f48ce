package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AuditRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's sluice.audit table keeps rows for the audit retention only. */
class DuckDbAuditTableRetentionTest {

    @TempDir
    Path directory;

    @Test
    void rowsOlderThanTheRetentionAreDeletedAndNewerOnesStay() throws Exception {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        try (EngineFixture fixture = new EngineFixture(directory)) {
            DuckDbAuditTable table = new DuckDbAuditTable(fixture.engine, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
            table.accept(record("s-old", now.minus(Duration.ofDays(31))));
            table.accept(record("s-recent", now.minus(Duration.ofDays(29))));
            table.close(); // writes what is pending
            assertThat(ids(fixture)).containsExactlyInAnyOrder("s-old", "s-recent");

            table.purgeExpired();

            assertThat(ids(fixture)).containsExactly("s-recent");
        }
    }

    private static List<String> ids(EngineFixture fixture) {
        return fixture.rows("SELECT statement_id FROM main.audit ORDER BY time").stream().map(row -> String.valueOf(row.get(0))).toList();
    }

    private static AuditRecord record(String statementId, Instant time) {
        return new AuditRecord(time, "admin", true, "127.0.0.1", "native", statementId, "00", "SELECT 1", List.of(),
                "SUCCEEDED", null, 1, 1, 10);
    }
}
