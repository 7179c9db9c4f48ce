package io.sluice.core.access;

import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** An {@link AdminAnswer} as one Arrow batch of VARCHAR columns, so every protocol and format can deliver it. */
final class AnswerStream {

    private AnswerStream() {
    }

    static BatchStream of(AdminAnswer answer, BufferAllocator allocator) {
        ResultSchema schema = new ResultSchema(answer.columns().stream().map(name -> new Column(name, SqlType.VARCHAR, true)).toList());
        List<FieldVector> vectors = new ArrayList<>();
        for (int column = 0; column < answer.columns().size(); column++) {
            VarCharVector vector = new VarCharVector(answer.columns().get(column), allocator);
            vector.allocateNew(Math.max(1, answer.rows().size()));
            for (int row = 0; row < answer.rows().size(); row++) {
                String value = answer.rows().get(row).get(column);
                if (value == null) {
                    vector.setNull(row);
                } else {
                    vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
                }
            }
            vector.setValueCount(answer.rows().size());
            vectors.add(vector);
        }
        VectorSchemaRoot root = new VectorSchemaRoot(vectors);
        root.setRowCount(answer.rows().size());
        return new io.sluice.core.result.SingleBatchStream(schema, root);
    }
}
