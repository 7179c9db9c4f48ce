package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.junit.jupiter.api.Test;

/** Vector layouts the BatchStream contract allows but DuckDB does not export. */
class HandBuiltVectorsFormatTest {

    @Test
    void otherVectorLayoutsRenderLikeTheirDuckDbCounterparts() {
        UUID uuid = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
        try (BufferAllocator allocator = new RootAllocator();
                FixedSizeBinaryVector uuids = new FixedSizeBinaryVector("u", allocator, 16);
                LargeVarCharVector large = new LargeVarCharVector("l", allocator);
                ViewVarCharVector view = new ViewVarCharVector("v", allocator);
                DateMilliVector dates = new DateMilliVector("d", allocator);
                TimeSecVector seconds = new TimeSecVector("ts", allocator);
                TimeMilliVector millis = new TimeMilliVector("tm", allocator);
                TimeNanoVector nanos = new TimeNanoVector("tn", allocator);
                Decimal256Vector wide = new Decimal256Vector("w", allocator, 40, 2);
                UInt4Vector unsigned = new UInt4Vector("ui", allocator);
                UInt8Vector unsignedLong = new UInt8Vector("ul", allocator)) {
            uuids.setSafe(0, ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).array());
            large.setSafe(0, "large ✓".getBytes(StandardCharsets.UTF_8));
            view.setSafe(0, "a view string longer than twelve bytes".getBytes(StandardCharsets.UTF_8));
            dates.setSafe(0, 18263L * 86_400_000L);
            seconds.setSafe(0, 3 * 3600 + 4 * 60 + 5);
            millis.setSafe(0, (3 * 3600 + 4 * 60 + 5) * 1000 + 7);
            nanos.setSafe(0, LocalTime.of(3, 4, 5, 123_456_789).toNanoOfDay());
            wide.setSafe(0, new BigDecimal("-12345678901234567890123456789012345678.90"));
            unsigned.setSafe(0, -1);
            unsignedLong.setSafe(0, -1L);
            List<FieldVector> vectors = List.of(uuids, large, view, dates, seconds, millis, nanos, wide, unsigned,
                    unsignedLong);
            vectors.forEach(vector -> vector.setValueCount(1));
            VectorSchemaRoot root = new VectorSchemaRoot(vectors);
            root.setRowCount(1);
            ResultSchema schema = new ResultSchema(List.of(new Column("u", SqlType.UUID, true),
                    new Column("l", SqlType.VARCHAR, true), new Column("v", SqlType.VARCHAR, true),
                    new Column("d", SqlType.DATE, true), new Column("ts", SqlType.TIME, true),
                    new Column("tm", SqlType.TIME, true), new Column("tn", SqlType.TIME, true),
                    new Column("w", new SqlType.Decimal(38, 2), true), new Column("ui", SqlType.BIGINT, true),
                    new Column("ul", SqlType.HUGEINT, true)));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ResultEncoder encoder = ResultFormat.NDJSON_ARRAY.encoder(out, schema, FormatOptions.defaults())) {
                encoder.writeBatch(root);
                encoder.finish();
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[\"550e8400-e29b-41d4-a716-446655440000\","
                    + "\"large ✓\",\"a view string longer than twelve bytes\",\"2020-01-02\",\"03:04:05\","
                    + "\"03:04:05.007\",\"03:04:05.123456789\",-12345678901234567890123456789012345678.90,"
                    + "4294967295,18446744073709551615]\n");

            ColumnReader[] readers = ColumnReaders.forBatch(root, schema, ZoneOffset.UTC);
            assertThat(readers[0].value(0)).isEqualTo(uuid);
            assertThat(readers[8].value(0)).isEqualTo(4294967295L);
            assertThat(readers[9].value(0)).isEqualTo(new java.math.BigInteger("18446744073709551615"));
        }
    }
}
