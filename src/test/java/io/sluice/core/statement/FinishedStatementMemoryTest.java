package io.sluice.core.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A finished statement stays in the registry for a while (streaming history, status lookups), so it must not keep
 * what only a running one needs. Before, each held its engine statement and sat in the timer queue until its
 * timeout passed: under 32 clients of SELECT 1 the server kept ~100 MB of finished statements alive.
 */
class FinishedStatementMemoryTest {

    @Test
    void aCancelledTimeoutLeavesTheTimerQueueAtOnce() {
        ScheduledThreadPoolExecutor timers = StatementService.timerExecutor();
        try {
            ScheduledFuture<?> timer = timers.schedule(() -> { }, 1, TimeUnit.HOURS);
            assertThat(timers.getQueue()).hasSize(1);
            timer.cancel(false);
            assertThat(timers.getQueue()).isEmpty();
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void aFinishedStatementLetsGoOfItsEngineStatementButKeepsItsEngineName() throws InterruptedException {
        Statement statement = new Statement("s1", new Principal("owner", "owner", false), StatementRequest.of("SELECT 1"),
                Instant.now(), true);
        WeakReference<EngineStatement> engineStatement = attachEngineStatement(statement);
        statement.succeed(Instant.now(), 1, -1, 0, false, null);

        for (int attempt = 0; attempt < 50 && engineStatement.get() != null; attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(engineStatement.get()).isNull();
        assertThat(statement.engineName()).isEqualTo("test-engine");
    }

    private static WeakReference<EngineStatement> attachEngineStatement(Statement statement) {
        EngineStatement running = new EngineStatement() {
            @Override
            public EngineResult execute() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String engineName() {
                return "test-engine";
            }

            @Override
            public void cancel() {
            }

            @Override
            public void close() {
            }
        };
        statement.attach(running);
        return new WeakReference<>(running);
    }
}
