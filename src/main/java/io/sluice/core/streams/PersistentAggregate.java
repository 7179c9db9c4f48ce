package io.sluice.core.streams;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a persistent query {@code CREATE TABLE sink AS SELECT k…, agg… FROM source GROUP BY k…}: reads the
 * source's change feed and folds each batch of new rows into the sink table with one upsert that adds the
 * batch's per-key deltas to the stored aggregates — the whole table is never recomputed. The upsert also
 * records the last source sequence it covered, atomically with the aggregates, so after a restart the query
 * resumes exactly where it stopped.
 */
final class PersistentAggregate {

    private static final Logger LOG = LoggerFactory.getLogger(PersistentAggregate.class);
    static final String SOURCE_SEQUENCE_COLUMN = "__sluice_source_seq";
    private static final int BATCH_ROWS = 1_000;

    private final SourceDefinition sink;
    private final AggregateDefinition query;
    private final SourceDefinition source;
    private final EngineAccess db;
    private final SourceFeed sinkFeed;
    private final int[] groupIndexes;
    private final int[] argumentIndexes;
    private final String upsertPrefix;
    private final String upsertSuffix;
    private volatile Subscription subscription;
    private volatile Thread thread;
    private volatile String state = "RUNNING";

    PersistentAggregate(SourceDefinition sink, SourceDefinition source, EngineAccess db, SourceFeed sinkFeed) {
        this.sink = sink;
        this.query = sink.aggregate();
        this.source = source;
        this.db = db;
        this.sinkFeed = sinkFeed;
        this.groupIndexes = query.groupBy().stream().mapToInt(source::columnIndex).toArray();
        this.argumentIndexes = query.aggregations().stream()
                .mapToInt(a -> a.argument() == null ? -1 : source.columnIndex(a.argument())).toArray();
        List<String> columns = new ArrayList<>();
        for (String group : query.groupBy()) {
            columns.add(EngineAccess.quote(sink.columns().get(sink.columnIndex(group)).name()));
        }
        List<String> updates = new ArrayList<>();
        for (Aggregation aggregation : query.aggregations()) {
            String column = EngineAccess.quote(aggregation.alias());
            columns.add(column);
            String stored = column;
            String added = "excluded." + column;
            updates.add(column + " = " + switch (aggregation.function()) {
                case COUNT -> "coalesce(" + stored + ", 0) + " + added;
                case SUM -> "coalesce(" + stored + " + " + added + ", " + stored + ", " + added + ")";
                case MIN -> "least(" + stored + ", " + added + ")";
                case MAX -> "greatest(" + stored + ", " + added + ")";
            });
        }
        columns.add(SOURCE_SEQUENCE_COLUMN);
        updates.add(SOURCE_SEQUENCE_COLUMN + " = excluded." + SOURCE_SEQUENCE_COLUMN);
        updates.add(StreamService.SEQUENCE_COLUMN + " = nextval('" + StreamService.sequenceName(sink.name()).replace("'", "''") + "')");
        this.upsertPrefix = "INSERT INTO " + EngineAccess.quote(sink.name()) + " (" + String.join(", ", columns) + ") VALUES ";
        this.upsertSuffix = " ON CONFLICT (" + String.join(", ", columns.subList(0, query.groupBy().size()))
                + ") DO UPDATE SET " + String.join(", ", updates);
    }

    String queryId() {
        return query.queryId();
    }

    SourceDefinition sink() {
        return sink;
    }

    String state() {
        return state;
    }

    void start(SourceFeed sourceFeed) {
        Object resumed = db.query("SELECT max(" + SOURCE_SEQUENCE_COLUMN + ") FROM " + EngineAccess.quote(sink.name()),
                List.of()).getFirst().getFirst();
        long after = resumed == null ? 0 : ((Number) resumed).longValue();
        subscription = sourceFeed.subscribe(query.queryId(), sink.statement(), 100_000, true, after, () -> { });
        thread = Thread.ofVirtual().name("persistent-query-" + query.queryId()).start(this::run);
    }

    void stop() {
        state = "TERMINATED";
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        Thread running = thread;
        if (running != null) {
            try {
                running.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        List<ChangeRow> batch = new ArrayList<>();
        while (!subscription.isEnded()) {
            try {
                ChangeRow first = subscription.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                subscription.drainTo(batch, BATCH_ROWS);
                apply(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("persistent query {} failed", query.queryId(), e);
                state = "ERROR";
                subscription.close();
                return;
            }
        }
        if (subscription.failure() != null) {
            LOG.warn("persistent query {} stopped: {}", query.queryId(), subscription.failure().message());
            state = "ERROR";
        }
    }

    private void apply(List<ChangeRow> rows) {
        Map<List<Object>, Object[]> deltas = new LinkedHashMap<>();
        long lastSequence = 0;
        for (ChangeRow row : rows) {
            lastSequence = Math.max(lastSequence, row.sequence());
            if (row.tombstone()) {
                continue;
            }
            List<Object> key = new ArrayList<>(groupIndexes.length);
            for (int index : groupIndexes) {
                key.add(row.values().get(index));
            }
            Object[] delta = deltas.computeIfAbsent(key, ignored -> initial());
            for (int index = 0; index < argumentIndexes.length; index++) {
                Object value = argumentIndexes[index] < 0 ? null : row.values().get(argumentIndexes[index]);
                delta[index] = fold(query.aggregations().get(index).function(), delta[index], value, argumentIndexes[index] < 0);
            }
        }
        if (deltas.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(upsertPrefix);
        List<Object> parameters = new ArrayList<>();
        int width = groupIndexes.length + argumentIndexes.length + 1;
        String tuple = "(" + String.join(", ", java.util.Collections.nCopies(width, "?")) + ")";
        boolean first = true;
        for (Map.Entry<List<Object>, Object[]> entry : deltas.entrySet()) {
            sql.append(first ? "" : ", ").append(tuple);
            first = false;
            parameters.addAll(entry.getKey());
            parameters.addAll(java.util.Arrays.asList(entry.getValue()));
            parameters.add(lastSequence);
        }
        sql.append(upsertSuffix).append(sinkFeed.returning());
        // The upserted rows, with their new aggregates, go to the sink's subscribers as they are returned.
        sinkFeed.write(() -> db.query(sql.toString(), parameters));
    }

    private Object[] initial() {
        Object[] values = new Object[argumentIndexes.length];
        for (int index = 0; index < values.length; index++) {
            values[index] = query.aggregations().get(index).function() == Aggregation.Function.COUNT ? 0L : null;
        }
        return values;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fold(Aggregation.Function function, Object current, Object value, boolean star) {
        return switch (function) {
            case COUNT -> (Long) current + (star || value != null ? 1 : 0);
            case SUM -> value == null ? current : current == null ? widen(value) : add(current, widen(value));
            case MIN -> value == null ? current : current == null || ((Comparable) value).compareTo(current) < 0 ? value : current;
            case MAX -> value == null ? current : current == null || ((Comparable) value).compareTo(current) > 0 ? value : current;
        };
    }

    private static Object widen(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    private static Object add(Object left, Object right) {
        if (left instanceof Long a && right instanceof Long b) {
            return a + b;
        }
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.add(b);
        }
        return ((Number) left).doubleValue() + ((Number) right).doubleValue();
    }
}
