package io.sluice.format;

import io.sluice.core.types.ArrowSchemas;
import io.sluice.core.types.ResultSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow IPC stream format. Messages are serialised straight from each incoming batch (rather than
 * through an ArrowStreamWriter bound to one root), so any root with the same schema can be passed.
 * The schema message comes from the first batch; a result without batches gets one built from the
 * canonical types.
 */
final class ArrowEncoder implements ResultEncoder {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final ResultSchema schema;
    private final OutputStream out;
    private final WriteChannel channel;
    private final IpcOption option = IpcOption.DEFAULT;
    private Schema arrowSchema;
    private long rows;

    ArrowEncoder(OutputStream target, ResultSchema schema) {
        this.schema = schema;
        this.out = new BufferedOutputStream(target, BUFFER_SIZE);
        this.channel = new WriteChannel(Channels.newChannel(out));
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        try {
            if (arrowSchema == null) {
                writeSchema(batch.getSchema());
            } else if (!arrowSchema.equals(batch.getSchema())) {
                throw new IllegalArgumentException("batch schema " + batch.getSchema()
                        + " differs from the stream's schema " + arrowSchema);
            }
            try (ArrowRecordBatch message = new VectorUnloader(batch).getRecordBatch()) {
                MessageSerializer.serialize(channel, message, option);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows += batch.getRowCount();
    }

    private void writeSchema(Schema schemaToWrite) throws IOException {
        arrowSchema = schemaToWrite;
        MessageSerializer.serialize(channel, schemaToWrite, option);
    }

    @Override
    public void finish() {
        try {
            if (arrowSchema == null) {
                writeSchema(ArrowSchemas.toArrow(schema));
            }
            ArrowStreamWriter.writeEndOfStream(channel, option);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long rowsWritten() {
        return rows;
    }
}
