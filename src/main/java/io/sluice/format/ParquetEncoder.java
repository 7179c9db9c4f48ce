package io.sluice.format;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.ResultSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;

/**
 * Parquet. Its footer describes the whole file, so nothing can be sent before the last row: batches are
 * spilled to a temporary Arrow IPC file as they arrive (memory stays at one batch), and at finish a
 * private in-memory DuckDB, which never sees user SQL, reads the spill as an Arrow stream and COPYs it
 * to a temporary Parquet file that is then streamed to {@code out}. Both files are deleted on close.
 */
final class ParquetEncoder implements ResultEncoder {
    private static final String TABLE = "sluice_result";

    private final OutputStream out;
    private final FormatOptions options;
    private final Path spill;
    private final OutputStream spillOut;
    private final ArrowEncoder spillEncoder;
    private Path parquet;
    private boolean closed;

    ParquetEncoder(OutputStream out, ResultSchema schema, FormatOptions options) {
        this.out = out;
        this.options = options;
        try {
            this.spill = Files.createTempFile(options.tempDirectory(), "sluice-", ".arrows");
            this.spillOut = Files.newOutputStream(spill);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.spillEncoder = new ArrowEncoder(spillOut, schema);
    }

    @Override
    public void writeBatch(VectorSchemaRoot batch) {
        spillEncoder.writeBatch(batch);
    }

    @Override
    public void finish() {
        spillEncoder.finish();
        try {
            spillOut.close();
            parquet = Files.createTempFile(options.tempDirectory(), "sluice-", ".parquet");
            convert();
            try (InputStream parquetIn = Files.newInputStream(parquet)) {
                parquetIn.transferTo(out);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            // The spill is our own well-formed Arrow, so a failure here is a value Parquet cannot hold
            // (a negative INTERVAL, for one): the query's result, not the server, is at fault.
            throw new SluiceException(SluiceError.of(ErrorCode.SQL_ERROR,
                    "the result cannot be written as Parquet: " + e.getMessage()), e);
        }
    }

    private void convert() throws IOException, SQLException {
        BufferAllocator parent = options.allocator();
        try (BufferAllocator allocator = parent == null
                        ? new RootAllocator() : parent.newChildAllocator("parquet", 0, Long.MAX_VALUE);
                ArrowArrayStream arrayStream = ArrowArrayStream.allocateNew(allocator);
                Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            // The exported C stream owns the reader from here on and closes it when DuckDB releases it.
            ArrowStreamReader reader = new ArrowStreamReader(Files.newInputStream(spill), allocator);
            Data.exportArrayStream(allocator, reader, arrayStream);
            connection.unwrap(DuckDBConnection.class).registerArrowStream(TABLE, arrayStream);
            try (Statement statement = connection.createStatement()) {
                // The path is our own temp file; quotes are doubled all the same, as SQL string syntax wants.
                // The codec is one of FormatOptions.PARQUET_CODECS, checked when the options were made.
                String target = parquet.toAbsolutePath().toString().replace("'", "''");
                statement.execute("COPY " + TABLE + " TO '" + target + "' (FORMAT parquet, COMPRESSION "
                        + options.parquetCompression().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
    }

    @Override
    public long rowsWritten() {
        return spillEncoder.rowsWritten();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            spillOut.close();
            Files.deleteIfExists(spill);
            if (parquet != null) {
                Files.deleteIfExists(parquet);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
