package io.sluice.core.io;

import java.util.List;

/**
 * A small text document (lines) that several nodes share, such as the API keys or the grants, with a
 * version number for optimistic concurrency: a write names the version it was derived from and fails when
 * another node wrote in between, so no change is lost. Failures to reach the store are
 * {@link io.sluice.core.error.SluiceException}s with STORAGE_UNAVAILABLE.
 */
public interface SharedDocument {

    /** The document as stored; version 0 and no lines when it was never written. */
    Snapshot read();

    /** The current version only (cheap; used to notice changes by other nodes). */
    long version();

    /** Stores {@code lines} as version {@code expectedVersion + 1}; false when the stored version moved on. */
    boolean write(long expectedVersion, List<String> lines);

    record Snapshot(long version, List<String> lines) {
        public Snapshot {
            lines = List.copyOf(lines);
        }
    }
}
