package io.sluice.core.streams;

import java.util.Objects;

/**
 * One aggregate of a persistent query, maintained incrementally: COUNT (argument null for COUNT(*)),
 * SUM, MIN or MAX of a source column, stored in the sink column {@code alias}.
 */
public record Aggregation(Function function, String argument, String alias) {

    public enum Function { COUNT, SUM, MIN, MAX }

    public Aggregation {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(alias, "alias");
        if (function != Function.COUNT && argument == null) {
            throw new IllegalArgumentException(function + " needs a column");
        }
    }
}
