package io.sluice.engine.duckdb;

import io.sluice.core.engine.Engine;
import java.util.List;

/**
 * The DuckDB engine as the server uses it beyond running statements: trusted setup SQL, the audit table and
 * memory figures. Two implementations: {@link DuckDbEngine} in this process, and the supervised engine process
 * ({@code io.sluice.engine.process.ProcessEngine}), which forwards each call to a DuckDbEngine running there.
 */
public interface DuckDbDatabase extends Engine {

    /** Each node has its own database file: its tables are its own, even in a cluster. */
    @Override
    default boolean nodeLocal() {
        return true;
    }

    /** Trusted setup SQL (demo tables, migrations), never user SQL; still locked down. */
    void executeTrusted(String sql);

    /** Trusted SQL with bound parameters (internal bookkeeping), never user SQL. */
    void executeTrusted(String sql, List<Object> parameters);

    /** Bytes DuckDB's buffer manager holds in memory, or spilled when {@code temporary}; -1 when it cannot tell. */
    long memoryBytes(boolean temporary);

    /** Appends rows, in the column order of {@link AuditRows#COLUMNS}, to the audit table {@code sluice.audit}. */
    void appendAuditRows(List<List<Object>> rows);
}
