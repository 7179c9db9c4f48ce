package io.sluice.core.result;

import io.sluice.core.types.ResultSchema;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A result that is one batch built in memory — a DML row count, an admin statement's answer — delivered
 * through the same {@link BatchStream} every protocol and format already reads. Owns and closes the batch.
 */
public final class SingleBatchStream implements BatchStream {

    private final ResultSchema schema;
    private final VectorSchemaRoot root;
    private boolean delivered;

    public SingleBatchStream(ResultSchema schema, VectorSchemaRoot root) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.root = Objects.requireNonNull(root, "root");
    }

    @Override
    public ResultSchema schema() {
        return schema;
    }

    @Override
    public boolean next() {
        if (delivered) {
            return false;
        }
        delivered = true;
        return true;
    }

    @Override
    public VectorSchemaRoot root() {
        return root;
    }

    @Override
    public void close() {
        root.close();
    }
}
