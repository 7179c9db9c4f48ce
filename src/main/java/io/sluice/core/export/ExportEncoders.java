package io.sluice.core.export;

import io.sluice.core.types.ResultSchema;
import java.io.OutputStream;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Turns Arrow batches into the bytes of one export file (implemented over the result formats). */
public interface ExportEncoders {

    /**
     * An encoder writing one file of {@code spec}'s format to {@code out}, already compressed as the spec
     * asks. The encoder never closes {@code out}.
     */
    FileEncoder open(OutputStream out, ResultSchema schema, ExportSpec spec);

    interface FileEncoder extends AutoCloseable {
        void writeBatch(VectorSchemaRoot batch);

        /** Writes the end of the file (footer, compression trailer) and flushes. */
        void finish();

        @Override
        void close();
    }
}
