package io.sluice.core.statement;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.io.Closing;
import io.sluice.core.result.BatchStream;
import io.sluice.core.result.ResultTap;
import io.sluice.core.spool.ResultSpool;
import io.sluice.core.spool.SpoolWriter;
import io.sluice.core.spool.SpooledResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Submits, runs, tracks, cancels and reads statements — the heart of Sluice, shared by every protocol.
 *
 * <p>Threading: an asynchronous statement runs on its own platform thread, which waits for an admission
 * slot, runs the engine and writes the result into the spool. A streaming statement runs on the caller's
 * thread and bypasses the spool. Cancels, timeouts and shutdown reach a statement from other threads
 * through {@link Statement#requestCancel}, which forwards to the engine.
 *
 * <p>Ownership: a statement belongs to the principal that submitted it; to anyone else it does not exist
 * (NOT_FOUND, never FORBIDDEN, so ids cannot be probed).
 */
public final class StatementService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatementService.class);
    /** MDC key: every log line written while a statement runs carries its id. */
    public static final String STATEMENT_ID = "statementId";
    /** Streaming statements have no stored result; they stay listed this long after they end. */
    private static final Duration STREAMING_MEMORY = Duration.ofMinutes(15);
    /** How often a node looks for the statement another node claimed a request id for. */
    private static final Duration REMOTE_POLL = Duration.ofMillis(100);

    private final Engine engine;
    private final ResultSpool spool;
    private final StatementRepository store;
    /** True in a cluster: statements of other nodes are read, awaited and cancelled through the repository. */
    private final boolean shared;
    private final StatementConfig config;
    private final StatementEndLog endLog;
    private final BufferAllocator rootAllocator;
    private final Clock clock;
    private final StatementMetrics metrics;
    private final AdmissionControl admission;
    private final StatementReuse reuse;
    /**
     * One generator per thread: a shared SecureRandom is a lock every submission would queue on. DRBG, because the
     * platform default (NativePRNG) funnels every instance through one static lock around /dev/urandom reads (JFR
     * showed submissions blocked there under 32 clients).
     */
    private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(StatementService::newGenerator);
    private final Map<String, Statement> statements = new ConcurrentHashMap<>();
    private final Map<String, String> idempotencyKeys = new ConcurrentHashMap<>();
    /** Finished streaming statements, oldest first, so the listing of them can be capped cheaply. */
    private final java.util.Queue<String> finishedStreaming = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The queue's length: ConcurrentLinkedQueue.size() walks all 10,000 entries, once per statement. */
    private final AtomicInteger finishedStreamingCount = new AtomicInteger();
    /** Statements not yet ended, per principal: counted, not scanned, because every submission asks. */
    private final Map<String, AtomicInteger> activeByPrincipal = new ConcurrentHashMap<>();
    // Platform threads: a statement spends its life in the engine's native code (or waiting on the engine process),
    // where a virtual thread would pin its carrier. Admission control bounds how many exist (running plus queued).
    // Reused rather than one per statement: starting a thread cost a small statement about a tenth of its time.
    private final ExecutorService runners = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("statement-", 0).daemon().factory());
    /**
     * Readers of large streamed results, one batch ahead of the encoder (see ReadAheadBatchStream): platform
     * threads for the same reason as the runners, at most one per core at a time (more cannot run in parallel).
     */
    private final ExecutorService readAheads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("read-ahead-", 0).daemon().factory());
    private final java.util.concurrent.Semaphore readAheadSlots =
            new java.util.concurrent.Semaphore(Runtime.getRuntime().availableProcessors());
    private final ScheduledExecutorService timers = timerExecutor();
    private final StatementResults results;
    /** What a node of a cluster shares with the others through the repository; null on one node. */
    private final ClusterStatements cluster;
    private volatile boolean accepting = true;
    private volatile StatementGuard guard = StatementGuard.NONE;

    public StatementService(Engine engine, ResultSpool spool, java.nio.file.Path statementDirectory,
                            StatementConfig config, BufferAllocator rootAllocator, MeterRegistry meters, Clock clock) {
        this(engine, spool, StatementRepository.local(statementDirectory), config, rootAllocator, meters, clock);
    }

    public StatementService(Engine engine, ResultSpool spool, StatementRepository repository,
                            StatementConfig config, BufferAllocator rootAllocator, MeterRegistry meters, Clock clock) {
        this(engine, spool, repository, new ResultReuse(), config, rootAllocator, meters, clock);
    }

    /** A node of a cluster: statements in a shared repository, reuse through a shared index. */
    public StatementService(Engine engine, ResultSpool spool, StatementRepository repository, ReuseIndex reuseIndex,
                            StatementConfig config, BufferAllocator rootAllocator, MeterRegistry meters, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.store = Objects.requireNonNull(repository, "repository");
        this.shared = repository.shared();
        this.reuse = new StatementReuse(reuseIndex, this.engine, this.spool);
        this.config = Objects.requireNonNull(config, "config");
        this.endLog = new StatementEndLog(config.endLogLevel());
        this.rootAllocator = Objects.requireNonNull(rootAllocator, "rootAllocator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.admission = new AdmissionControl(config.maxRunning(), config.maxQueued(), config.maxShareWhileOthersWait());
        this.metrics = new StatementMetrics(meters, admission, config);
        this.results = new StatementResults(this::status, this.spool, () -> guard);
        this.cluster = shared ? new ClusterStatements(store, statements, admission, timers) : null;
        if (shared) {
            timers.scheduleWithFixedDelay(reuse::retryEpoch, 1, 1, TimeUnit.SECONDS);
        } else {
            recover();
        }
        timers.scheduleWithFixedDelay(this::purgeExpired, 1, 1, TimeUnit.MINUTES);
    }

    /** Puts access control (or any guard) in front of every statement from now on. */
    public void guardWith(StatementGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /**
     * The tables' columns {@code principal} may be told exist, for a protocol's catalog listings; empty when nothing is
     * hidden from it (an admin, or no access control), and the protocol then lists the engine's catalog as it is.
     */
    public java.util.Optional<java.util.List<CatalogColumn>> visibleCatalog(Principal principal) {
        return guard.visibleCatalog(principal);
    }

    private int activeStatements(Principal principal) {
        AtomicInteger active = activeByPrincipal.get(principal.id());
        return active == null ? 0 : active.get();
    }

    private void finished(Statement statement, StatementStatus status) {
        metrics.finished(status, statement.engineName());
        endLog.ended(status, statement.resultBytes());
        try {
            guard.finished(status);
        } catch (RuntimeException e) {
            LOG.warn("statement guard failed to record the end of [{}]", status.id(), e);
        }
    }

    // ---- submit and run ------------------------------------------------------------------------------

    /**
     * Submits a statement to run asynchronously into the spool. Returns at once with its status (which
     * may already be terminal for an idempotent replay or a reused result).
     */
    public StatementStatus submit(Principal principal, StatementRequest request) {
        return submit(principal, request, ResultTap.NONE);
    }

    /**
     * Like {@link #submit(Principal, StatementRequest)}, and {@code tap} gets the rows while they are spooled
     * (when this call runs the statement: a reused result or a replayed request id never feeds it).
     */
    public StatementStatus submit(Principal principal, StatementRequest request, ResultTap tap) {
        Objects.requireNonNull(tap, "tap");
        validate(request);
        guard.admit(principal, request, activeStatements(principal));
        if (request.requestId() == null) {
            return launch(principal, request, newId(), tap);
        }
        if (shared) {
            return submitIdempotentShared(principal, request, tap);
        }
        // One statement per (principal, request id), even when retries race: the map decides atomically.
        String key = idempotencyKey(principal.id(), request.requestId());
        StatementStatus[] launched = new StatementStatus[1];
        String id = idempotencyKeys.computeIfAbsent(key, ignored -> {
            launched[0] = launch(principal, request, newId(), tap);
            return launched[0].id();
        });
        if (launched[0] != null) {
            return launched[0];
        }
        Statement existing = statements.get(id);
        if (existing == null) {
            throw new SluiceException(ErrorCode.STATEMENT_NOT_FOUND, "No statement for request id [" + request.requestId() + "]");
        }
        return existing.snapshot();
    }

    /**
     * In a cluster the database decides which submission of a request id runs: the claim binds the id to a
     * new statement id once, whichever node a retry reaches.
     */
    private StatementStatus submitIdempotentShared(Principal principal, StatementRequest request, ResultTap tap) {
        String id = newId();
        String bound = store.claimRequestId(principal.id(), request.requestId(), id);
        if (bound.equals(id)) {
            try {
                return launch(principal, request, id, tap);
            } catch (RuntimeException e) {
                store.releaseRequestId(principal.id(), request.requestId(), id);
                throw e;
            }
        }
        // The winner saves its statement right after claiming; give it a moment to appear.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Statement local = statements.get(bound);
            if (local != null) {
                return local.snapshot();
            }
            Optional<StatementStatus> found = store.find(bound);
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found.orElseThrow(() -> new SluiceException(ErrorCode.STATEMENT_NOT_FOUND,
                        "No statement for request id [" + request.requestId() + "]"));
            }
            sleep(REMOTE_POLL.toMillis());
        }
    }

    private StatementStatus launch(Principal principal, StatementRequest request, String id, ResultTap tap) {
        Optional<StatementStatus> reused = reuseFor(principal, request, id);
        if (reused.isPresent()) {
            return reused.get();
        }
        AdmissionControl.Ticket ticket = admission.enqueue(principal.id());
        Statement statement;
        try {
            statement = register(id, principal, request, false);
        } catch (RuntimeException e) {
            admission.leaveQueue(ticket);
            throw e;
        }
        try {
            runners.execute(() -> runIntoSpool(principal, statement, ticket, new GuardedTap(tap)));
        } catch (RuntimeException rejected) {
            admissionLeft(statement, ticket);
            throw new SluiceException(ErrorCode.SHUTTING_DOWN, "Sluice is shutting down");
        }
        return statement.snapshot();
    }

    /**
     * Runs a statement on the caller's thread and hands back its rows as they come, without spooling.
     * The caller must close the returned stream; closing early (or {@link StreamingStatement#abort})
     * stops the engine.
     */
    public StreamingStatement stream(Principal principal, StatementRequest request) {
        return stream(principal, request, id -> { });
    }

    /**
     * Like {@link #stream(Principal, StatementRequest)}, but tells {@code onRegistered} the statement id as
     * soon as the statement exists — before it waits for a slot or the engine runs — so that a protocol can
     * map its own query id to it and cancel it while the first batch is still being computed.
     */
    public StreamingStatement stream(Principal principal, StatementRequest request,
                                     java.util.function.Consumer<String> onRegistered) {
        validate(request);
        guard.admit(principal, request, activeStatements(principal));
        AdmissionControl.Ticket ticket = admission.enqueue(principal.id());
        Statement statement;
        try {
            statement = register(newId(), principal, request, true);
        } catch (RuntimeException e) {
            admission.leaveQueue(ticket);
            throw e;
        }
        MDC.put(STATEMENT_ID, statement.id());
        onRegistered.accept(statement.id());
        boolean admitted = false;
        BufferAllocator allocator = null;
        EngineStatement engineStatement = null;
        try {
            admitted = awaitSlot(statement, ticket);
            if (!admitted) {
                throw new SluiceException(statement.cancelReason());
            }
            statement.markRunning(clock.instant());
            // Streaming statements are saved only in a cluster (see save()).
            save(statement.snapshot(), statement);
            allocator = rootAllocator.newChildAllocator("stream-" + statement.id(), 0, Long.MAX_VALUE);
            engineStatement = guard.open(principal, statement.id(), request,
                    new EngineRequest(request.sql(), request.parameters(), asPrincipal(request.session(), principal), allocator), engine);
            statement.attach(engineStatement);
            EngineResult result = engineStatement.execute();
            if (result.modifiesData()) {
                reuse.dataChanged();
            }
            BatchStream rows = switch (result) {
                case EngineResult.Rows r -> new io.sluice.core.result.ReadAheadBatchStream(r.rows(), allocator, readAheads,
                        readAheadSlots);
                case EngineResult.UpdateCount count -> UpdateCountStream.of(count.count(), allocator);
            };
            long updateCount = result instanceof EngineResult.UpdateCount count ? count.count() : -1;
            return new StreamingStatement(this, statement, rows, engineStatement, allocator, updateCount);
        } catch (RuntimeException e) {
            SluiceError error = errorOf(statement, e);
            closeQuietly(engineStatement);
            if (allocator != null) {
                allocator.close();
            }
            if (admitted) {
                admission.release(principal.id());
            } else {
                admission.leaveQueue(ticket);
            }
            finishFailed(statement, error);
            MDC.remove(STATEMENT_ID);
            throw new SluiceException(error, e);
        }
    }

    private void runIntoSpool(Principal principal, Statement statement, AdmissionControl.Ticket ticket, GuardedTap tap) {
        StatementRequest request = statement.request();
        String previousName = Thread.currentThread().getName();
        Thread.currentThread().setName("sql[" + statement.id() + "]");
        MDC.put(STATEMENT_ID, statement.id());
        LOG.debug("statement started");
        // The slot is given back before the statement is marked ended, so whoever sees it ended can use the slot.
        SlotRelease slot = new SlotRelease(admission, principal.id());
        try {
            if (!awaitSlot(statement, ticket)) {
                finishFailed(statement, statement.cancelReason());
                return;
            }
            slot.taken();
            statement.markRunning(clock.instant());
            // Not saved on one node: after a crash QUEUED and RUNNING both come back FAILED, so this fsync would
            // buy nothing. In a cluster other nodes show the state, so it is recorded (best effort).
            if (shared) {
                try {
                    if (!store.save(statement.snapshot())) {
                        // Another node already ended it for us (our lease expired while it queued): stop here.
                        store.find(statement.id()).map(StatementStatus::error).ifPresent(statement::requestCancel);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("could not record that [{}] runs", statement.id(), e);
                }
            }
            // Only asked when needed: in a cluster the epoch is a database read.
            long epochAtStart = reuse.epochAtStart(request);
            try (BufferAllocator allocator = rootAllocator.newChildAllocator("spool-" + statement.id(), 0, Long.MAX_VALUE);
                 EngineStatement engineStatement = guard.open(principal, statement.id(), request,
                         new EngineRequest(request.sql(), request.parameters(), asPrincipal(request.session(), principal), allocator), engine)) {
                statement.attach(engineStatement);
                EngineResult result = engineStatement.execute();
                if (result.modifiesData()) {
                    reuse.dataChanged();
                }
                long updateCount = result instanceof EngineResult.UpdateCount count ? count.count() : -1;
                try (BatchStream rows = switch (result) {
                    case EngineResult.Rows r -> r.rows();
                    case EngineResult.UpdateCount count -> UpdateCountStream.of(count.count(), allocator);
                }) {
                    Kept spooled = keepRows(principal, statement, rows, tap);
                    slot.release();
                    if (statement.isCancelRequested()) {
                        if (spooled.resultId() != null) {
                            spool.delete(spooled.resultId());
                        }
                        tap.abort(statement.cancelReason());
                        finishFailed(statement, statement.cancelReason());
                        return;
                    }
                    Instant now = clock.instant();
                    // Remembered before the statement is marked ended: a client that sees it end may ask again at once.
                    if (request.reuseMaxAge() != null && !result.modifiesData() && spooled.resultId() != null) {
                        reuse.remember(principal, request, new ReuseIndex.Entry(statement.id(), statement.id(), now,
                                epochAtStart, spooled.totalRows(), updateCount, spooled.pageCount(), statement.snapshot().truncated()));
                    }
                    if (statement.succeedUnannounced(now, spooled.totalRows(), updateCount, spooled.pageCount(), false,
                            spooled.resultId())) {
                        // The export's last file is closed on its own thread; the statement does not wait for it.
                        tap.finish();
                        StatementStatus status = statement.snapshot();
                        try {
                            saveTerminal(status, !spooled.small());
                        } finally {
                            // Only now: a client woken by the end may read the result through another node at once.
                            statement.announceEnd();
                        }
                        finished(statement, status);
                    } else {
                        SluiceError ended = statement.snapshot().error();
                        tap.abort(ended != null ? ended : SluiceError.of(ErrorCode.CANCELLED, "The statement was ended"));
                    }
                }
            }
        } catch (Throwable e) {
            slot.release();
            SluiceError error = errorOf(statement, e);
            tap.abort(error);
            finishFailed(statement, error);
        } finally {
            slot.release();
            LOG.debug("statement ended {}", statement.state());
            MDC.remove(STATEMENT_ID);
            Thread.currentThread().setName(previousName);
        }
    }

    /** What a statement's rows became: a spooled result, or (for an export that is all it keeps) only a count. */
    private record Kept(long totalRows, int pageCount, String resultId, boolean small) {
        static Kept of(SpooledResult spooled, io.sluice.core.spool.SpoolConfig config) {
            return new Kept(spooled.totalRows(), spooled.pageCount(), spooled.resultId(),
                    config.small(spooled.pageCount(), spooled.totalBytes()));
        }
    }

    /**
     * Feeds the rows to the spool and the tap, or to the tap alone when it replaces the result. The result counts
     * against its owner's spool quota; past it the writer fails the statement and gives back the pages written.
     */
    private Kept keepRows(Principal principal, Statement statement, BatchStream rows, GuardedTap tap) {
        long maxRows = statement.request().maxRows();
        SpoolWriter writer = tap.replacesResult() ? null : spool.create(statement.id(), rows.schema(),
                new io.sluice.core.spool.SpoolOwner(principal.id(), guard.spoolQuotaBytes(principal)));
        try {
            tap.open(statement.id(), rows.schema());
            long written = 0;
            while (rows.next()) {
                VectorSchemaRoot batch = rows.root();
                int count = batch.getRowCount();
                if (maxRows > 0 && written + count > maxRows) {
                    int keep = (int) (maxRows - written);
                    try (VectorSchemaRoot head = batch.slice(0, keep)) {
                        keep(writer, tap, head);
                        statement.addRows(keep, head);
                    }
                    written += keep;
                    statement.markTruncated();
                    break;
                }
                keep(writer, tap, batch);
                written += count;
                statement.addRows(count, batch);
            }
            return writer == null ? new Kept(written, 0, null, false) : Kept.of(writer.finish(), spool.config());
        } catch (RuntimeException e) {
            if (writer != null) {
                writer.abort();
            }
            throw e;
        }
    }

    private static void keep(SpoolWriter writer, GuardedTap tap, VectorSchemaRoot batch) {
        if (writer != null) {
            writer.append(batch);
        }
        tap.accept(batch);
    }

    // ---- status, waiting, cancel ---------------------------------------------------------------------

    public StatementStatus status(Principal principal, String id) {
        Statement statement = localOwned(principal, id);
        return statement != null ? statement.snapshot() : remoteOwned(principal, id);
    }

    /** Waits up to {@code wait} for the statement to end and returns its status either way. */
    public StatementStatus await(Principal principal, String id, Duration wait) {
        Statement statement = localOwned(principal, id);
        if (statement == null) {
            return cluster(id).await(principal, id, wait);
        }
        if (wait.isZero() || wait.isNegative()) {
            return statement.snapshot();
        }
        try {
            return statement.completion().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return statement.snapshot();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return statement.snapshot();
        } catch (ExecutionException e) {
            return statement.snapshot();
        }
    }

    /**
     * The engine's progress estimate of a running statement the caller may see (its own; an admin's, any);
     * {@link io.sluice.core.engine.QueryProgress#UNKNOWN} when it is not running or the engine cannot tell.
     */
    public io.sluice.core.engine.QueryProgress progress(Principal principal, String id) {
        Statement statement = id == null ? null : statements.get(id);
        if (statement == null && shared && id != null) {
            // Another node's: as far as that node last recorded (at most a second old).
            try {
                Optional<StatementStatus> remote = store.find(id);
                if (remote.isPresent() && !remote.get().isTerminal()
                        && (principal.admin() || remote.get().ownerId().equals(principal.id()))) {
                    return store.progress(id);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not read the progress of [{}]", id, e);
            }
            return io.sluice.core.engine.QueryProgress.UNKNOWN;
        }
        if (statement == null || !(principal.admin() || statement.ownerId().equals(principal.id()))) {
            return io.sluice.core.engine.QueryProgress.UNKNOWN;
        }
        return statement.progress();
    }

    /**
     * Cancels a statement. Returns its status after the cancel took effect (CANCELLED), or as it was when
     * it had already ended.
     */
    public StatementStatus cancel(Principal principal, String id) {
        Statement statement = localOwned(principal, id);
        if (statement == null) {
            StatementStatus remote = remoteOwned(principal, id);
            if (remote.isTerminal()) {
                return remote;
            }
            store.requestCancel(id, SluiceError.of(ErrorCode.CANCELLED, "Statement was cancelled"));
            return cluster.await(principal, id, Duration.ofSeconds(5));
        }
        if (statement.requestCancel(SluiceError.of(ErrorCode.CANCELLED, "Statement was cancelled"))) {
            admission.wakeUp();
            return await(principal, id, Duration.ofSeconds(5));
        }
        return statement.snapshot();
    }

    /**
     * Asks a statement to stop without waiting for it (for callbacks such as a client going away, which
     * must not block). Unknown or finished statements are ignored.
     */
    public void abandon(Principal principal, String id, String reason) {
        Statement statement = statements.get(id);
        if (statement != null && statement.ownerId().equals(principal.id())
                && statement.requestCancel(SluiceError.of(ErrorCode.CANCELLED, reason))) {
            admission.wakeUp();
        }
    }

    /** What {@link #cancelTagged} did: statements asked to stop, and tagged ones the caller may not stop. */
    public record TaggedCancel(int cancelled, int notPermitted) {
    }

    /**
     * Cancels every statement still queued or running, on any node, that carries the tag {@code name=value}
     * and that the caller may stop (its own; an admin, any), without waiting for them to end. A protocol whose
     * clients cancel by their own query id (Druid's sqlQueryId) tags its statements with it and cancels here.
     */
    public TaggedCancel cancelTagged(Principal principal, String name, String value, String reason) {
        SluiceError error = SluiceError.of(ErrorCode.CANCELLED, reason);
        java.util.Set<String> seen = new java.util.HashSet<>();
        int cancelled = 0;
        int notPermitted = 0;
        for (Statement statement : statements.values()) {
            if (statement.state().isTerminal() || !value.equals(statement.request().tags().get(name))) {
                continue;
            }
            seen.add(statement.id());
            if (!principal.admin() && !statement.ownerId().equals(principal.id())) {
                notPermitted++;
            } else if (statement.requestCancel(error)) {
                admission.wakeUp();
                cancelled++;
            }
        }
        if (shared) {
            for (StatementStatus remote : store.findActiveByTag(null, name, value)) {
                if (!seen.add(remote.id())) {
                    continue;
                }
                if (!principal.admin() && !remote.ownerId().equals(principal.id())) {
                    notPermitted++;
                } else {
                    store.requestCancel(remote.id(), error);
                    cancelled++;
                }
            }
        }
        return new TaggedCancel(cancelled, notPermitted);
    }

    /**
     * The caller's own statements, in any state and on any node, that carry the tag {@code name=value}, oldest
     * first: how a protocol finds the statements one of its handles groups.
     */
    public List<StatementStatus> tagged(Principal principal, String name, String value) {
        Map<String, StatementStatus> found = new java.util.HashMap<>();
        if (shared) {
            for (StatementStatus stored : store.findByTag(principal.id(), name, value)) {
                found.put(stored.id(), stored);
            }
        }
        for (Statement statement : statements.values()) {
            if (statement.ownerId().equals(principal.id()) && value.equals(statement.request().tags().get(name))) {
                found.put(statement.id(), statement.snapshot()); // fresher than the stored row
            }
        }
        return found.values().stream().sorted(java.util.Comparator.comparing(StatementStatus::createdAt)).toList();
    }

    /**
     * The caller's own statements, newest first; with {@code everyone} an admin gets every principal's
     * (others still get only their own).
     */
    public List<StatementStatus> list(Principal principal, int limit, boolean everyone) {
        boolean all = everyone && principal.admin();
        if (shared) {
            return cluster.list(principal, limit, all);
        }
        return statements.values().stream()
                .filter(statement -> all || statement.ownerId().equals(principal.id()))
                .map(Statement::snapshot)
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .limit(limit)
                .toList();
    }

    /**
     * The caller's own statements submitted through one protocol, newest first, at most {@code limit}: a
     * protocol's history (NCP's) pages through this without reading the other protocols' statements.
     */
    public List<StatementStatus> listOwn(Principal principal, String protocol, int limit) {
        java.util.stream.Stream<StatementStatus> live = statements.values().stream()
                .filter(statement -> statement.ownerId().equals(principal.id())
                        && statement.request().protocol().equals(protocol))
                .map(Statement::snapshot);
        if (!shared) {
            return live.sorted((a, b) -> b.createdAt().compareTo(a.createdAt())).limit(limit).toList();
        }
        Map<String, StatementStatus> merged = new java.util.HashMap<>();
        for (StatementStatus status : store.list(principal.id(), protocol, limit)) {
            merged.put(status.id(), status);
        }
        live.forEach(status -> merged.put(status.id(), status));
        return merged.values().stream()
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .limit(limit)
                .toList();
    }

    public List<StatementStatus> list(Principal principal, int limit) {
        if (shared) {
            return cluster.list(principal, limit, principal.admin());
        }
        return statements.values().stream()
                .filter(statement -> principal.admin() || statement.ownerId().equals(principal.id()))
                .map(Statement::snapshot)
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .limit(limit)
                .toList();
    }

    // ---- results -------------------------------------------------------------------------------------

    /** Reading finished statements' results back, the caller's own only. */
    public StatementResults results() {
        return results;
    }

    // ---- internals ----------------------------------------------------------------------------------

    int running() {
        return admission.running();
    }

    void streamFinished(Statement statement, long rows, long updateCount, SluiceError error) {
        admission.release(statement.ownerId());
        if (error != null) {
            finishFailed(statement, error);
            return;
        }
        if (statement.succeed(clock.instant(), rows, updateCount, 0, false, statement.id())) {
            StatementStatus status = statement.snapshot();
            if (sharedStreaming(statement)) {
                saveTerminal(status);
            } else if (shared) {
                cluster.streamingChanged(statement);
            }
            finished(statement, status);
        }
    }

    private void validate(StatementRequest request) {
        if (!accepting) {
            throw new SluiceException(ErrorCode.SHUTTING_DOWN, "Sluice is shutting down and takes no new statements");
        }
        if (request.sql().isBlank()) {
            throw new SluiceException(ErrorCode.MISSING_SQL, "The statement has no SQL text");
        }
        if (request.timeout() != null && (request.timeout().isNegative() || request.timeout().compareTo(config.maxTimeout()) > 0)) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                    "timeout must be between 0 and " + config.maxTimeout().toMillis() + " ms");
        }
    }

    /** The statement answered with a stored result, when the request allows reuse and one is there. */
    private Optional<StatementStatus> reuseFor(Principal principal, StatementRequest request, String id) {
        Instant now = clock.instant();
        Optional<ReuseIndex.Entry> hit = reuse.lookup(principal, request, now);
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        ReuseIndex.Entry entry = hit.get();
        Statement statement = register(id, principal, request, false);
        if (entry.truncated()) {
            statement.markTruncated();
        }
        statement.succeed(now, entry.rows(), entry.updateCount(), entry.pageCount(), true, entry.resultId());
        StatementStatus status = statement.snapshot();
        saveTerminal(status);
        finished(statement, status);
        return Optional.of(status);
    }

    /**
     * One thread for every statement's timeout. A cancelled timer leaves the queue at once: a timer holds its
     * statement, and the default timeout is long, so a busy server would otherwise keep every statement of the
     * last timeout period alive (and make the collector copy them again and again).
     */
    static ScheduledThreadPoolExecutor timerExecutor() {
        var executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("statement-timers").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Creates a statement; its first save comes first, so an unreachable repository refuses it cleanly. */
    private Statement register(String id, Principal principal, StatementRequest request, boolean streaming) {
        Runnable releaseSlot = guard.claimSlot(principal, id, request);
        Statement statement = new Statement(id, principal, request, clock.instant(), streaming);
        try {
            save(statement.snapshot(), statement);
        } catch (RuntimeException e) {
            releaseSlot.run();
            throw e;
        }
        statements.put(statement.id(), statement);
        Duration requested = request.timeout() == null || request.timeout().isZero() ? config.defaultTimeout() : request.timeout();
        Duration ceiling = guard.maxTimeout(principal);
        Duration timeout = ceiling != null && ceiling.compareTo(requested) < 0 ? ceiling : requested;
        var timer = timers.schedule(() -> {
            if (statement.requestCancel(new SluiceError(ErrorCode.TIMEOUT,
                    "Statement exceeded its timeout of " + timeout.toMillis() + " ms and was stopped", "57014", null))) {
                admission.wakeUp();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        AtomicInteger active = activeByPrincipal.computeIfAbsent(principal.id(), ignored -> new AtomicInteger());
        active.incrementAndGet();
        // Without this, every finished statement would keep its timer queued until the timeout passed.
        statement.completion().whenComplete((status, failure) -> {
            timer.cancel(false);
            active.decrementAndGet();
            releaseSlot.run();
            if (streaming) {
                forgetOldStreaming(statement.id());
            }
        });
        metrics.submitted(request.protocol());
        return statement;
    }

    /**
     * Streaming statements are not saved on one node: their rows went to a connection that a restart ends anyway,
     * and an fsync per state change would cost more than a small statement itself. In a cluster they are, so any
     * node lists and cancels them: a tagged one at once (best effort), because its tag is how another node finds
     * it to cancel it right after submitting (Druid's sqlQueryId); others behind their run, a few times a second
     * ({@link SharedStreamingStatuses}). Either still runs when the database is away, only unseen by other nodes.
     */
    private void save(StatementStatus status, Statement statement) {
        if (!statement.streaming()) {
            // The first record is written (a killed server loses no written file) but not synced: an fsync here was
            // most of a small statement's time. A machine crash can lose it; the statement is then unknown after
            // the restart, never SUCCEEDED, since a large result's end is synced after its rows (README, Durability).
            store.save(status, shared);
        } else if (sharedStreaming(statement)) {
            try {
                store.save(status);
            } catch (RuntimeException e) {
                LOG.debug("could not record streaming statement [{}]; other nodes will not see it", status.id(), e);
            }
        } else if (shared) {
            cluster.streamingChanged(statement);
        }
    }

    /** A streaming statement other nodes must be able to find: in a cluster, one with tags. */
    private boolean sharedStreaming(Statement statement) {
        return shared && statement.streaming() && !statement.request().tags().isEmpty();
    }

    private void forgetOldStreaming(String id) {
        finishedStreaming.add(id);
        finishedStreamingCount.incrementAndGet();
        while (finishedStreamingCount.get() > config.streamingHistory()) {
            String oldest = finishedStreaming.poll();
            if (oldest == null) {
                return;
            }
            finishedStreamingCount.decrementAndGet();
            statements.remove(oldest);
        }
    }

    private boolean awaitSlot(Statement statement, AdmissionControl.Ticket ticket) {
        try {
            return admission.awaitSlot(ticket, statement::isCancelRequested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            statement.requestCancel(SluiceError.of(ErrorCode.CANCELLED, "Statement was interrupted while queued"));
            return false;
        }
    }

    private void admissionLeft(Statement statement, AdmissionControl.Ticket ticket) {
        statement.requestCancel(SluiceError.of(ErrorCode.SHUTTING_DOWN, "Sluice is shutting down"));
        admission.leaveQueue(ticket);
        finishFailed(statement, statement.cancelReason());
    }

    private void finishFailed(Statement statement, SluiceError error) {
        if (statement.fail(clock.instant(), error)) {
            StatementStatus status = statement.snapshot();
            logFailure(statement.id(), status.state(), error);
            if (!statement.streaming() || sharedStreaming(statement)) {
                saveTerminal(status);
            } else if (shared) {
                cluster.streamingChanged(statement);
            }
            finished(statement, status);
        }
    }

    /**
     * One line per failed or cancelled statement, with the error the client got (the engine's own message, before any
     * rewriting for the principal), under the statement's id whichever thread ends it.
     */
    private static void logFailure(String id, StatementState state, SluiceError error) {
        String previous = MDC.get(STATEMENT_ID);
        MDC.put(STATEMENT_ID, id);
        try {
            LOG.info("statement {} [{}{}]: {}", state, error.code(), error.sqlState() == null ? "" : ", " + error.sqlState(),
                    error.message());
        } finally {
            if (previous == null) {
                MDC.remove(STATEMENT_ID);
            } else {
                MDC.put(STATEMENT_ID, previous);
            }
        }
    }

    /**
     * Records an end. In a cluster the repository may be unreachable just then; the node keeps the status
     * and retries, because other nodes only learn of the end through the repository.
     */
    private void saveTerminal(StatementStatus status) {
        saveTerminal(status, true);
    }

    /** @param sync false for the end of a statement whose result is small (see SpoolConfig.smallResultBytes) */
    private void saveTerminal(StatementStatus status, boolean sync) {
        if (!shared) {
            store.save(status, sync);
            return;
        }
        cluster.saveTerminal(status);
    }

    /** Another node's statement, the caller's own only; NOT_FOUND on one node or for anyone else. */
    private StatementStatus remoteOwned(Principal principal, String id) {
        return cluster(id).owned(principal, id);
    }

    /** The cluster part, or NOT_FOUND for the id when there is none (one node: an unknown id is simply unknown). */
    private ClusterStatements cluster(String id) {
        if (cluster == null || id == null) {
            throw new SluiceException(ErrorCode.STATEMENT_NOT_FOUND, "No statement [" + id + "]");
        }
        return cluster;
    }

    /** A cancel or timeout explains any engine error that follows it better than the engine can. */
    private static SluiceError errorOf(Statement statement, Throwable failure) {
        if (statement.isCancelRequested()) {
            return stoppedBy(statement.cancelReason(), failure);
        }
        if (failure instanceof SluiceException sluice) {
            return sluice.error();
        }
        LOG.error("statement [{}] failed unexpectedly", statement.id(), failure);
        return SluiceError.of(ErrorCode.INTERNAL_ERROR, "Internal error while running the statement");
    }

    /**
     * A cancel or timeout explains an engine error better than the engine can, except that the engine died under the
     * statement: a statement that ignored its timeout until its engine was killed took the engine down, so it keeps
     * ENGINE_RESTARTED (and is blamed for it), with both reasons in the message.
     */
    static SluiceError stoppedBy(SluiceError cancelReason, Throwable failure) {
        if (failure instanceof SluiceException sluice && sluice.error().code() == ErrorCode.ENGINE_RESTARTED) {
            return new SluiceError(ErrorCode.ENGINE_RESTARTED, cancelReason.message() + "; " + sluice.error().message(),
                    sluice.error().sqlState(), null);
        }
        return cancelReason;
    }

    /** The statement when this node has it and it is the principal's; null otherwise. */
    private Statement localOwned(Principal principal, String id) {
        Statement statement = id == null ? null : statements.get(id);
        return statement == null || !statement.ownerId().equals(principal.id()) ? null : statement;
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom(); // every JDK since 9 has DRBG; this is only for an unusual security setup
        }
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.get().nextBytes(bytes);
        return "s" + HexFormat.of().formatHex(bytes);
    }

    private static String idempotencyKey(String principalId, String requestId) {
        return principalId + "\u0000" + requestId;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        Closing.quietly(closeable, failure -> LOG.debug("close failed", failure));
    }

    /** After a restart: finished statements come back; those that were running never finished. */
    private void recover() {
        Instant now = clock.instant();
        for (StatementStatus saved : store.loadAll()) {
            StatementStatus status = saved;
            if (!saved.isTerminal()) {
                status = failedByRestart(saved, now, "Sluice stopped while the statement ran; it did not finish");
                store.save(status);
            } else if (saved.state() == io.sluice.core.statement.StatementState.SUCCEEDED && saved.resultId() != null
                    && spool.find(saved.resultId()).isEmpty()) {
                status = failedByRestart(saved, now, "The result of the statement was lost");
                store.save(status);
            }
            Statement statement = new Statement(status);
            statements.put(statement.id(), statement);
            if (status.requestId() != null) {
                idempotencyKeys.put(idempotencyKey(status.ownerId(), status.requestId()), status.id());
            }
        }
    }

    private static StatementStatus failedByRestart(StatementStatus saved, Instant now, String message) {
        return new StatementStatus(saved.id(), saved.ownerId(), saved.protocol(), saved.sql(), StatementState.FAILED,
                saved.createdAt(), saved.startedAt(), now, saved.rows(), saved.updateCount(), 0, saved.truncated(),
                saved.reused(), saved.resultId(), saved.requestId(), SluiceError.of(ErrorCode.SERVER_RESTARTED, message),
                saved.tags());
    }

    void purgeExpired() {
        try {
            Instant cutoff = clock.instant().minus(config.retention());
            Instant streamingCutoff = clock.instant().minus(STREAMING_MEMORY.compareTo(config.retention()) < 0
                    ? STREAMING_MEMORY : config.retention());
            for (Statement statement : statements.values()) {
                StatementStatus status = statement.snapshot();
                Instant statementCutoff = statement.streaming() ? streamingCutoff : cutoff;
                if (status.isTerminal() && status.endedAt() != null && status.endedAt().isBefore(statementCutoff)) {
                    statements.remove(status.id());
                    if (status.requestId() != null) {
                        idempotencyKeys.remove(idempotencyKey(status.ownerId(), status.requestId()), status.id());
                    }
                    if (!status.reused() && status.resultId() != null) {
                        reuse.forgetResult(status.resultId());
                        spool.delete(status.resultId());
                    }
                    store.delete(status.id());
                }
            }
            spool.purgeExpired(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("purging expired statements failed", e);
        }
    }

    /**
     * Stops taking statements, lets running ones finish within the grace period, then cancels the rest
     * and waits for them to record their end.
     */
    @Override
    public void close() {
        accepting = false;
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (System.nanoTime() < deadline && statements.values().stream().anyMatch(s -> !s.state().isTerminal())) {
            sleep(50);
        }
        for (Statement statement : statements.values()) {
            statement.requestCancel(SluiceError.of(ErrorCode.CANCELLED, "Sluice shut down before the statement finished"));
        }
        admission.wakeUp();
        runners.shutdown();
        try {
            runners.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        readAheads.shutdown(); // every reader ends with its statement, cancelled above
        if (!shared) {
            closeQuietly(store); // the node's own status log (a cluster's repository belongs to the cluster)
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The session as the principal: engines that run statements under the caller's identity (Trino) see the
     * principal's name whatever protocol started the statement.
     */
    private static io.sluice.core.engine.SessionContext asPrincipal(io.sluice.core.engine.SessionContext session, Principal principal) {
        if (session.user() != null || principal == null) {
            return session;
        }
        return new io.sluice.core.engine.SessionContext(session.catalog(), session.schema(), session.timeZone(), principal.name());
    }
}
