package io.sluice.core.access;

/** What a grant allows on a table or on every table of a schema. ALL means every privilege. */
public enum Privilege {
    SELECT, INSERT, UPDATE, DELETE, ALL;

    boolean covers(Privilege wanted) {
        return this == ALL || this == wanted;
    }
}
