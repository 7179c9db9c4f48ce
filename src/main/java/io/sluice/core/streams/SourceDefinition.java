package io.sluice.core.streams;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stream or table: its name (as stored, usually upper case), columns, the WITH properties it was created
 * with, the statement text that created it and, for a table created AS SELECT, the aggregate that feeds it.
 */
public record SourceDefinition(String name, SourceKind kind, List<SourceColumn> columns, Map<String, String> properties,
                               String statement, AggregateDefinition aggregate) {
    public SourceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        columns = List.copyOf(columns);
        properties = Map.copyOf(properties);
        statement = statement == null ? "" : statement;
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a stream or table needs columns");
        }
        if (kind == SourceKind.TABLE && columns.stream().noneMatch(SourceColumn::key)) {
            throw new IllegalArgumentException("a table needs a PRIMARY KEY column");
        }
    }

    public int columnIndex(String column) {
        for (int index = 0; index < columns.size(); index++) {
            if (columns.get(index).name().equalsIgnoreCase(column)) {
                return index;
            }
        }
        return -1;
    }

    public List<SourceColumn> keyColumns() {
        return columns.stream().filter(SourceColumn::key).toList();
    }
}
