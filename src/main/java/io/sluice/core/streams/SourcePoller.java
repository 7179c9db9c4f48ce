package io.sluice.core.streams;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one stream or table for changes and fans them out to its subscribers. Rows are found by the
 * hidden sequence column, so rows inserted through any Sluice API are seen; inserts made through the
 * streams module wake the poller at once, others are found within one poll interval. For a table, deletes
 * (which leave no row behind) are found by comparing the keys it knows with the keys stored, and become
 * tombstones. The poller only queries while someone subscribes.
 */
final class SourcePoller {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);
    private static final int BATCH_ROWS = 5_000;
    private static final long KEY_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SourceDefinition definition;
    private final EngineAccess db;
    private final long pollNanos;
    private final String selectChanges;
    private final String countRows;
    private final String selectKeys;
    private final int[] keyIndexes;
    private final Object lock = new Object();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final Set<List<Object>> keys = new HashSet<>();
    private long lastSequence;
    private long lastKeyCheck;
    private volatile boolean running = true;
    private final Thread thread;

    SourcePoller(SourceDefinition definition, EngineAccess db, long pollNanos) {
        this.definition = definition;
        this.db = db;
        this.pollNanos = pollNanos;
        String table = EngineAccess.quote(definition.name());
        String columns = String.join(", ", definition.columns().stream().map(c -> EngineAccess.quote(c.name())).toList());
        this.selectChanges = "SELECT " + columns + ", " + StreamService.SEQUENCE_COLUMN + " FROM " + table
                + " WHERE " + StreamService.SEQUENCE_COLUMN + " > ? ORDER BY " + StreamService.SEQUENCE_COLUMN + " LIMIT ?";
        this.countRows = "SELECT count(*) FROM " + table;
        List<SourceColumn> keyColumns = definition.keyColumns();
        this.keyIndexes = keyColumns.stream().mapToInt(c -> definition.columnIndex(c.name())).toArray();
        this.selectKeys = "SELECT " + String.join(", ", keyColumns.stream().map(c -> EngineAccess.quote(c.name())).toList())
                + " FROM " + table;
        this.thread = Thread.ofVirtual().name("stream-poller-" + definition.name()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    SourceDefinition definition() {
        return definition;
    }

    List<Subscription> subscribers() {
        return List.copyOf(subscribers);
    }

    /** Registers a reader: from now on (latest), or replaying everything after {@code after} first. */
    Subscription subscribe(String id, String statement, int capacity, boolean earliest, long after, Runnable onClose) {
        synchronized (lock) {
            if (subscribers.isEmpty()) {
                resynchronise();
            }
            Subscription subscription = new Subscription(id, statement, this, capacity,
                    earliest ? after : lastSequence, !earliest, onClose);
            subscribers.add(subscription);
            wake();
            return subscription;
        }
    }

    void unsubscribe(Subscription subscription) {
        subscribers.remove(subscription);
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    void stop(String message) {
        running = false;
        for (Subscription subscription : subscribers) {
            subscription.end(message);
        }
        wake();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The next rows a catching-up reader should get. Reads stored rows on the reader's thread; once they
     * reach what the live feed has already passed, switches the reader to live under the lock so no row is
     * skipped or given twice.
     */
    List<ChangeRow> replay(Subscription subscription) {
        List<ChangeRow> rows = changesAfter(subscription.position, BATCH_ROWS);
        if (rows.size() == BATCH_ROWS) {
            subscription.position = rows.getLast().sequence();
            return rows;
        }
        synchronized (lock) {
            long from = rows.isEmpty() ? subscription.position : rows.getLast().sequence();
            if (from < lastSequence) {
                List<ChangeRow> rest = changesAfter(from, Integer.MAX_VALUE);
                rest.removeIf(row -> row.sequence() > lastSequence);
                rows = new ArrayList<>(rows);
                rows.addAll(rest);
            }
            subscription.position = Math.max(lastSequence, rows.isEmpty() ? subscription.position : rows.getLast().sequence());
            subscription.live = true;
            return rows;
        }
    }

    private void run() {
        while (running) {
            boolean found = false;
            if (!subscribers.isEmpty()) {
                try {
                    found = cycle();
                } catch (RuntimeException e) {
                    LOG.debug("polling {} failed", definition.name(), e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            if (!found && running) {
                LockSupport.parkNanos(subscribers.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(200) : pollNanos);
            }
        }
    }

    private boolean cycle() {
        synchronized (lock) {
            List<ChangeRow> rows = changesAfter(lastSequence, BATCH_ROWS);
            for (ChangeRow row : rows) {
                lastSequence = row.sequence();
                if (definition.kind() == SourceKind.TABLE) {
                    keys.add(key(row.values()));
                }
                for (Subscription subscription : subscribers) {
                    if (subscription.live && row.sequence() > subscription.position) {
                        subscription.position = row.sequence();
                        subscription.deliver(row);
                    }
                }
            }
            if (definition.kind() == SourceKind.TABLE) {
                findDeletes();
            }
            return rows.size() == BATCH_ROWS;
        }
    }

    private void findDeletes() {
        long now = System.nanoTime();
        long stored = ((Number) db.query(countRows, List.of()).getFirst().getFirst()).longValue();
        if (stored == keys.size() && now - lastKeyCheck < KEY_CHECK_NANOS) {
            return;
        }
        lastKeyCheck = now;
        Set<List<Object>> present = new HashSet<>(db.query(selectKeys, List.of()));
        List<List<Object>> gone = keys.stream().filter(key -> !present.contains(key)).toList();
        for (List<Object> key : gone) {
            keys.remove(key);
            List<Object> values = new ArrayList<>(java.util.Collections.nCopies(definition.columns().size(), null));
            for (int index = 0; index < keyIndexes.length; index++) {
                values.set(keyIndexes[index], key.get(index));
            }
            ChangeRow tombstone = new ChangeRow(lastSequence, values, true);
            for (Subscription subscription : subscribers) {
                if (subscription.live) {
                    subscription.deliver(tombstone);
                }
            }
        }
    }

    private void resynchronise() {
        Object max = db.query("SELECT max(" + StreamService.SEQUENCE_COLUMN + ") FROM " + EngineAccess.quote(definition.name()),
                List.of()).getFirst().getFirst();
        lastSequence = max == null ? 0 : ((Number) max).longValue();
        if (definition.kind() == SourceKind.TABLE) {
            keys.clear();
            keys.addAll(db.query(selectKeys, List.of()));
            lastKeyCheck = System.nanoTime();
        }
    }

    private List<ChangeRow> changesAfter(long sequence, int limit) {
        List<List<Object>> rows = db.query(selectChanges, List.of(sequence, (long) limit));
        List<ChangeRow> changes = new ArrayList<>(rows.size());
        int width = definition.columns().size();
        for (List<Object> row : rows) {
            changes.add(new ChangeRow(((Number) row.get(width)).longValue(), row.subList(0, width), false));
        }
        return changes;
    }

    private List<Object> key(List<Object> values) {
        List<Object> key = new ArrayList<>(keyIndexes.length);
        for (int index : keyIndexes) {
            key.add(values.get(index));
        }
        return key;
    }
}
