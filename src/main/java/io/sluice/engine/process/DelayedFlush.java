package io.sluice.engine.process;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Flushes a connection's buffered rows when DuckDB takes longer than the delay for its next batch, so rows
 * already produced reach the server while the engine works on.
 *
 * <p>Arming costs a clock read and a volatile write, nothing more. A scheduled executor woke its timer thread on
 * every arm and every cancel: two batches per small result made that four or five thread switches per statement,
 * a third of what the engine process spent on a {@code SELECT 1}. Here one thread ticks every delay while any
 * connection armed recently and sleeps without ticking once all have been quiet for a while; only the first arm
 * after such a sleep wakes it.
 */
final class DelayedFlush {

    /** Ticks without an armed slot before the thread stops ticking and waits to be woken. */
    private static final int IDLE_TICKS = 1_000;

    /** One connection's timer: armed while DuckDB works on the next batch. */
    final class Slot implements AutoCloseable {
        private final OutputStream out;
        /** When the current wait began (nanoTime), or 0 while disarmed. */
        private final AtomicLong armedAt = new AtomicLong();

        private Slot(OutputStream out) {
            this.out = out;
        }

        void arm() {
            armedAt.set(System.nanoTime() | 1);
            if (sleeping.get() && sleeping.compareAndSet(true, false)) {
                LockSupport.unpark(ticker);
            }
        }

        void disarm() {
            armedAt.set(0);
        }

        /** Flushes once per arm, when it has been armed for the delay; the flush blocks only its virtual thread. */
        private boolean tick(long now) {
            long since = armedAt.get();
            if (since == 0) {
                return false;
            }
            if (now - since >= delayNanos && armedAt.compareAndSet(since, 0)) {
                Thread.startVirtualThread(() -> {
                    try {
                        out.flush();
                    } catch (IOException e) {
                        // The connection is gone; its session notices on its next write.
                    }
                });
            }
            return true;
        }

        @Override
        public void close() {
            slots.remove(this);
        }
    }

    private final long delayNanos;
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread ticker;

    DelayedFlush(Duration delay) {
        this.delayNanos = delay.toNanos();
        this.ticker = Thread.ofPlatform().daemon().name("result-flusher").start(this::tick);
    }

    /** A timer for one connection's output; close it with the connection. */
    Slot slot(OutputStream out) {
        Slot slot = new Slot(out);
        slots.add(slot);
        return slot;
    }

    private void tick() {
        int quiet = 0;
        while (true) {
            if (quiet >= IDLE_TICKS) {
                sleeping.set(true);
                // An arm between the last tick and here finds sleeping set and unparks; the recheck catches the rest.
                if (!anyArmed()) {
                    LockSupport.park(this);
                }
                sleeping.set(false);
                quiet = 0;
            }
            LockSupport.parkNanos(this, delayNanos);
            long now = System.nanoTime();
            boolean armed = false;
            for (Slot slot : slots) {
                armed |= slot.tick(now);
            }
            quiet = armed ? 0 : quiet + 1;
        }
    }

    private boolean anyArmed() {
        for (Slot slot : slots) {
            if (slot.armedAt.get() != 0) {
                return true;
            }
        }
        return false;
    }
}
