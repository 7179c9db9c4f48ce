package io.sluice.core.spool;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Results written once into pages on disk (one Arrow IPC file per page) and read back by page or by row
 * range as often as needed until their retention ends. One instance per server; thread-safe.
 *
 * <p>Layout: {@code <directory>/<resultId>/page-NNNNNN.arrow} plus {@code manifest.properties}. The
 * manifest is written last and atomically, so a result is complete exactly when its manifest exists;
 * a directory without one is a write in progress or the leftover of a crash, and is removed on start. On a node
 * outside a cluster, a result of one small page is instead one record among the small results ({@link SmallResults},
 * {@code <directory>/.small}).
 *
 * <p>Quotas: the spool as a whole holds at most {@link SpoolConfig#quotaBytes()}, and each owner (a principal, see
 * {@link SpoolOwner}) at most its own quota: its finished results until they are deleted or expire, plus the
 * pages of its results being written. Finished results are kept in a {@link SpoolLedger}: on one node rebuilt
 * at start from the owners the manifests record; in a cluster a shared table, so the quota holds across nodes. Results past
 * their expiry no longer count, even before the purge removes them.
 *
 * <p>Memory: each writer and each reader works in its own child of the allocator given here and holds
 * at most one page (writer) or one batch (reader) at a time; closing them closes the child, which
 * fails loudly if anything leaked.
 */
public final class ResultSpool {

    private final SpoolConfig config;
    private final BufferAllocator allocator;
    private final Clock clock;
    /** Bytes of page and manifest files on disk, plus reservations of pages being written. */
    private final AtomicLong bytesInUse = new AtomicLong();
    /** Parsed manifests of the results being read; a few hundred bytes per page of each, so bounded. */
    private final ManifestCache manifests = new ManifestCache(256);
    /** Guards {@link #activeWrites} and keeps create/delete of the same id from interleaving. */
    private final Object lifecycleLock = new Object();
    private final Set<String> activeWrites = new HashSet<>();
    /** Bytes of pages each owner's unfinished results reserved on this node (finished ones are in the ledger). */
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    /** Finished results and their owners. */
    private volatile SpoolLedger ledger = SpoolLedger.local();
    /** Set in a cluster: finished results are copied there, and results of other nodes come from there. */
    private volatile SharedResultStore shared;
    /** Striped locks: one download at a time per result id (two readers of a new result fetch it once), bounded in number. */
    private final Object[] fetchLocks = java.util.stream.Stream.generate(Object::new).limit(64).toArray();
    /** Small results of this node, in segment files rather than a directory each (not used in a cluster). */
    private final SmallResults small;
    /**
     * When each finished result in a directory expires, so the purge needs no manifest: it read every one of them
     * once a minute (small results keep theirs in {@link SmallResults}).
     */
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();

    public ResultSpool(SpoolConfig config, BufferAllocator allocator) {
        this(config, allocator, Clock.systemUTC());
    }

    /** Not a valid result id (it has a dot), so the recovery and the listing of result directories leave it alone. */
    static final String SMALL_RESULTS_DIRECTORY = ".small";
    private static final long SMALL_SEGMENT_BYTES = 8L << 20;

    public ResultSpool(SpoolConfig config, BufferAllocator allocator, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(config.directory());
            bytesInUse.set(SpoolFiles.recover(config.directory()));
            this.small = new SmallResults(config.directory().resolve(SMALL_RESULTS_DIRECTORY), SMALL_SEGMENT_BYTES);
            // What the small results hold (their live records), as counted while they were written.
            small.entries().values().forEach(entry -> bytesInUse.addAndGet(entry.length()));
            recoverOwners();
        } catch (IOException e) {
            throw failure("could not open the result spool in " + config.directory(), e);
        }
    }

    /**
     * Keeps the accounts of finished results in {@code shared} from now on (a cluster's ledger, which already
     * holds the results found on disk at start; what was rebuilt locally is dropped).
     */
    public void keepAccountsIn(SpoolLedger shared) {
        this.ledger = Objects.requireNonNull(shared, "shared");
    }

    /**
     * Counts the results found at start against their owners (as written in their manifests). Only results this
     * node wrote are on disk then, unless it is part of a cluster, where the shared ledger replaces this one.
     */
    private void recoverOwners() throws IOException {
        for (String resultId : SpoolFiles.resultIds(config.directory())) {
            Path resultDirectory = config.directory().resolve(resultId);
            SpoolManifest manifest;
            try {
                manifest = SpoolManifest.readFrom(resultDirectory);
            } catch (IOException damagedOrAbsent) {
                // A damaged manifest cannot say when it expires; its file's age can, so it is not kept forever.
                expiries.put(resultId, manifestModifiedAt(resultDirectory).plus(config.retention()));
                continue; // it has no owner to charge
            }
            expiries.put(resultId, manifest.result().expiresAt());
            if (manifest.owner() != null) {
                ledger.add(resultId, manifest.owner(), SpoolFiles.directorySize(resultDirectory), manifest.result().expiresAt());
            }
        }
        small.entries().forEach((resultId, entry) -> {
            if (entry.owner() != null) {
                ledger.add(resultId, entry.owner(), entry.length(), entry.expiresAt());
            }
        });
    }

    /**
     * Shares results through {@code store} from now on: finished results are published there before they
     * count as finished, and results not on this node's disk are fetched from there when read.
     */
    public void shareThrough(SharedResultStore store) {
        this.shared = Objects.requireNonNull(store, "store");
    }

    /** Publishes a finished result: pages first, the manifest last, so it is visible only when whole. */
    void publish(String resultId, Path resultDirectory, List<PageInfo> pages) {
        SharedResultStore store = shared;
        if (store == null) {
            return;
        }
        for (PageInfo page : pages) {
            String name = SpoolFiles.pageFileName(page.index());
            store.upload(resultId, name, resultDirectory.resolve(name));
        }
        store.upload(resultId, SpoolFiles.MANIFEST_NAME, resultDirectory.resolve(SpoolFiles.MANIFEST_NAME));
    }

    /**
     * Reads a manifest from disk, fetching the whole result from the shared store first when this node
     * does not have it. Throws NoSuchFileException when neither has it.
     */
    private SpoolManifest manifestOf(String resultId) throws IOException {
        if (small.contains(resultId)) {
            SmallResults.Stored stored = small.read(resultId);
            if (stored != null) {
                return stored.manifest();
            }
        }
        Path resultDirectory = config.directory().resolve(resultId);
        try {
            return manifests.read(resultId, resultDirectory);
        } catch (NoSuchFileException absent) {
            SharedResultStore store = shared;
            if (store == null || !fetch(store, resultId)) {
                throw absent;
            }
            SpoolManifest fetched = manifests.read(resultId, resultDirectory);
            expiries.putIfAbsent(resultId, fetched.result().expiresAt());
            return fetched;
        }
    }

    /**
     * Makes another node's result known here: downloads its manifest (only; pages follow when read, see
     * {@link #fetchMissingPages}) into a directory named so that a crash leaves something
     * {@link SpoolFiles#recover} removes, then renames it into place. A status poll through a node that
     * never read the result therefore costs one small download, not the whole result.
     */
    private boolean fetch(SharedResultStore store, String resultId) throws IOException {
        synchronized (fetchLock(resultId)) {
            Path resultDirectory = config.directory().resolve(resultId);
            if (Files.exists(resultDirectory.resolve(SpoolFiles.MANIFEST_NAME))) {
                return true;
            }
            Path incoming = config.directory().resolve(resultId + SpoolFiles.DELETING_MARKER + "fetch-" + UUID.randomUUID());
            Files.createDirectory(incoming);
            try {
                if (!store.download(resultId, SpoolFiles.MANIFEST_NAME, incoming.resolve(SpoolFiles.MANIFEST_NAME))) {
                    return false;
                }
                long size = SpoolFiles.directorySize(incoming);
                synchronized (lifecycleLock) {
                    Files.move(incoming, resultDirectory);
                }
                bytesInUse.addAndGet(size);
                return true;
            } finally {
                SpoolFiles.deleteRecursively(incoming);
            }
        }
    }

    /**
     * Downloads the pages a read needs that this node does not have (a result another node wrote). Each page
     * arrives under a temporary name and is renamed into place, so a page file is always whole.
     */
    private void fetchMissingPages(String resultId, List<SpoolBatchStream.PageSegment> segments) {
        SharedResultStore store = shared;
        if (store == null) {
            return;
        }
        Path resultDirectory = config.directory().resolve(resultId);
        synchronized (fetchLock(resultId)) {
            for (SpoolBatchStream.PageSegment segment : segments) {
                String name = SpoolFiles.pageFileName(segment.page().index());
                Path page = resultDirectory.resolve(name);
                if (Files.exists(page)) {
                    continue;
                }
                Path incoming = resultDirectory.resolve(name + ".tmp-" + UUID.randomUUID());
                try {
                    if (!store.download(resultId, name, incoming)) {
                        throw new SluiceException(SluiceError.of(ErrorCode.RESULT_EXPIRED,
                                "page " + segment.page().index() + " of result " + resultId + " is no longer stored"));
                    }
                    long size = Files.size(incoming);
                    Files.move(incoming, page, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    bytesInUse.addAndGet(size);
                } catch (IOException e) {
                    throw failure("could not fetch page " + segment.page().index() + " of result " + resultId, e);
                } finally {
                    try {
                        Files.deleteIfExists(incoming);
                    } catch (IOException ignored) {
                        // a leftover temporary file goes with its result directory
                    }
                }
            }
        }
    }

    private Object fetchLock(String resultId) {
        return fetchLocks[Math.floorMod(resultId.hashCode(), fetchLocks.length)];
    }

    /**
     * Starts spooling a result. The caller must {@link SpoolWriter#finish() finish} or
     * {@link SpoolWriter#abort() abort} the writer (closing it aborts unless finished).
     *
     * @throws IllegalArgumentException when the id is not 1-128 characters of {@code [A-Za-z0-9_-]}
     * @throws IllegalStateException when a result with this id exists or is being written
     */
    public SpoolWriter create(String resultId, ResultSchema schema) {
        return create(resultId, schema, null);
    }

    /**
     * Starts spooling a result that counts against {@code owner}'s quota (null: against nobody's); see
     * {@link #create(String, ResultSchema)}.
     */
    public SpoolWriter create(String resultId, ResultSchema schema, SpoolOwner owner) {
        Objects.requireNonNull(resultId, "resultId");
        Objects.requireNonNull(schema, "schema");
        if (!SpoolFiles.isValidResultId(resultId)) {
            throw new IllegalArgumentException("invalid result id: " + resultId);
        }
        Path resultDirectory = config.directory().resolve(resultId);
        synchronized (lifecycleLock) {
            if (activeWrites.contains(resultId)) {
                throw new IllegalStateException("result " + resultId + " is already being written");
            }
            if (small.contains(resultId)) {
                throw new IllegalStateException("result " + resultId + " already exists");
            }
            try {
                Files.createDirectory(resultDirectory);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException("result " + resultId + " already exists", e);
            } catch (IOException e) {
                throw failure("could not create spool directory for result " + resultId, e);
            }
            activeWrites.add(resultId);
        }
        BufferAllocator writerAllocator = allocator.newChildAllocator("spool-write-" + resultId, 0, Long.MAX_VALUE);
        return new SpoolWriter(this, resultId, schema, resultDirectory, writerAllocator, owner);
    }

    /**
     * The description of a finished result, expired or not (see {@link SpooledResult#isExpired}); empty
     * when there is no complete result with this id.
     */
    public Optional<SpooledResult> find(String resultId) {
        Objects.requireNonNull(resultId, "resultId");
        if (!SpoolFiles.isValidResultId(resultId)) {
            return Optional.empty();
        }
        try {
            return Optional.of(manifestOf(resultId).result());
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("could not read the manifest of result " + resultId, e);
        }
    }

    /** One page. PAGE_OUT_OF_RANGE for a bad index; NOT_FOUND or RESULT_EXPIRED when the result is gone. */
    public BatchStream readPage(String resultId, int pageIndex) {
        SpoolManifest manifest = readableManifest(resultId);
        List<PageInfo> pages = manifest.result().pages();
        if (pageIndex < 0 || pageIndex >= pages.size()) {
            throw new SluiceException(ErrorCode.PAGE_OUT_OF_RANGE, "page " + pageIndex + " does not exist; result "
                    + resultId + " has " + pages.size() + " page(s)");
        }
        PageInfo page = pages.get(pageIndex);
        return openStream(manifest, List.of(new SpoolBatchStream.PageSegment(page, 0, page.rowCount())));
    }

    /** All rows, page after page. */
    public BatchStream readAll(String resultId) {
        SpoolManifest manifest = readableManifest(resultId);
        List<SpoolBatchStream.PageSegment> segments = new ArrayList<>();
        for (PageInfo page : manifest.result().pages()) {
            segments.add(new SpoolBatchStream.PageSegment(page, 0, page.rowCount()));
        }
        return openStream(manifest, segments);
    }

    /**
     * Rows {@code [offset, offset + limit)}, opening only the pages that hold them. An offset past the end
     * gives an empty stream; a negative offset or limit is INVALID_PARAMETER.
     */
    public BatchStream readRows(String resultId, long offset, long limit) {
        if (offset < 0 || limit < 0) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                    "offset and limit must not be negative (offset " + offset + ", limit " + limit + ")");
        }
        SpoolManifest manifest = readableManifest(resultId);
        long end = limit > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + limit;
        List<SpoolBatchStream.PageSegment> segments = new ArrayList<>();
        for (PageInfo page : manifest.result().pages()) {
            long start = Math.max(offset, page.firstRow());
            long stop = Math.min(end, page.endRow());
            if (start < stop) {
                segments.add(new SpoolBatchStream.PageSegment(page, start - page.firstRow(), stop - start));
            }
        }
        return openStream(manifest, segments);
    }

    /**
     * Removes a finished result. Readers that already opened a page finish it (the file system keeps open
     * files readable). A result still being written is left alone: its producer aborts it instead.
     */
    public void delete(String resultId) {
        Objects.requireNonNull(resultId, "resultId");
        if (!deleteIfPresent(resultId) && SpoolFiles.isValidResultId(resultId)) {
            ledger.remove(resultId); // this node has no copy of it, but the shared ledger may count it
        }
        SharedResultStore store = shared;
        if (store != null && SpoolFiles.isValidResultId(resultId)) {
            store.delete(resultId);
        }
    }

    /** Deletes a finished result; false when there was none (or it is still being written). */
    private boolean deleteIfPresent(String resultId) {
        if (!SpoolFiles.isValidResultId(resultId)) {
            return false;
        }
        Path trash = config.directory().resolve(resultId + SpoolFiles.DELETING_MARKER + UUID.randomUUID());
        synchronized (lifecycleLock) {
            if (activeWrites.contains(resultId)) {
                return false;
            }
            expiries.remove(resultId);
            SmallResults.Entry smallResult = small.remove(resultId);
            if (smallResult != null) {
                ledger.remove(resultId);
                bytesInUse.addAndGet(-smallResult.length());
                return true;
            }
            // Renaming first makes the result disappear at once for find() and new readers, and makes
            // exactly one of two concurrent deletes the owner of the files (and of the byte accounting).
            manifests.forget(resultId);
            try {
                Files.move(config.directory().resolve(resultId), trash);
            } catch (NoSuchFileException absent) {
                return false;
            } catch (IOException e) {
                throw failure("could not delete result " + resultId, e);
            }
        }
        ledger.remove(resultId);
        try {
            bytesInUse.addAndGet(-SpoolFiles.deleteRecursively(trash));
            return true;
        } catch (IOException e) {
            throw failure("could not delete the files of result " + resultId, e);
        }
    }

    /** Deletes every finished result whose retention ended at or before {@code now}; returns how many. */
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        int purged = 0;
        // From the indexes in memory: no directory is listed and no manifest read. Each deletion takes the lifecycle
        // lock on its own, so writers and readers never wait behind a purge.
        List<String> due = small.expired(now);
        expiries.forEach((resultId, expiresAt) -> {
            if (!now.isBefore(expiresAt)) {
                due.add(resultId);
            }
        });
        for (String resultId : due) {
            if (deleteIfPresent(resultId)) {
                purged++;
            }
            expiries.remove(resultId); // also when its directory was already gone
        }
        ledger.purge(now);
        return purged;
    }

    /** Bytes the spool uses on disk, including space reserved for pages being written. */
    public long bytesInUse() {
        return bytesInUse.get();
    }

    public SpoolConfig config() {
        return config;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * Bytes of spooled results {@code principalId} holds: finished results that have not expired (on every node
     * when the ledger is shared) and pages being written on this node.
     */
    public long bytesHeldBy(String principalId) {
        AtomicLong writing = inFlight.get(principalId);
        return ledger.held(principalId, clock.instant()) + (writing == null ? 0 : writing.get());
    }

    /**
     * Reserves space for a page about to be written, against the spool's budget and the owner's quota.
     *
     * @throws SluiceException SPOOL_QUOTA_EXCEEDED naming which of the two would be exceeded
     */
    void reserve(long bytes, SpoolOwner owner, String resultId) {
        if (!tryReserve(bytes)) {
            throw new SluiceException(ErrorCode.SPOOL_QUOTA_EXCEEDED, "the result spool is full (quota "
                    + config.quotaBytes() + " bytes); result " + resultId + " was discarded");
        }
        if (owner == null) {
            return;
        }
        // Counted first and checked after, so two writers of one owner racing can both fail but never both pass.
        long writing = inFlight.computeIfAbsent(owner.principalId(), ignored -> new AtomicLong()).addAndGet(bytes);
        if (owner.quotaBytes() == Long.MAX_VALUE) {
            return;
        }
        long finished;
        try {
            finished = ledger.held(owner.principalId(), clock.instant());
        } catch (RuntimeException e) {
            adjustOwnerBytes(owner, -bytes);
            adjustBytesInUse(-bytes);
            throw e;
        }
        if (finished + writing > owner.quotaBytes()) {
            adjustOwnerBytes(owner, -bytes);
            adjustBytesInUse(-bytes);
            throw new SluiceException(ErrorCode.SPOOL_QUOTA_EXCEEDED, "the result would exceed the spool quota of "
                    + owner.quotaBytes() + " bytes of principal " + owner.principalId() + ", who holds " + finished
                    + " bytes in stored results and " + (writing - bytes) + " in results being written; result "
                    + resultId + " was discarded. Space comes back as earlier results expire");
        }
    }

    /** Adjusts what an owner's unfinished results hold by a signed amount (settling reservations, manifests, aborts). */
    void adjustOwnerBytes(SpoolOwner owner, long delta) {
        if (owner != null && delta != 0) {
            inFlight.computeIfAbsent(owner.principalId(), ignored -> new AtomicLong()).addAndGet(delta);
        }
    }

    /** A finished result moves from the owner's results being written to the ledger, where it counts until deleted. */
    void finished(String resultId, SpoolOwner owner, long bytes, Instant expiresAt) {
        if (!small.contains(resultId)) {
            expiries.put(resultId, expiresAt);
        }
        if (owner != null) {
            // In the ledger before it leaves the in-flight count, so no check in between sees it nowhere.
            ledger.add(resultId, owner.principalId(), bytes, expiresAt);
            adjustOwnerBytes(owner, -bytes);
        }
    }

    /** Reserves space for a page about to be written; false when that would exceed the quota. */
    boolean tryReserve(long bytes) {
        long used;
        do {
            used = bytesInUse.get();
            if (used + bytes > config.quotaBytes()) {
                return false;
            }
        } while (!bytesInUse.compareAndSet(used, used + bytes));
        return true;
    }

    /** Adjusts the accounting by a signed amount, without a quota check (settling a reservation, manifests). */
    void adjustBytesInUse(long delta) {
        bytesInUse.addAndGet(delta);
    }

    /** True when a small result may go into {@link SmallResults}: on one node, whose results no other node reads. */
    boolean keepsSmallResultsTogether() {
        return shared == null;
    }

    /** Appends a finished small result; returns what it costs on disk, now counted in the spool's bytes in use. */
    long keepSmall(SpoolManifest manifest, byte[] page) {
        long bytes = small.add(manifest, page);
        bytesInUse.addAndGet(bytes);
        return bytes;
    }

    void writeEnded(String resultId) {
        synchronized (lifecycleLock) {
            activeWrites.remove(resultId);
        }
    }

    private SpoolManifest readableManifest(String resultId) {
        Objects.requireNonNull(resultId, "resultId");
        if (!SpoolFiles.isValidResultId(resultId)) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "result " + resultId + " does not exist");
        }
        SpoolManifest manifest;
        try {
            manifest = manifestOf(resultId);
        } catch (NoSuchFileException absent) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "result " + resultId + " does not exist");
        } catch (IOException e) {
            throw failure("could not read the manifest of result " + resultId, e);
        }
        if (manifest.result().isExpired(clock.instant())) {
            throw new SluiceException(ErrorCode.RESULT_EXPIRED,
                    "result " + resultId + " expired at " + manifest.result().expiresAt());
        }
        return manifest;
    }

    private BatchStream openStream(SpoolManifest manifest, List<SpoolBatchStream.PageSegment> segments) {
        String resultId = manifest.result().resultId();
        SpoolBatchStream.PageSource smallPage = null;
        if (small.contains(resultId)) {
            byte[] page;
            try {
                SmallResults.Stored stored = small.read(resultId);
                if (stored == null) {
                    throw new SluiceException(ErrorCode.NOT_FOUND, "result " + resultId + " was deleted");
                }
                page = stored.page();
            } catch (IOException e) {
                throw failure("could not read small result " + resultId, e);
            }
            smallPage = ignored -> new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(page);
        } else {
            fetchMissingPages(resultId, segments);
        }
        BufferAllocator readerAllocator = allocator.newChildAllocator("spool-read-" + resultId, 0, Long.MAX_VALUE);
        try {
            return smallPage != null ? new SpoolBatchStream(smallPage, manifest, segments, readerAllocator)
                    : new SpoolBatchStream(config.directory().resolve(resultId), manifest, segments, readerAllocator);
        } catch (RuntimeException e) {
            readerAllocator.close();
            throw e;
        }
    }

    private static Instant manifestModifiedAt(Path resultDirectory) {
        try {
            return Files.getLastModifiedTime(resultDirectory.resolve(SpoolFiles.MANIFEST_NAME)).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    static SluiceException failure(String message, IOException cause) {
        return new SluiceException(SluiceError.of(ErrorCode.INTERNAL_ERROR, message), cause);
    }
}
