package io.sluice.protocol.ksql;

import io.sluice.core.streams.Aggregation;
import java.util.List;
import java.util.Map;

/** The ksqlDB statements Sluice understands, as parsed by {@link KsqlParser}. {@code text} is the statement as sent. */
sealed interface KsqlStatement {

    String text();

    enum SourceType { STREAM, TABLE }

    record ColumnDefinition(String name, String ksqlType, boolean key) {
    }

    record CreateSource(String text, SourceType type, String name, List<ColumnDefinition> columns,
                        Map<String, String> properties, boolean ifNotExists) implements KsqlStatement {
    }

    record CreateAggregate(String text, String name, Map<String, String> properties, boolean ifNotExists,
                           String source, List<String> groupBy, List<Aggregation> aggregations) implements KsqlStatement {
    }

    record Drop(String text, SourceType type, String name, boolean ifExists) implements KsqlStatement {
    }

    /** SHOW/LIST {@code what} (STREAMS, TABLES, QUERIES or TOPICS), optionally EXTENDED. */
    record Show(String text, String what, boolean extended) implements KsqlStatement {
    }

    record Describe(String text, String name, boolean extended) implements KsqlStatement {
    }

    record Terminate(String text, String queryId) implements KsqlStatement {
    }

    record InsertValues(String text, String target, List<String> columns, List<Object> values) implements KsqlStatement {
    }

    /** A SELECT: push when {@code emitChanges}, else pull. {@code columns} null means {@code *}; limit -1 for none. */
    record Select(String text, List<String> columns, String source, Predicate where, boolean emitChanges, long limit)
            implements KsqlStatement {
    }
}
