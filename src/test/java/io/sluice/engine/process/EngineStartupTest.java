package io.sluice.engine.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.engine.duckdb.DuckDbConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine process that cannot start says why, at once, instead of leaving a server without an engine. */
class EngineStartupTest {

    @TempDir
    Path data;

    private static ProcessSettings settings(long ceiling) {
        return ProcessSettings.forThisJvm(ceiling, Duration.ofSeconds(2), Duration.ofSeconds(30), false, false);
    }

    @Test
    void aJavaThatCannotRunIsAClearStartupError() {
        ProcessSettings own = settings(512L * 1024 * 1024);
        ProcessSettings broken = new ProcessSettings(own.ceilingBytes(), own.heapBytes(), own.cancelGrace(), own.startTimeout(),
                false, false, data.resolve("no-such-java").toString(), own.classPath(), own.jvmFlags());
        assertThatThrownBy(() -> new ProcessEngine(DuckDbConfig.defaults(data.resolve("engine")), broken))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(ErrorCode.ENGINE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("could not be started").contains("no-such-java");
                });
    }

    @Test
    void aDatabaseTheEngineCannotOpenIsAClearStartupErrorWithTheEnginesReason() throws Exception {
        Path engine = data.resolve("engine");
        Files.createDirectories(engine.resolve("sluice.duckdb")); // a directory where the database file should be
        assertThatThrownBy(() -> new ProcessEngine(DuckDbConfig.defaults(engine), settings(512L * 1024 * 1024)))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(ErrorCode.ENGINE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("stopped while starting").contains("could not be opened");
                });
    }

    @Test
    void spillFilesLeftByADeadEngineAreRemovedAtStart() throws Exception {
        Path spill = data.resolve("engine").resolve("duckdb-tmp");
        Files.createDirectories(spill.resolve("nested"));
        Files.writeString(spill.resolve("duckdb_temp_storage-0.tmp"), "left by an engine that was killed");
        Files.writeString(spill.resolve("nested").resolve("block"), "x");
        try (ProcessEngine engine = new ProcessEngine(DuckDbConfig.defaults(data.resolve("engine")), settings(512L * 1024 * 1024))) {
            assertThat(engine.status()).isEqualTo("UP");
            try (var left = Files.list(spill)) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    @Test
    void aCeilingTooSmallToOpenTheDatabaseIsRefused() {
        assertThatThrownBy(() -> settings(100L * 1024 * 1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engine.memoryLimit must be at least 256MB");
    }

    @Test
    void anEngineStartsAnswersAndStopsWithTheServer() throws Exception {
        long pid;
        try (ProcessEngine engine = new ProcessEngine(DuckDbConfig.defaults(data.resolve("engine")), settings(512L * 1024 * 1024))) {
            engine.executeTrusted("CREATE TABLE t AS SELECT 42 AS answer");
            assertThat(engine.resolveTable(List.of("t"))).contains("sluice.main.t");
            assertThat(engine.status()).isEqualTo("UP");
            pid = engine.enginePid();
            assertThat(ProcessHandle.of(pid)).isPresent();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
