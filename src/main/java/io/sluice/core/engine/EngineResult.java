package io.sluice.core.engine;

import io.sluice.core.result.BatchStream;

/** What a statement produced: rows to read, or a count of changed rows for DML/DDL. */
public sealed interface EngineResult {

    /** True when the statement may have changed data, so results cached from the tables it touched are stale. */
    boolean modifiesData();

    record Rows(BatchStream rows, boolean modifiesData) implements EngineResult {
    }

    /** DML or DDL without a result set; {@code count} is the number of changed rows, 0 for DDL. */
    record UpdateCount(long count, boolean modifiesData) implements EngineResult {
    }
}
