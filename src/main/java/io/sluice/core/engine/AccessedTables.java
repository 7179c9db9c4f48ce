package io.sluice.core.engine;

import java.util.Objects;
import java.util.Set;

/**
 * What a statement touches, as the engine resolved it (views expanded to their base tables, CTEs, aliases,
 * quoting and case resolved). Table names are lower-case {@code catalog.schema.table}.
 *
 * @param kind what sort of statement it is
 * @param reads tables it reads
 * @param writes tables it inserts into, updates or deletes from
 * @param functions table functions it calls other than harmless generators (upper-case names), e.g. DUCKDB_TABLES
 */
public record AccessedTables(Kind kind, Set<String> reads, Set<String> writes, Set<String> functions) {

    public enum Kind {
        /** SELECT and other statements that only read. */
        QUERY,
        /** INSERT into the table in {@code writes} (reading what {@code reads} names). */
        INSERT,
        UPDATE,
        DELETE,
        /** Anything else: DDL, settings, transactions, PRAGMA, COPY, EXPLAIN, several statements in one text. */
        OTHER
    }

    public AccessedTables {
        Objects.requireNonNull(kind, "kind");
        reads = Set.copyOf(reads);
        writes = Set.copyOf(writes);
        functions = Set.copyOf(functions);
    }
}
