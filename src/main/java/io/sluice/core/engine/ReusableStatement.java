package io.sluice.core.engine;

import org.apache.arrow.memory.BufferAllocator;

/**
 * One statement text prepared once and run many times with different parameters, for callers that run the
 * same small statement at a high rate (the streams module's inserts): preparing costs an embedded engine
 * about as much as running a one-row insert. Runs take turns: {@link #open} waits until the previous run is
 * closed. Obtained from {@link Engine#prepare}.
 */
public interface ReusableStatement extends AutoCloseable {

    /** One run with these parameters; its batches are allocated from {@code allocator}. */
    EngineStatement open(Parameters parameters, BufferAllocator allocator);

    /** Releases what the engine keeps for the statement (its connection). Idempotent. */
    @Override
    void close();
}
