package io.sluice.format;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.ExportCompression;
import io.sluice.core.export.ExportEncoders;
import io.sluice.core.export.ExportFormat;
import io.sluice.core.export.ExportSpec;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The exporter's file encoders, built on the CSV and Parquet result encoders. CSV with GZIP is the CSV
 * encoder's bytes through a GZIP stream; Parquet compresses inside the file with the codec asked for.
 * A CSV file holds LIST, STRUCT and MAP values as JSON text, unless the spec is strict, which refuses them.
 */
public final class ExportFileEncoders implements ExportEncoders {

    private final FormatOptions base;

    public ExportFileEncoders(FormatOptions base) {
        this.base = Objects.requireNonNull(base, "base");
    }

    @Override
    public FileEncoder open(OutputStream out, ResultSchema schema, ExportSpec spec) {
        if (spec.format() == ExportFormat.CSV && spec.strictCsv()) {
            for (Column column : schema.columns()) {
                if (column.type().isNested()) {
                    throw new SluiceException(ErrorCode.INVALID_PARAMETER, "column '" + column.name() + "' is "
                            + column.type().sqlName() + ", which CSV cannot hold as a plain value; use parquet, or drop "
                            + "strict to have it written as JSON text");
                }
            }
        }
        FormatOptions options = base.withCsvHeader(spec.csvHeader()).withCsvDelimiter(spec.csvDelimiter())
                .withParquetCompression(spec.format() != ExportFormat.PARQUET ? "SNAPPY"
                        : spec.compression() == ExportCompression.NONE ? "UNCOMPRESSED" : spec.compression().name());
        OutputStream target = nonClosing(out);
        GZIPOutputStream gzip = null;
        if (spec.format() == ExportFormat.CSV && spec.compression() == ExportCompression.GZIP) {
            try {
                gzip = new GZIPOutputStream(target, 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            target = gzip;
        }
        ResultFormat format = spec.format() == ExportFormat.CSV ? ResultFormat.CSV : ResultFormat.PARQUET;
        return new Encoder(format.encoder(target, schema, options), gzip);
    }

    private record Encoder(ResultEncoder encoder, GZIPOutputStream gzip) implements FileEncoder {
        @Override
        public void writeBatch(VectorSchemaRoot batch) {
            encoder.writeBatch(batch);
        }

        @Override
        public void finish() {
            encoder.finish();
            if (gzip != null) {
                try {
                    gzip.finish();
                    gzip.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
