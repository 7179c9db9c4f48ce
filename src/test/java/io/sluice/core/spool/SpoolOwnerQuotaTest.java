package io.sluice.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's accounting per owner: quota, release on abort, delete and expiry, and recovery from manifests. */
class SpoolOwnerQuotaTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private BufferAllocator allocator;
    private SpoolTestData.ManualClock clock;
    private SpoolConfig config;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        clock = new SpoolTestData.ManualClock(START);
        config = SpoolConfig.defaults(directory).withPageRows(1000).withRetention(Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        allocator.close(); // throws if an aborted writer leaked memory
    }

    /** Writes {@code rows} rows for {@code owner}; returns what the finished result counts against it. */
    private long write(ResultSpool spool, String resultId, SpoolOwner owner, int rows) {
        long before = spool.bytesHeldBy(owner.principalId());
        try (SpoolWriter writer = spool.create(resultId, SpoolTestData.SCHEMA, owner);
             VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, rows)) {
            writer.append(batch);
            writer.finish();
        }
        return spool.bytesHeldBy(owner.principalId()) - before;
    }

    @Test
    void aResultPastItsOwnersQuotaFailsAndGivesItsPagesBackWhileOthersWrite() throws Exception {
        ResultSpool spool = new ResultSpool(config, allocator, clock);
        long one = write(spool, "s1", SpoolOwner.unlimited("sizer"), 3000);
        assertThat(one).isPositive();
        // Room for a bit more than one such result (ids of one length: the manifest holds the id).
        SpoolOwner alice = new SpoolOwner("alice", one + one / 2);
        assertThat(write(spool, "a1", alice, 3000)).isEqualTo(one);

        SpoolWriter second = spool.create("a2", SpoolTestData.SCHEMA, alice);
        try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 3000)) {
            assertThatThrownBy(() -> second.append(batch)).isInstanceOfSatisfying(SluiceException.class, e -> {
                assertThat(e.error().code()).isEqualTo(ErrorCode.SPOOL_QUOTA_EXCEEDED);
                assertThat(e.getMessage()).contains("principal alice");
            });
        }
        // The failed result left nothing: no directory, nothing counted against alice or the spool.
        assertThat(Files.exists(directory.resolve("a2"))).isFalse();
        assertThat(spool.bytesHeldBy("alice")).isEqualTo(one);
        assertThat(spool.find("a2")).isEmpty();
        // Bobby is not alice: the same result is fine for him (owner names of one length, like the ids).
        assertThat(write(spool, "b1", new SpoolOwner("bobby", one + one / 2), 3000)).isEqualTo(one);
        assertThat(spool.bytesInUse()).isEqualTo(3 * one);
    }

    @Test
    void deletingOrExpiringAResultGivesItsBytesBack() {
        ResultSpool spool = new ResultSpool(config, allocator, clock);
        SpoolOwner alice = SpoolOwner.unlimited("alice");
        long first = write(spool, "a1", alice, 2000);
        write(spool, "a2", alice, 2000);
        spool.delete("a1");
        assertThat(spool.bytesHeldBy("alice")).isEqualTo(first);
        // Past its retention a result no longer counts, before any purge removed it.
        clock.set(START.plus(Duration.ofHours(1)));
        assertThat(spool.bytesHeldBy("alice")).isZero();
        assertThat(spool.purgeExpired(clock.instant())).isEqualTo(1);
        assertThat(spool.bytesInUse()).isZero();
    }

    @Test
    void resultsFoundAtStartCountAgainstTheOwnerTheirManifestNames() throws Exception {
        long held;
        {
            ResultSpool spool = new ResultSpool(config, allocator, clock);
            held = write(spool, "a1", SpoolOwner.unlimited("alice"), 2500);
            write(spool, "other", SpoolOwner.unlimited("carol"), 10);
            spool.delete("other");
        }
        assertThat(Files.readString(directory.resolve("a1").resolve(SpoolFiles.MANIFEST_NAME))).contains("owner=alice");

        ResultSpool restarted = new ResultSpool(config, allocator, clock);
        assertThat(restarted.bytesHeldBy("alice")).isEqualTo(held);
        SpoolOwner tight = new SpoolOwner("alice", held + 1000);
        SpoolWriter more = restarted.create("a2", SpoolTestData.SCHEMA, tight);
        try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 2500)) {
            assertThatThrownBy(() -> more.append(batch)).isInstanceOf(SluiceException.class);
        }
        restarted.delete("a1");
        assertThat(restarted.bytesHeldBy("alice")).isZero();
    }
}
