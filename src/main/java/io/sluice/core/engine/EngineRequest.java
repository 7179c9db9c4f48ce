package io.sluice.core.engine;

import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One statement for an engine: the SQL text, its parameters, the session and the allocator that result
 * batches are allocated from (the caller closes it after the result is closed).
 */
public record EngineRequest(String sql, Parameters parameters, SessionContext session, BufferAllocator allocator) {
    public EngineRequest {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(allocator, "allocator");
    }
}
