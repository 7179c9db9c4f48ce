package io.sluice.core.statement;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster, streaming statements (untagged ones: tagged ones are saved at once, see StatementService) are
 * written to the shared repository behind their run, so any node lists them and cancels a running one through the
 * repository's cancel requests, which the running node polls.
 *
 * <p>Writing each state as it happens would put a database round trip on every streamed statement's path. Here a
 * statement is only marked; a background pass every {@link #EVERY} saves each marked statement's state as it is
 * then, so a statement that starts and ends between two passes costs one write, and one still running is listed
 * (RUNNING) within a pass. Under a backlog (the database is slow or away) finished statements wait their turn and
 * running ones go first: being able to cancel matters more than a complete history.
 */
final class SharedStreamingStatuses {

    private static final Logger LOG = LoggerFactory.getLogger(SharedStreamingStatuses.class);
    static final Duration EVERY = Duration.ofMillis(250);
    /** Marked statements kept at most; past it the oldest finished ones are written to no other node. */
    private static final int MAX_WAITING = 50_000;

    private final StatementRepository store;
    private final Map<String, Statement> waiting = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    SharedStreamingStatuses(StatementRepository store, ScheduledExecutorService timers) {
        this.store = store;
        timers.scheduleWithFixedDelay(this::saveWaiting, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The statement's state changed; the next pass writes it as it is then. */
    void changed(Statement statement) {
        if (waiting.size() >= MAX_WAITING && statement.state().isTerminal()) {
            if (dropped.incrementAndGet() % 10_000 == 1) {
                LOG.warn("{} streaming statements' ends were not shared with other nodes (the cluster database is behind)",
                        dropped.get());
            }
            return;
        }
        waiting.put(statement.id(), statement);
    }

    private void saveWaiting() {
        // Running ones first: another node may be about to cancel one.
        for (boolean running : new boolean[] {true, false}) {
            for (Statement statement : waiting.values()) {
                if (statement.state().isTerminal() == running) {
                    continue;
                }
                StatementStatus status = statement.snapshot();
                try {
                    store.save(status);
                } catch (RuntimeException e) {
                    LOG.debug("could not share streaming statement [{}] yet", status.id(), e);
                    return; // the database is away: the rest wait for the next pass
                }
                // Only if nothing changed meanwhile; a later change stays marked for the next pass.
                if (statement.snapshot().state() == status.state()) {
                    waiting.remove(statement.id(), statement);
                }
            }
        }
    }
}
