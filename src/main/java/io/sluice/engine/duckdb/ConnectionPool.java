package io.sluice.engine.duckdb;

import io.sluice.core.io.Closing;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Idle DuckDB connections kept for plain queries, each with the prepared statements it has already planned.
 *
 * <p>Why: for a small statement, DuckDB spends most of its time preparing (parse, bind, plan), not running
 * (in-process, {@code SELECT 1}: about 0.45 ms with a new connection and a new prepare, 0.15 ms re-executing a
 * prepared statement on a kept connection). A fresh connection per statement cannot keep its prepared statements.
 *
 * <p>Isolation: a connection only goes back to the pool after a statement that cannot have left anything behind
 * in it ({@link #reusable}: one read-only query in the default session, none of the words that create temporary
 * objects, set variables, prepare SQL-level statements or read or set per-connection sequence and random state),
 * that was neither cancelled nor failed. Everything else gets a fresh connection of its own, closed when the
 * statement ends, as before. Cached plans are dropped whenever the catalog may have changed ({@code generation}).
 */
final class ConnectionPool implements AutoCloseable {

    /** Statement starts that are queries. */
    private static final Set<String> QUERY_STARTS = Set.of("SELECT", "WITH", "VALUES", "FROM", "TABLE");
    /** Words that touch per-connection state beyond what {@link DataModification} already calls modifying. */
    private static final Set<String> SESSION_STATE_WORDS = Set.of(
            "TEMP", "TEMPORARY", "PREPARE", "EXECUTE", "DEALLOCATE", "SETSEED", "CURRVAL", "LASTVAL", "VARIABLE");
    /** Prepared statements kept per connection (the least recently used one is closed beyond this). */
    static final int PREPARED_PER_CONNECTION = 32;

    private final int capacity;
    private final LongSupplier generation;
    private final ConcurrentLinkedDeque<Lease> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param capacity idle connections kept at most (busy ones are not counted: every statement still gets one)
     * @param generation changes whenever names may resolve differently; cached plans of an older one are dropped
     */
    ConnectionPool(int capacity, LongSupplier generation) {
        this.capacity = capacity;
        this.generation = generation;
    }

    /** True when a statement with this scan, run in the default session, leaves its connection as it found it. */
    static boolean reusable(SqlScanner.Scan scan, boolean defaultSession) {
        List<String> words = scan.words();
        if (!defaultSession || scan.statements() != 1 || words.isEmpty() || !QUERY_STARTS.contains(words.getFirst())
                || DataModification.mayModify(words, true) || AccessAnalysisCache.changesCatalog(words)) {
            return false;
        }
        for (String word : words) {
            if (SESSION_STATE_WORDS.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** An idle pooled connection, or null when there is none (the caller then makes one and lends it here). */
    Lease poll() {
        Lease lease = idle.pollFirst();
        if (lease == null) {
            return null;
        }
        idleCount.decrementAndGet();
        lease.forgetPlansOlderThan(generation.getAsLong());
        return lease;
    }

    /** A new lease of a connection made by the caller, to be given back through {@link #release}. */
    Lease adopt(DuckDBConnection connection) {
        return new Lease(connection, generation.getAsLong());
    }

    /** Gives a lease back: kept when {@code clean} and there is room, otherwise closed. */
    void release(Lease lease, boolean clean) {
        if (clean && !closed) {
            if (idleCount.incrementAndGet() <= capacity) {
                idle.offerFirst(lease);
                if (closed && idle.remove(lease)) {
                    lease.close(); // close() ran meanwhile and may have missed it
                }
                return;
            }
            idleCount.decrementAndGet();
        }
        lease.close();
    }

    /** Idle connections now (for tests and diagnostics). */
    int idle() {
        return idle.size();
    }

    @Override
    public void close() {
        closed = true;
        Lease lease;
        while ((lease = idle.pollFirst()) != null) {
            lease.close();
        }
    }

    /** One connection and the statements prepared on it; used by one statement at a time. */
    static final class Lease {

        private final DuckDBConnection connection;
        private long generation;
        private final Map<String, DuckDBPreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DuckDBPreparedStatement> eldest) {
                if (size() > PREPARED_PER_CONNECTION) {
                    Closing.quietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };

        private Lease(DuckDBConnection connection, long generation) {
            this.connection = connection;
            this.generation = generation;
        }

        DuckDBConnection connection() {
            return connection;
        }

        /** The statement prepared on this connection before, or a new one, kept for the next time. */
        DuckDBPreparedStatement prepared(String sql) throws SQLException {
            DuckDBPreparedStatement statement = prepared.get(sql);
            if (statement == null || statement.isClosed()) {
                statement = connection.prepareStatement(sql).unwrap(DuckDBPreparedStatement.class);
                prepared.put(sql, statement);
            }
            return statement;
        }

        private void forgetPlansOlderThan(long current) {
            if (generation != current) {
                prepared.values().forEach(Closing::quietly);
                prepared.clear();
                generation = current;
            }
        }

        private void close() {
            prepared.values().forEach(Closing::quietly);
            prepared.clear();
            Closing.quietly(connection);
        }
    }
}
