package io.sluice.core.export;

import io.sluice.core.error.SluiceError;
import java.util.Optional;

/**
 * How each statement's export went, where every node of a cluster can read it: a node asked for the status of a
 * statement another node exported shows the same export block (its state and links). One node keeps nothing here:
 * the node that ran the export has it in memory.
 */
public interface ExportRecords {

    /** A statement's export: RUNNING, SUCCEEDED with its result, or FAILED with its error. */
    record Entry(String state, ExportResult result, SluiceError error) {
        public static final String RUNNING = "RUNNING";
        public static final String SUCCEEDED = "SUCCEEDED";
        public static final String FAILED = "FAILED";
    }

    void record(String statementId, Entry entry);

    Optional<Entry> find(String statementId);

    /** One node: nothing shared. */
    ExportRecords NONE = new ExportRecords() {
        @Override
        public void record(String statementId, Entry entry) {
        }

        @Override
        public Optional<Entry> find(String statementId) {
            return Optional.empty();
        }
    };
}
