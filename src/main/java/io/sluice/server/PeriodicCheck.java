package io.sluice.server;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A dependency asked on a thread of its own at a fixed period, so a readiness probe reads the last answer at once
 * and a dependency that hangs (a blackholed S3 endpoint) never holds a probe or anything else up.
 */
final class PeriodicCheck implements AutoCloseable {

    private final Supplier<Optional<String>> check;
    private final ScheduledExecutorService thread;
    private volatile Optional<String> problem;

    /** Asks once before returning, so the node's first readiness answer is already a real one. */
    PeriodicCheck(String name, Supplier<Optional<String>> check, Duration period) {
        this.check = check;
        this.problem = ask();
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name + "-check").daemon().factory());
        thread.scheduleWithFixedDelay(() -> problem = ask(), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Optional<String> ask() {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** What was wrong at the last check; empty when it answered. */
    Optional<String> problem() {
        return problem;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
