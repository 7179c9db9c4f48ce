package io.sluice.core.statement;

import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * DML and DDL answer with a one-row result {@code count BIGINT}, so every statement has a result that
 * every protocol and format can deliver the same way.
 */
final class UpdateCountStream {

    static final ResultSchema SCHEMA = new ResultSchema(List.of(new Column("count", SqlType.BIGINT, false)));

    private UpdateCountStream() {
    }

    static BatchStream of(long count, BufferAllocator allocator) {
        BigIntVector vector = new BigIntVector("count", allocator);
        vector.allocateNew(1);
        vector.set(0, count);
        vector.setValueCount(1);
        VectorSchemaRoot root = VectorSchemaRoot.of(vector);
        root.setRowCount(1);
        return new io.sluice.core.result.SingleBatchStream(SCHEMA, root);
    }
}
