package io.sluice.engine.duckdb;

import java.util.List;
import java.util.Set;

/**
 * Decides whether a statement may change data, so cached results become stale. Errs towards "yes": only a
 * statement that starts with a read-only keyword and contains no modifying keyword anywhere (outside
 * strings, quoted names and comments) counts as read-only. A column that happens to be called
 * {@code update} makes a SELECT look modifying, which only costs a cache entry.
 */
final class DataModification {

    private static final Set<String> READ_ONLY_STARTS = Set.of(
            "SELECT", "WITH", "VALUES", "FROM", "TABLE", "SHOW", "DESCRIBE", "DESC", "SUMMARIZE", "EXPLAIN",
            "PIVOT", "UNPIVOT");

    private static final Set<String> MODIFYING_WORDS = Set.of(
            "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "CREATE", "DROP", "ALTER", "TRUNCATE", "COPY",
            "ATTACH", "DETACH", "IMPORT", "EXPORT", "INSTALL", "LOAD", "CALL", "SET", "RESET", "PRAGMA", "VACUUM",
            "CHECKPOINT", "NEXTVAL", "SETVAL", "BEGIN", "COMMIT", "ROLLBACK", "ABORT", "USE", "REPLACE", "COMMENT",
            "ANALYZE", "INTO");

    private DataModification() {
    }

    /**
     * @param words the upper-cased unquoted words of the statement
     * @param returnsRows whether DuckDB reports a query result (DDL and DML without RETURNING do not)
     */
    static boolean mayModify(List<String> words, boolean returnsRows) {
        if (!returnsRows || words.isEmpty() || !READ_ONLY_STARTS.contains(words.getFirst())) {
            return true;
        }
        return words.stream().anyMatch(MODIFYING_WORDS::contains);
    }
}
