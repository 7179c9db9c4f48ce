package io.sluice.core.types;

import java.util.Objects;

/** One result column: its name, canonical type and whether it may hold NULL. */
public record Column(String name, SqlType type, boolean nullable) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
