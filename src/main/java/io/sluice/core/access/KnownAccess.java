package io.sluice.core.access;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.SessionContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a statement text touched the last time it ran, by engine and session context. Applications send the same
 * texts again and again; knowing the answer lets access control check the grants before asking the engine, and the
 * engine confirm and run in one step ({@link io.sluice.core.engine.EngineStatement#executeIfAccessing}). An entry is
 * only a guess: the engine runs nothing it did not confirm, so a stale or wrong entry costs a second step, never an
 * unchecked statement. Bounded: long texts are not kept, and the whole map is dropped when it is full (cheaper than
 * tracking recency, and refilled by the next runs).
 */
final class KnownAccess {

    static final int MAX_ENTRIES = 4096;
    static final int MAX_SQL_CHARS = 8192;

    /** The engine that analysed the text, the text and the context names resolve in. */
    record Key(String engine, String sql, SessionContext session) {

        /** Null for texts too long to keep. */
        static Key of(String engine, String sql, SessionContext session) {
            return sql == null || sql.length() > MAX_SQL_CHARS ? null : new Key(engine, sql, session);
        }
    }

    private final Map<Key, AccessedTables> known = new ConcurrentHashMap<>();

    AccessedTables get(Key key) {
        return known.get(key);
    }

    void put(Key key, AccessedTables accessed) {
        if (known.size() >= MAX_ENTRIES && !known.containsKey(key)) {
            known.clear();
        }
        known.put(key, accessed);
    }
}
