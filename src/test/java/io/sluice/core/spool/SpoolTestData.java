package io.sluice.core.spool;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Batches of varied types whose every value is a function of the global row number. */
final class SpoolTestData {

    /** A column name that needs escaping in any line-based format. */
    static final String AWKWARD_NAME = "na\nme \"q\" = é: #x\\\r\ud83d\ude00";

    static final ResultSchema SCHEMA = new ResultSchema(List.of(
            new Column("id", SqlType.BIGINT, false),
            new Column(AWKWARD_NAME, SqlType.VARCHAR, true),
            new Column("score", SqlType.DOUBLE, true),
            new Column("at", SqlType.TIMESTAMP, true),
            new Column("amount", new SqlType.Decimal(18, 2), true),
            new Column("tags", new SqlType.ListOf(SqlType.INTEGER), true),
            new Column("point", new SqlType.StructOf(List.of(
                    new SqlType.StructField("x", SqlType.INTEGER),
                    new SqlType.StructField("label", SqlType.VARCHAR))), true)));

    static final Schema ARROW_SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable(AWKWARD_NAME, ArrowType.Utf8.INSTANCE),
            Field.nullable("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
            Field.nullable("amount", new ArrowType.Decimal(18, 2, 128)),
            new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(Field.nullable("item", new ArrowType.Int(32, true)))),
            new Field("point", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(
                    Field.nullable("x", new ArrowType.Int(32, true)),
                    Field.nullable("label", ArrowType.Utf8.INSTANCE)))));

    private static final long BASE_MICROS = 1_700_000_000_000_000L;

    private SpoolTestData() {
    }

    /** Rows {@code [firstRow, firstRow + rowCount)}; the caller closes the batch. */
    static VectorSchemaRoot batch(BufferAllocator allocator, long firstRow, int rowCount) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator);
        root.allocateNew();
        BigIntVector id = (BigIntVector) root.getVector(0);
        VarCharVector name = (VarCharVector) root.getVector(1);
        Float8Vector score = (Float8Vector) root.getVector(2);
        TimeStampMicroVector at = (TimeStampMicroVector) root.getVector(3);
        DecimalVector amount = (DecimalVector) root.getVector(4);
        ListVector tags = (ListVector) root.getVector(5);
        StructVector point = (StructVector) root.getVector(6);
        IntVector pointX = point.getChild("x", IntVector.class);
        VarCharVector pointLabel = point.getChild("label", VarCharVector.class);
        UnionListWriter tagsWriter = tags.getWriter();
        for (int i = 0; i < rowCount; i++) {
            long n = firstRow + i;
            id.setSafe(i, n);
            if (n % 7 == 0) {
                name.setNull(i);
            } else {
                name.setSafe(i, ("name-" + n + (n % 3 == 0 ? " é€😀" : "")).getBytes(StandardCharsets.UTF_8));
            }
            if (n % 5 == 0) {
                score.setNull(i);
            } else {
                score.setSafe(i, n * 0.5);
            }
            if (n % 17 == 0) {
                at.setNull(i);
            } else {
                at.setSafe(i, BASE_MICROS + n);
            }
            amount.setSafe(i, BigDecimal.valueOf(n * 101 - 5000, 2));
            if (n % 11 != 0) {
                tagsWriter.setPosition(i);
                tagsWriter.startList();
                for (int k = 0; k < n % 4; k++) {
                    tagsWriter.integer().writeInt((int) (n + k));
                }
                tagsWriter.endList();
            }
            if (n % 13 == 0) {
                point.setNull(i);
            } else {
                point.setIndexDefined(i);
                pointX.setSafe(i, (int) (n * 2));
                if (n % 2 == 0) {
                    pointLabel.setNull(i);
                } else {
                    pointLabel.setSafe(i, ("p" + n).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        tagsWriter.setValueCount(rowCount);
        root.setRowCount(rowCount);
        return root;
    }

    /** Every value of a row, as text, so rows of any type can be compared. */
    static String render(VectorSchemaRoot root, int row) {
        StringJoiner joiner = new StringJoiner(" | ");
        for (FieldVector vector : root.getFieldVectors()) {
            joiner.add(String.valueOf(vector.getObject(row)));
        }
        return joiner.toString();
    }

    /** The rendered rows {@code [firstRow, firstRow + rowCount)} as the generator produces them. */
    static List<String> expectedRows(BufferAllocator allocator, long firstRow, int rowCount) {
        try (VectorSchemaRoot root = batch(allocator, firstRow, rowCount)) {
            List<String> rows = new ArrayList<>(rowCount);
            for (int i = 0; i < rowCount; i++) {
                rows.add(render(root, i));
            }
            return rows;
        }
    }

    /** Reads a stream to the end, rendering every row. */
    static List<String> readRendered(io.sluice.core.result.BatchStream stream) {
        List<String> rows = new ArrayList<>();
        while (stream.next()) {
            for (int i = 0; i < stream.root().getRowCount(); i++) {
                rows.add(render(stream.root(), i));
            }
        }
        return rows;
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
