package io.sluice.core.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of one stream or table: one thread that fans new rows out to every subscriber. It sleeps
 * until it is woken — by an insert through the streams module, or by {@link #externalWrite()} when a
 * statement through any other Sluice API wrote the table — and then reads the rows past the last sequence
 * it delivered (the hidden sequence column orders them); nothing polls. For a table, plain SQL can also update rows in place (their sequence
 * stays) or delete them (nothing is left behind): after an announced external write the feed compares the
 * stored rows with the current rows it keeps while it has subscribers, and sends changed rows as upserts
 * and missing keys as tombstones. The feed only queries while someone subscribes.
 */
final class SourcePoller {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);
    private static final int BATCH_ROWS = 5_000;

    private final SourceDefinition definition;
    private final EngineAccess db;
    private final String selectChanges;
    private final String selectAll;
    private final int[] keyIndexes;
    private final Object lock = new Object();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    /** A table's current rows by key, as last delivered (kept while it has subscribers). */
    private final Map<List<Object>, List<Object>> current = new HashMap<>();
    private long lastSequence;
    private final AtomicBoolean externalWrite = new AtomicBoolean();
    private volatile boolean running = true;
    private final Thread thread;

    SourcePoller(SourceDefinition definition, EngineAccess db) {
        this.definition = definition;
        this.db = db;
        String table = EngineAccess.quote(definition.name());
        String columns = String.join(", ", definition.columns().stream().map(c -> EngineAccess.quote(c.name())).toList());
        this.selectChanges = "SELECT " + columns + ", " + StreamService.SEQUENCE_COLUMN + " FROM " + table
                + " WHERE " + StreamService.SEQUENCE_COLUMN + " > ? ORDER BY " + StreamService.SEQUENCE_COLUMN + " LIMIT ?";
        this.selectAll = "SELECT " + columns + ", " + StreamService.SEQUENCE_COLUMN + " FROM " + table;
        this.keyIndexes = definition.keyColumns().stream().mapToInt(c -> definition.columnIndex(c.name())).toArray();
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

    /**
     * A statement outside the streams module wrote this source: new rows are found by their sequence; on a
     * table, rows updated in place or deleted are found by comparing with the rows the feed knows.
     */
    void externalWrite() {
        externalWrite.set(true);
        wake();
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
            boolean more = false;
            if (!subscribers.isEmpty()) {
                try {
                    more = cycle();
                } catch (RuntimeException e) {
                    LOG.debug("reading the feed of {} failed", definition.name(), e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    more = true; // try again: the failure may pass (the table busy or being replaced)
                }
            }
            if (!more && running) {
                // Until wake(): a permit given while a cycle ran makes this return at once, so no write is missed.
                LockSupport.park(this);
            }
        }
    }

    private boolean cycle() {
        boolean compare = externalWrite.getAndSet(false);
        synchronized (lock) {
            List<ChangeRow> rows = changesAfter(lastSequence, BATCH_ROWS);
            for (ChangeRow row : rows) {
                lastSequence = row.sequence();
                if (definition.kind() == SourceKind.TABLE) {
                    current.put(key(row.values()), row.values());
                }
                for (Subscription subscription : subscribers) {
                    if (subscription.live && row.sequence() > subscription.position) {
                        subscription.position = row.sequence();
                        subscription.deliver(row);
                    }
                }
            }
            boolean more = rows.size() == BATCH_ROWS;
            if (more) {
                externalWrite.compareAndSet(false, compare);
            } else if (compare && definition.kind() == SourceKind.TABLE) {
                compareTable();
            }
            if (!rows.isEmpty() || compare) {
                subscribers.forEach(Subscription::delivered);
            }
            return more;
        }
    }

    /** Finds rows that plain SQL updated in place (upserts) or deleted (tombstones) since the last look. */
    private void compareTable() {
        Map<List<Object>, List<Object>> stored = new HashMap<>();
        int width = definition.columns().size();
        for (List<Object> row : db.query(selectAll, List.of())) {
            List<Object> values = row.subList(0, width);
            stored.put(key(values), values);
        }
        List<ChangeRow> changes = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Object>> row : stored.entrySet()) {
            if (!row.getValue().equals(current.get(row.getKey()))) {
                changes.add(new ChangeRow(lastSequence, row.getValue(), false));
            }
        }
        for (List<Object> key : current.keySet()) {
            if (!stored.containsKey(key)) {
                List<Object> values = new ArrayList<>(java.util.Collections.nCopies(width, null));
                for (int index = 0; index < keyIndexes.length; index++) {
                    values.set(keyIndexes[index], key.get(index));
                }
                changes.add(new ChangeRow(lastSequence, values, true));
            }
        }
        current.clear();
        for (Map.Entry<List<Object>, List<Object>> row : stored.entrySet()) {
            current.put(row.getKey(), new ArrayList<>(row.getValue()));
        }
        for (ChangeRow change : changes) {
            for (Subscription subscription : subscribers) {
                if (subscription.live) {
                    subscription.deliver(change);
                }
            }
        }
    }

    private void resynchronise() {
        Object max = db.query("SELECT max(" + StreamService.SEQUENCE_COLUMN + ") FROM " + EngineAccess.quote(definition.name()),
                List.of()).getFirst().getFirst();
        lastSequence = max == null ? 0 : ((Number) max).longValue();
        if (definition.kind() == SourceKind.TABLE) {
            current.clear();
            int width = definition.columns().size();
            for (List<Object> row : db.query(selectAll, List.of())) {
                List<Object> values = new ArrayList<>(row.subList(0, width));
                current.put(key(values), values);
            }
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
