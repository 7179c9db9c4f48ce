package io.sluice.core.streams;

import java.util.List;

/**
 * One change on a stream or table: the row's values in the source's column order, its position in the
 * source's sequence, and whether it deletes the row with this key (then only key columns are set).
 */
public record ChangeRow(long sequence, List<Object> values, boolean tombstone) {
    public ChangeRow {
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
}
