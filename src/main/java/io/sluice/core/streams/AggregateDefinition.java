package io.sluice.core.streams;

import java.util.List;
import java.util.Objects;

/**
 * A persistent query {@code CREATE TABLE sink AS SELECT groupBy…, aggregations… FROM source GROUP BY groupBy}:
 * the sink table is kept up to date as rows arrive on the source.
 */
public record AggregateDefinition(String queryId, String source, List<String> groupBy, List<Aggregation> aggregations) {
    public AggregateDefinition {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(source, "source");
        groupBy = List.copyOf(groupBy);
        aggregations = List.copyOf(aggregations);
        if (groupBy.isEmpty() || aggregations.isEmpty()) {
            throw new IllegalArgumentException("an aggregate needs GROUP BY columns and at least one aggregation");
        }
    }
}
