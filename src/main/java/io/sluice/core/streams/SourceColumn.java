package io.sluice.core.streams;

import java.util.Objects;

/**
 * One column of a stream or table. {@code sqlType} is standard SQL type text (VARCHAR, INTEGER, BIGINT,
 * DOUBLE, BOOLEAN, DECIMAL(p,s), DATE, TIME, TIMESTAMP, BLOB); {@code key} marks the key (streams) or the
 * primary key (tables).
 */
public record SourceColumn(String name, String sqlType, boolean key) {
    public SourceColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
    }
}
