package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node of a cluster shares with the others through the statement repository: the ends of its statements
 * (retried while the repository is away), its streaming statements, its running statements' progress, cancels asked
 * through other nodes, and the reading, awaiting and listing of statements other nodes run.
 */
final class ClusterStatements {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStatements.class);
    /** How often a node looks for cancels asked through other nodes (a short poll of an indexed query). */
    static final Duration CANCEL_POLL = Duration.ofMillis(200);
    /** How often a node polls the repository for a statement another node runs. */
    private static final Duration REMOTE_POLL = Duration.ofMillis(100);

    private final StatementRepository store;
    /** The node's own statements (the service's map): where cancels go and which listings put on top. */
    private final Map<String, Statement> statements;
    private final AdmissionControl admission;
    /** Terminal statuses the repository could not take yet (it was unreachable); retried until it does. */
    private final Map<String, StatementStatus> unsaved = new ConcurrentHashMap<>();
    /** Untagged streaming statements, shared behind their run. */
    private final SharedStreamingStatuses streaming;

    ClusterStatements(StatementRepository store, Map<String, Statement> statements, AdmissionControl admission,
                      ScheduledExecutorService timers) {
        this.store = store;
        this.statements = statements;
        this.admission = admission;
        this.streaming = new SharedStreamingStatuses(store, timers);
        timers.scheduleWithFixedDelay(this::applyRemoteCancels, CANCEL_POLL.toMillis(), CANCEL_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::retryUnsaved, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::shareProgress, 1, 1, TimeUnit.SECONDS);
    }

    /** A streaming statement's state changed; the next pass shares it. */
    void streamingChanged(Statement statement) {
        streaming.changed(statement);
    }

    /**
     * Records an end. The repository may be unreachable just then; the node keeps the status and retries, because
     * other nodes only learn of the end through the repository.
     */
    void saveTerminal(StatementStatus status) {
        try {
            if (!store.save(status)) {
                adoptStoredEnd(status.id());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not record the end of statement [{}] yet; retrying", status.id(), e);
            unsaved.put(status.id(), status);
        }
    }

    /**
     * The repository already had an end for this statement (other nodes failed it when this node's lease
     * expired). That end is what every other node reports, so this node reports it too.
     */
    private void adoptStoredEnd(String id) {
        store.find(id).filter(StatementStatus::isTerminal).ifPresent(stored -> {
            LOG.warn("statement [{}] was already ended as {} by another node; keeping that", id, stored.state());
            statements.put(id, new Statement(stored));
        });
    }

    private void retryUnsaved() {
        for (StatementStatus status : unsaved.values()) {
            try {
                if (!store.save(status)) {
                    adoptStoredEnd(status.id());
                }
                unsaved.remove(status.id(), status);
            } catch (RuntimeException e) {
                LOG.debug("statement [{}] still not recorded", status.id(), e);
                return;
            }
        }
    }

    /** Rows so far and the engine's progress of what this node runs, for the other nodes to show (every second). */
    private void shareProgress() {
        Map<String, StatementRepository.Progress> running = new HashMap<>();
        for (Statement statement : statements.values()) {
            if (statement.state() == StatementState.RUNNING) {
                running.put(statement.id(), new StatementRepository.Progress(statement.snapshot().rows(), statement.progress()));
            }
        }
        try {
            store.recordProgress(running);
        } catch (RuntimeException e) {
            LOG.debug("could not share the progress of running statements", e);
        }
    }

    /** Passes on cancels asked through other nodes to the statements this node runs. */
    private void applyRemoteCancels() {
        try {
            for (StatementRepository.CancelRequest request : store.cancelRequests()) {
                Statement statement = statements.get(request.statementId());
                if (statement != null && statement.requestCancel(request.reason())) {
                    admission.wakeUp();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("could not look for cancel requests", e);
        }
    }

    /** Another node's statement, if {@code principal} owns it; NOT_FOUND otherwise (ids cannot be probed). */
    StatementStatus owned(Principal principal, String id) {
        return store.find(id).filter(status -> status.ownerId().equals(principal.id()))
                .orElseThrow(() -> new SluiceException(ErrorCode.STATEMENT_NOT_FOUND, "No statement [" + id + "]"));
    }

    /** Polls the repository for a statement another node runs until it ends or the wait is over. */
    StatementStatus await(Principal principal, String id, Duration wait) {
        long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
        StatementStatus status = owned(principal, id);
        while (!status.isTerminal() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(REMOTE_POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            status = owned(principal, id);
        }
        return status;
    }

    /**
     * The listing: what the repository holds (every node's statements, streaming ones a pass behind), with this
     * node's live statements on top (fresher).
     */
    List<StatementStatus> list(Principal principal, int limit, boolean all) {
        Map<String, StatementStatus> merged = new HashMap<>();
        for (StatementStatus status : store.list(all ? null : principal.id(), limit)) {
            merged.put(status.id(), status);
        }
        for (Statement statement : statements.values()) {
            if (all || statement.ownerId().equals(principal.id())) {
                merged.put(statement.id(), statement.snapshot());
            }
        }
        return merged.values().stream()
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .limit(limit)
                .toList();
    }
}
