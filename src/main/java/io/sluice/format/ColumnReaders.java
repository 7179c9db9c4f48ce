package io.sluice.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Builds the {@link ColumnReader}s for a batch: the one place that maps Arrow vector classes (see
 * {@link io.sluice.core.result.BatchStream} for which ones each canonical type uses) to renderings.
 * The canonical type only refines what the vector cannot tell: JSON and UUID text, HUGEINT decimals.
 */
public final class ColumnReaders {
    /** Only used to validate JSON cells; a JsonFactory is thread-safe once configured and never changes here. */
    private static final JsonFactory VALIDATING_FACTORY = new JsonFactory();

    private ColumnReaders() {
    }

    /** Readers for every column of {@code batch}, valid until its vectors are loaded with the next batch. */
    public static ColumnReader[] forBatch(VectorSchemaRoot batch, ResultSchema schema, ZoneId zone) {
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.size() != schema.size()) {
            throw new IllegalArgumentException("batch has " + vectors.size() + " columns but the schema has "
                    + schema.size());
        }
        ColumnReader[] readers = new ColumnReader[vectors.size()];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = create(vectors.get(i), schema.column(i).type(), zone);
        }
        return readers;
    }

    /**
     * A reader for one vector. {@code type} is the column's canonical type, or null when unknown (the
     * vector alone then decides); {@code zone} renders TIMESTAMP WITH TIME ZONE.
     */
    public static ColumnReader create(ValueVector vector, SqlType type, ZoneId zone) {
        SqlType.Kind kind = type == null ? null : type.kind();
        return switch (vector) {
            case BitVector v -> new NumberReaders.BooleanReader(v);
            case TinyIntVector v -> new NumberReaders.TinyIntReader(v);
            case SmallIntVector v -> new NumberReaders.SmallIntReader(v);
            case IntVector v -> new NumberReaders.IntReader(v);
            case BigIntVector v -> new NumberReaders.BigIntReader(v);
            case UInt1Vector v -> new NumberReaders.UInt1Reader(v);
            case UInt2Vector v -> new NumberReaders.UInt2Reader(v);
            case UInt4Vector v -> new NumberReaders.UInt4Reader(v);
            case UInt8Vector v -> new NumberReaders.UInt8Reader(v);
            case Float4Vector v -> new NumberReaders.FloatReader(v);
            case Float8Vector v -> new NumberReaders.DoubleReader(v);
            case DecimalVector v -> new DecimalReaders.DecimalReader(v, kind == SqlType.Kind.HUGEINT);
            case Decimal256Vector v -> new DecimalReaders.Decimal256Reader(v);
            case DateDayVector v -> new TemporalReaders.DateDayReader(v);
            case DateMilliVector v -> new TemporalReaders.DateMilliReader(v);
            case TimeSecVector v -> new TemporalReaders.TimeReader(v);
            case TimeMilliVector v -> new TemporalReaders.TimeReader(v);
            case TimeMicroVector v -> new TemporalReaders.TimeReader(v);
            case TimeNanoVector v -> new TemporalReaders.TimeReader(v);
            case TimeStampVector v -> {
                ArrowType.Timestamp arrowType = (ArrowType.Timestamp) v.getField().getType();
                yield new TemporalReaders.TimestampReader(v, arrowType.getUnit(), arrowType.getTimezone() != null,
                        zone);
            }
            case IntervalMonthDayNanoVector v -> new TemporalReaders.IntervalReader(v);
            case VariableWidthFieldVector v -> textReader(v, kind);
            case FixedSizeBinaryVector v -> new TextReaders.FixedBinaryReader(v, kind == SqlType.Kind.UUID);
            case MapVector v -> mapReader(v, type, zone);
            case ListVector v -> new NestedReaders.PlainListReader(v, create(v.getDataVector(), element(type), zone));
            case LargeListVector v ->
                    new NestedReaders.LargeListReader(v, create(v.getDataVector(), element(type), zone));
            case FixedSizeListVector v ->
                    new NestedReaders.FixedListReader(v, create(v.getDataVector(), element(type), zone));
            case StructVector v -> structReader(v, type, zone);
            case NullVector v -> new NullReader(v);
            default -> new FallbackReader(vector);
        };
    }

    private static ColumnReader textReader(VariableWidthFieldVector vector, SqlType.Kind kind) {
        ArrowType arrowType = vector.getField().getType();
        boolean binary = arrowType instanceof ArrowType.Binary || arrowType instanceof ArrowType.LargeBinary
                || arrowType instanceof ArrowType.BinaryView;
        if (binary) {
            return new TextReaders.BinaryReader(vector);
        }
        if (kind == SqlType.Kind.JSON) {
            return new TextReaders.JsonTextReader(vector, VALIDATING_FACTORY);
        }
        return new TextReaders.StringReader(vector, kind == SqlType.Kind.UUID);
    }

    private static ColumnReader structReader(StructVector vector, SqlType type, ZoneId zone) {
        List<FieldVector> children = vector.getChildrenFromFields();
        String[] names = new String[children.size()];
        ColumnReader[] fields = new ColumnReader[children.size()];
        for (int i = 0; i < fields.length; i++) {
            names[i] = children.get(i).getName();
            SqlType fieldType = type instanceof SqlType.StructOf struct && struct.fields().size() == fields.length
                    ? struct.fields().get(i).type() : null;
            fields[i] = create(children.get(i), fieldType, zone);
        }
        return new NestedReaders.StructReader(vector, names, fields);
    }

    private static ColumnReader mapReader(MapVector vector, SqlType type, ZoneId zone) {
        StructVector entries = (StructVector) vector.getDataVector();
        ValueVector keyVector = entries.getChildByOrdinal(0);
        ValueVector valueVector = entries.getChildByOrdinal(1);
        SqlType keyType = type instanceof SqlType.MapOf map ? map.key() : null;
        SqlType valueType = type instanceof SqlType.MapOf map ? map.value() : null;
        ArrowType keyArrowType = keyVector.getField().getType();
        boolean stringKeys = keyArrowType instanceof ArrowType.Utf8 || keyArrowType instanceof ArrowType.LargeUtf8
                || keyArrowType instanceof ArrowType.Utf8View;
        return new NestedReaders.MapReader(vector, create(keyVector, keyType, zone),
                create(valueVector, valueType, zone), stringKeys);
    }

    private static SqlType element(SqlType type) {
        return type instanceof SqlType.ListOf list ? list.element() : null;
    }

    /** A column of the Arrow null type: every cell is NULL. */
    private static final class NullReader extends VectorReader<NullVector> {
        NullReader(NullVector vector) {
            super(vector);
        }

        @Override
        public boolean isNull(int row) {
            return true;
        }

        @Override
        Object read(int row) {
            return null;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeNull();
        }

        @Override
        public void writeText(TextOutput text, int row) {
        }
    }

    /** Vectors outside the BatchStream contract still render, as the text of Arrow's own Java value. */
    private static final class FallbackReader extends VectorReader<ValueVector> {
        FallbackReader(ValueVector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            return vector.getObject(row);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeString(String.valueOf(vector.getObject(row)));
        }

        @Override
        public void writeText(TextOutput text, int row) {
            byte[] bytes = String.valueOf(vector.getObject(row)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            text.write(bytes, 0, bytes.length);
        }
    }
}
