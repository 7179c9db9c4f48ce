package io.sluice.core.statement;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.function.BooleanSupplier;

/**
 * A fixed number of running slots and a bounded queue in front of them. Past the queue, work is refused
 * at once with BUSY rather than piling up: a client can retry later, a server out of memory cannot.
 */
final class AdmissionControl {

    private final int maxRunning;
    private final int maxQueued;
    private int running;
    private int queued;

    AdmissionControl(int maxRunning, int maxQueued) {
        if (maxRunning < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("maxRunning >= 1 and maxQueued >= 0");
        }
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
    }

    /** Takes a place in the queue, or refuses with BUSY when the queue is full. */
    synchronized void enqueue() {
        if (running + queued >= maxRunning + maxQueued) {
            throw new SluiceException(ErrorCode.BUSY,
                    "Sluice is busy: " + running + " statements running and " + queued + " queued; retry later");
        }
        queued++;
    }

    /**
     * Waits for a running slot. Returns false without a slot when {@code abandoned} turns true (cancel,
     * timeout), in which case the queue place is given up too.
     */
    synchronized boolean awaitSlot(BooleanSupplier abandoned) throws InterruptedException {
        try {
            while (running >= maxRunning) {
                if (abandoned.getAsBoolean()) {
                    return false;
                }
                wait(100);
            }
            if (abandoned.getAsBoolean()) {
                return false;
            }
            running++;
            return true;
        } finally {
            queued--;
        }
    }

    /** Gives up a queue place taken by {@link #enqueue} for a statement that never waited for a slot. */
    synchronized void leaveQueue() {
        queued--;
        notifyAll();
    }

    synchronized void release() {
        running--;
        notifyAll();
    }

    /** Wakes waiters so they notice cancellation promptly. */
    synchronized void wakeUp() {
        notifyAll();
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queued;
    }
}
