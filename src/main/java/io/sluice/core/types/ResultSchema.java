package io.sluice.core.types;

import java.util.List;

/** The columns of a result, in order. A statement without a result (DDL, DML) has an empty schema. */
public record ResultSchema(List<Column> columns) {
    public static final ResultSchema EMPTY = new ResultSchema(List.of());

    public ResultSchema {
        columns = List.copyOf(columns);
    }

    public int size() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }
}
