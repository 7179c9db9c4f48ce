package io.sluice.engine.duckdb;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tables recent read-only statements touch, so that a statement run again does not plan an extra
 * {@code EXPLAIN} just for access control and the audit (the EXPLAIN costs as much as running a small
 * statement). An entry is keyed by the exact SQL text, the session's catalog and schema and the parameter
 * values: values and not only their types, because a value can name a table ({@code query_table(?)}).
 *
 * <p>Any statement that can change what a name resolves to (DDL, ATTACH, USE, SET, transactions that could
 * roll DDL back, …) empties the cache before and after it runs. An analysis that overlapped such a change is
 * never served: entries carry the generation they were computed in, and a change starts a new one.
 */
final class AccessAnalysisCache {

    /** Words of statements that can change which objects a name resolves to, or what a view expands to. */
    private static final Set<String> CATALOG_CHANGING_WORDS = Set.of(
            "CREATE", "DROP", "ALTER", "REPLACE", "RENAME", "ATTACH", "DETACH", "IMPORT", "USE", "SET", "RESET",
            "PRAGMA", "CALL", "LOAD", "INSTALL", "COMMENT", "BEGIN", "COMMIT", "ROLLBACK", "ABORT", "START",
            "END", "TRUNCATE", "VACUUM", "CHECKPOINT", "EXPORT");
    /** Parameter values kept in keys: small immutable ones only, so the cache stays small and keys compare by value. */
    private static final int MAX_PARAMETERS = 32;
    private static final int MAX_TEXT_PARAMETER = 1024;

    record Key(String sql, String catalog, String schema, io.sluice.core.engine.SqlDialect dialect, Parameters parameters) {
    }

    private record Entry(long generation, AccessedTables tables) {
    }

    private final int capacity;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    AccessAnalysisCache(int capacity) {
        this.capacity = capacity;
    }

    /** True when running a statement with these words may change what names resolve to. */
    static boolean changesCatalog(List<String> words) {
        for (String word : words) {
            if (CATALOG_CHANGING_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The key of a request, or empty when its parameters are not worth or not safe to key on. */
    Optional<Key> keyFor(EngineRequest request) {
        Parameters parameters = request.parameters();
        if (parameters.size() > MAX_PARAMETERS) {
            return Optional.empty();
        }
        Collection<ParameterValue> values = switch (parameters) {
            case Parameters.Positional positional -> positional.values();
            case Parameters.Named named -> named.values().values();
        };
        for (ParameterValue value : values) {
            if (!keyable(value.value())) {
                return Optional.empty();
            }
        }
        return Optional.of(new Key(request.sql(), request.session().catalog(), request.session().schema(),
                request.session().dialect(), parameters));
    }

    private static boolean keyable(Object value) {
        return value == null || value instanceof Number || value instanceof Boolean
                || value instanceof String text && text.length() <= MAX_TEXT_PARAMETER
                || value instanceof java.time.temporal.Temporal || value instanceof java.util.UUID;
    }

    /** The generation to pass to {@link #put} for an analysis started now. */
    long generation() {
        return generation.get();
    }

    Optional<AccessedTables> get(Key key) {
        Entry entry = entries.get(key);
        return entry != null && entry.generation() == generation.get() ? Optional.of(entry.tables()) : Optional.empty();
    }

    void put(Key key, long startedInGeneration, AccessedTables tables) {
        if (startedInGeneration != generation.get()) {
            return;
        }
        if (entries.size() >= capacity) {
            // Statements repeat in small sets (dashboards, services); a full cache is simply started over.
            entries.clear();
        }
        entries.put(key, new Entry(startedInGeneration, tables));
    }

    /** Forgets every analysis: something may now resolve differently. */
    void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }
}
