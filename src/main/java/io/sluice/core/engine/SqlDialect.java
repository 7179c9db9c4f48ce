package io.sluice.core.engine;

/**
 * Whose function names a statement is written with. Clients of a vendor protocol send that vendor's SQL; an engine
 * that speaks another dialect can resolve the vendor's functions (and their meanings, where a name means something
 * else in the engine) for statements marked with it. An engine that already speaks the dialect ignores the mark.
 */
public enum SqlDialect {
    /** The engine's own SQL, as every protocol but Trino's sends it. */
    ENGINE,
    /** Trino's functions: {@code date_add('day', 1, x)}, {@code date_diff}, {@code format_datetime} and the rest. */
    TRINO
}
