package io.sluice.core.streams;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of one stream or table, fanned out to every subscriber by the thread that wrote the rows.
 *
 * <p>Every write to the source passes its write gate, one writer at a time, and publishes before it leaves:
 * so rows reach the feed in the order of their sequence (the hidden column that orders them) and no row
 * that commits late can hide behind one already delivered. Writes through the streams module
 * ({@code /ksql} and {@code /inserts-stream} inserts, persistent aggregates) use {@code INSERT … RETURNING}
 * and hand the committed rows over as they are — the feed reads nothing back. A statement through any other
 * Sluice API is announced by the statement path ({@link WriteObservingEngine}), which holds the gate while
 * it runs; then the feed reads the rows past the last sequence it delivered and, on a table, compares the
 * stored rows with the current rows it keeps to find rows updated in place (upserts) and deleted
 * (tombstones). The feed only reads or keeps anything while someone subscribes.
 */
final class SourceFeed {

    private static final Logger LOG = LoggerFactory.getLogger(SourceFeed.class);
    private static final int BATCH_ROWS = 5_000;
    /**
     * How long a write waits for the one before it on the same source. Writes through the streams module
     * take milliseconds; only a long plain-SQL statement on the source (a bulk INSERT … SELECT) holds the gate
     * longer, and a writer behind it gets an error rather than waiting without end.
     */
    private static final long GATE_WAIT_SECONDS = 60;

    private final SourceDefinition definition;
    private final EngineAccess db;
    private final String columnList;
    private final String selectChanges;
    private final String selectAll;
    private final int[] keyIndexes;
    /** One writer at a time; a semaphore, since a statement may be closed on another thread than it ran on. */
    private final Semaphore writeGate = new Semaphore(1);
    private final Object lock = new Object();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    /** A table's current rows by key, as last delivered (kept while it has subscribers). Guarded by lock. */
    private final Map<List<Object>, List<Object>> current = new HashMap<>();
    /** The sequence of the last row delivered. Guarded by lock. */
    private long lastSequence;
    /** A read-back failed: the next write reads back first, so no row is skipped. Guarded by lock. */
    private boolean behind;
    /** The source's insert, kept prepared from its first use until the source is dropped. Guarded by the gate. */
    private EngineAccess.Reused insert;
    private boolean closed;

    SourceFeed(SourceDefinition definition, EngineAccess db) {
        this.definition = definition;
        this.db = db;
        String table = EngineAccess.quote(definition.name());
        this.columnList = String.join(", ", definition.columns().stream().map(c -> EngineAccess.quote(c.name())).toList())
                + ", " + StreamService.SEQUENCE_COLUMN;
        this.selectChanges = "SELECT " + columnList + " FROM " + table + " WHERE " + StreamService.SEQUENCE_COLUMN
                + " > ? ORDER BY " + StreamService.SEQUENCE_COLUMN + " LIMIT ?";
        this.selectAll = "SELECT " + columnList + " FROM " + table;
        this.keyIndexes = definition.keyColumns().stream().mapToInt(c -> definition.columnIndex(c.name())).toArray();
    }

    SourceDefinition definition() {
        return definition;
    }

    List<Subscription> subscribers() {
        return List.copyOf(subscribers);
    }

    /** What a write through the streams module appends to its statement so it hands back the rows it stored. */
    String returning() {
        return " RETURNING " + columnList;
    }

    // ---- writes ----------------------------------------------------------------------------------------

    /**
     * Inserts one row (a value per column, in column order; on a table an existing key is updated) and
     * publishes it. Values are bound as parameters and cast to the column types by the engine.
     */
    void insert(List<Object> values) {
        enter();
        try {
            if (closed) {
                throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Cannot insert values into an unknown stream/table: "
                        + definition.name());
            }
            if (insert == null) {
                insert = db.prepare(insertSql());
            }
            publish(insert.query(values));
        } finally {
            leave();
        }
    }

    /** INSERT … RETURNING of one row, every column bound; on a table an upsert that also renews the sequence. */
    private String insertSql() {
        List<String> columns = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        for (SourceColumn column : definition.columns()) {
            columns.add(EngineAccess.quote(column.name()));
            placeholders.add("CAST(? AS " + column.sqlType() + ")");
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(EngineAccess.quote(definition.name()))
                .append(" (").append(String.join(", ", columns)).append(") VALUES (").append(String.join(", ", placeholders)).append(')');
        if (definition.kind() == SourceKind.TABLE) {
            List<String> keys = definition.keyColumns().stream().map(c -> EngineAccess.quote(c.name())).toList();
            List<String> updates = new ArrayList<>();
            for (SourceColumn column : definition.columns()) {
                if (!column.key()) {
                    updates.add(EngineAccess.quote(column.name()) + " = excluded." + EngineAccess.quote(column.name()));
                }
            }
            updates.add(StreamService.SEQUENCE_COLUMN + " = nextval('"
                    + StreamService.sequenceName(definition.name()).replace("'", "''") + "')");
            sql.append(" ON CONFLICT (").append(String.join(", ", keys)).append(") DO UPDATE SET ").append(String.join(", ", updates));
        }
        return sql.append(returning()).toString();
    }

    /**
     * The source is being dropped: waits for a write under way, then refuses further writes and releases the
     * kept insert; {@code whileClosed} (dropping the table) runs before another write could start.
     */
    void close(Runnable whileClosed) {
        enter();
        try {
            closed = true;
            if (insert != null) {
                insert.close();
                insert = null;
            }
            whileClosed.run();
        } finally {
            leave();
        }
    }

    /**
     * Runs a write of the streams module that ends in {@link #returning()} and publishes the rows it
     * returns, once they are committed, holding the gate throughout.
     */
    void write(Supplier<List<List<Object>>> statement) {
        enter();
        try {
            publish(statement.get());
        } finally {
            leave();
        }
    }

    /** Takes the write gate; every write to the source holds it until what it wrote is published. */
    void enter() {
        try {
            if (!writeGate.tryAcquire(GATE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new SluiceException(ErrorCode.BUSY, "Another write to " + definition.name()
                        + " has been running for more than " + GATE_WAIT_SECONDS + " seconds; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.CANCELLED, "Interrupted while waiting to write " + definition.name());
        }
    }

    void leave() {
        writeGate.release();
    }

    /**
     * With the gate held, after a statement outside the streams module may have written the source: delivers
     * the new rows and, on a table, rows updated in place and tombstones for deleted keys.
     */
    void readBack() {
        synchronized (lock) {
            if (!subscribers.isEmpty()) {
                catchUp();
                subscribers.forEach(Subscription::delivered);
            }
        }
    }

    /** Delivers rows just committed by the gate's holder (values in column order, then the sequence). */
    private void publish(List<List<Object>> stored) {
        synchronized (lock) {
            if (subscribers.isEmpty()) {
                return;
            }
            if (behind) {
                catchUp(); // reads these rows too, after the ones a failed read-back left behind
            } else {
                List<ChangeRow> rows = changeRows(stored);
                rows.sort(Comparator.comparingLong(ChangeRow::sequence));
                rows.forEach(this::deliver);
            }
            subscribers.forEach(Subscription::delivered);
        }
    }

    /** Reads what was committed past the last delivered row, and on a table compares stored with current rows. */
    private void catchUp() {
        try {
            List<ChangeRow> rows;
            do {
                rows = changesAfter(lastSequence, BATCH_ROWS);
                rows.forEach(this::deliver);
            } while (rows.size() == BATCH_ROWS);
            if (definition.kind() == SourceKind.TABLE) {
                compareTable();
            }
            behind = false;
        } catch (RuntimeException e) {
            // The table may be busy or being replaced; the next write to it reads back again.
            LOG.debug("reading the feed of {} failed", definition.name(), e);
            behind = true;
        }
    }

    private void deliver(ChangeRow row) {
        if (row.sequence() <= lastSequence) {
            return;
        }
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

    // ---- readers ---------------------------------------------------------------------------------------

    /** Registers a reader: from now on (latest), or replaying everything after {@code after} first. */
    Subscription subscribe(String id, String statement, int capacity, boolean earliest, long after, Runnable onClose) {
        synchronized (lock) {
            if (subscribers.isEmpty()) {
                resynchronise();
            }
            Subscription subscription = new Subscription(id, statement, this, capacity,
                    earliest ? after : lastSequence, !earliest, onClose);
            subscribers.add(subscription);
            return subscription;
        }
    }

    void unsubscribe(Subscription subscription) {
        subscribers.remove(subscription);
    }

    void stop(String message) {
        for (Subscription subscription : subscribers) {
            subscription.end(message);
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

    // ---- reading the table -----------------------------------------------------------------------------

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
                List<Object> values = new ArrayList<>(Collections.nCopies(width, null));
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
        behind = false;
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
        return changeRows(db.query(selectChanges, List.of(sequence, (long) limit)));
    }

    /** Rows as the feed's queries and {@link #returning()} give them: the columns, then the sequence. */
    private List<ChangeRow> changeRows(List<List<Object>> rows) {
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
