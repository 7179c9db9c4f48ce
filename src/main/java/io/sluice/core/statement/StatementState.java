package io.sluice.core.statement;

/** The one life of a statement, whatever protocol started it: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
public enum StatementState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
