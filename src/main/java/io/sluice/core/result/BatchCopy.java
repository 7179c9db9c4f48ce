package io.sluice.core.result;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Copies a batch into memory of another allocator, buffer by buffer (one memory copy per buffer, any type,
 * nested too). For a consumer on another thread: the producer reuses its root for the next batch and closes
 * its allocator when its statement ends, while the copy lives on until the consumer closes it.
 */
public final class BatchCopy {

    private BatchCopy() {
    }

    /** A new root in {@code allocator} holding the rows of {@code batch}; the caller closes it. */
    public static VectorSchemaRoot of(VectorSchemaRoot batch, BufferAllocator allocator) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), allocator);
        try (ArrowRecordBatch shared = new VectorUnloader(batch).getRecordBatch()) {
            List<ArrowBuf> buffers = new ArrayList<>(shared.getBuffers().size());
            try {
                for (ArrowBuf source : shared.getBuffers()) {
                    long length = source.readableBytes();
                    ArrowBuf target = allocator.buffer(length);
                    target.setBytes(0, source, 0, length);
                    target.writerIndex(length);
                    buffers.add(target);
                }
                try (ArrowRecordBatch owned = new ArrowRecordBatch(shared.getLength(), shared.getNodes(), buffers)) {
                    new VectorLoader(copy).load(owned);
                }
            } finally {
                // The loader took its own references; these are the copies' first ones.
                buffers.forEach(ArrowBuf::close);
            }
            return copy;
        } catch (RuntimeException | Error e) {
            copy.close();
            throw e;
        }
    }
}
