package io.sluice.engine.process;

import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * A result arriving from the engine process as an Arrow IPC stream, read batch by batch into the statement's
 * allocator; after the stream's end comes the trailer, which says whether the result was complete or failed.
 */
final class RemoteBatchStream implements BatchStream {

    private final RemoteStatement statement;
    private final HostConnection connection;
    private final ResultSchema schema;
    private final ArrowStreamReader reader;
    private VectorSchemaRoot root;
    private volatile boolean ended;
    private boolean released;

    RemoteBatchStream(RemoteStatement statement, HostConnection connection, ResultSchema schema, BufferAllocator allocator) {
        this.statement = statement;
        this.connection = connection;
        this.schema = schema;
        this.reader = new ArrowStreamReader(new KeepOpen(Channels.newChannel(connection.in())), allocator);
    }

    @Override
    public ResultSchema schema() {
        return schema;
    }

    @Override
    public VectorSchemaRoot root() {
        if (root == null) {
            try {
                statement.waiting(true);
                root = reader.getVectorSchemaRoot();
            } catch (IOException e) {
                throw statement.broken(e);
            } finally {
                statement.waiting(false);
            }
        }
        return root;
    }

    @Override
    public boolean next() {
        if (released) {
            throw new IllegalStateException("the stream is closed");
        }
        if (ended) {
            return false;
        }
        root();
        try {
            statement.waiting(true);
            if (reader.loadNextBatch()) {
                return true;
            }
            byte trailer = connection.reply(Wire.END, Wire.ERROR);
            ended = true;
            if (trailer == Wire.ERROR) {
                throw new SluiceException(Wire.readError(connection.in()));
            }
            return false;
        } catch (IOException e) {
            throw statement.broken(e);
        } finally {
            statement.waiting(false);
        }
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        statement.close();
    }

    /** Frees the batches (the statement decides what becomes of the connection). */
    void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            reader.close();
        } catch (IOException | RuntimeException e) {
            // The batches are freed by closing the reader's root; a failure here leaves nothing to report.
        }
    }

    /** Lets the Arrow reader close its channel without closing the connection under it. */
    private record KeepOpen(ReadableByteChannel channel) implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer target) throws IOException {
            return channel.read(target);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {
            // The connection outlives the result.
        }
    }
}
