package io.sluice.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DelayedFlushTest {

    /** Counts flushes; what a connection's output would push to the server. */
    private static final class CountingStream extends OutputStream {
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void write(int b) {
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }
    }

    private static void awaitFlushes(CountingStream out, int expected) throws InterruptedException {
        for (int attempt = 0; attempt < 500 && out.flushes.get() < expected; attempt++) {
            Thread.sleep(2);
        }
    }

    @Test
    void aSlowNextBatchFlushesWhatWasBufferedOnceAndAQuickOneNever() throws Exception {
        DelayedFlush timer = new DelayedFlush(Duration.ofMillis(1));
        CountingStream out = new CountingStream();
        try (DelayedFlush.Slot slot = timer.slot(out)) {
            for (int quick = 0; quick < 1_000; quick++) {
                slot.arm();
                slot.disarm();
            }
            Thread.sleep(20);
            assertThat(out.flushes).as("batches that came in time").hasValue(0);

            slot.arm();
            awaitFlushes(out, 1);
            Thread.sleep(20);
            assertThat(out.flushes).as("one flush per slow batch, not one per tick").hasValue(1);
            slot.disarm();
        }
    }

    @Test
    void aTimerThatWentQuietWakesForTheNextSlowBatch() throws Exception {
        DelayedFlush timer = new DelayedFlush(Duration.ofMillis(1));
        CountingStream out = new CountingStream();
        try (DelayedFlush.Slot slot = timer.slot(out)) {
            // Longer than the idle ticks (1,000 × 1 ms): the ticking thread has gone to sleep.
            Thread.sleep(1_500);
            slot.arm();
            awaitFlushes(out, 1);
            assertThat(out.flushes).hasValue(1);
            slot.disarm();
        }
    }
}
