package io.sluice.protocol.druid;

import io.sluice.core.auth.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which statements run under which Druid {@code sqlQueryId}. Druid does not make the id unique, so one id
 * may name several running queries, and a cancel stops them all.
 */
final class DruidQueryRegistry {

    /** One running statement and who started it. */
    record Running(Principal owner, String statementId) {
    }

    private final Map<String, Set<Running>> running = new ConcurrentHashMap<>();

    void add(String sqlQueryId, Running query) {
        running.computeIfAbsent(sqlQueryId, id -> ConcurrentHashMap.newKeySet()).add(query);
    }

    void remove(String sqlQueryId, Running query) {
        running.computeIfPresent(sqlQueryId, (id, queries) -> {
            queries.remove(query);
            return queries.isEmpty() ? null : queries;
        });
    }

    List<Running> running(String sqlQueryId) {
        Set<Running> queries = running.get(sqlQueryId);
        return queries == null ? List.of() : List.copyOf(queries);
    }
}
