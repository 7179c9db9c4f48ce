package io.sluice.core.access;

import java.util.Objects;

/**
 * A privilege given to a role on one table ({@code TABLE}, object {@code catalog.schema.table}) or on every
 * table of a schema ({@code SCHEMA}, object {@code catalog.schema}). Names are lower-case as the engine resolved them.
 */
public record Grant(String role, Privilege privilege, ObjectKind on, String object) {

    public enum ObjectKind { TABLE, SCHEMA }

    public Grant {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(privilege, "privilege");
        Objects.requireNonNull(on, "on");
        Objects.requireNonNull(object, "object");
    }

    boolean allows(Privilege wanted, String table) {
        if (!privilege.covers(wanted)) {
            return false;
        }
        return on == ObjectKind.TABLE ? object.equals(table) : table.startsWith(object + ".")
                && table.indexOf('.', object.length() + 1) < 0;
    }
}
