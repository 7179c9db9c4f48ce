package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;

/** Readers for BOOLEAN, the integer kinds and floating point; integers are written without boxing. */
final class NumberReaders {
    private NumberReaders() {
    }

    static final class BooleanReader extends VectorReader<BitVector> {
        BooleanReader(BitVector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            return vector.get(row) != 0;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeBoolean(vector.get(row) != 0);
        }

        @Override
        void json(TextOutput out, int row) {
            out.writeBoolean(vector.get(row) != 0);
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeBoolean(vector.get(row) != 0);
        }

        @Override
        public boolean plainText() {
            return true;
        }
    }

    /** Signed and unsigned integers up to 64 bits, read as a long by a per-vector-class accessor. */
    abstract static class LongReader<V extends org.apache.arrow.vector.ValueVector> extends VectorReader<V> {
        LongReader(V vector) {
            super(vector);
        }

        abstract long get(int row);

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeNumber(get(row));
        }

        @Override
        void json(TextOutput out, int row) {
            out.writeLong(get(row));
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeLong(get(row));
        }

        @Override
        public boolean plainText() {
            return true;
        }
    }

    static final class TinyIntReader extends LongReader<TinyIntVector> {
        TinyIntReader(TinyIntVector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return vector.get(row);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }
    }

    static final class SmallIntReader extends LongReader<SmallIntVector> {
        SmallIntReader(SmallIntVector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return vector.get(row);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }
    }

    static final class IntReader extends LongReader<IntVector> {
        IntReader(IntVector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return vector.get(row);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }
    }

    static final class BigIntReader extends LongReader<BigIntVector> {
        BigIntReader(BigIntVector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return vector.get(row);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }
    }

    /** Unsigned values are widened to the next signed Java type so they stay non-negative. */
    static final class UInt1Reader extends LongReader<UInt1Vector> {
        UInt1Reader(UInt1Vector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return Byte.toUnsignedLong(vector.get(row));
        }

        @Override
        Object read(int row) {
            return (short) get(row);
        }
    }

    static final class UInt2Reader extends LongReader<UInt2Vector> {
        UInt2Reader(UInt2Vector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return vector.get(row);
        }

        @Override
        Object read(int row) {
            return (int) get(row);
        }
    }

    static final class UInt4Reader extends LongReader<UInt4Vector> {
        UInt4Reader(UInt4Vector vector) {
            super(vector);
        }

        @Override
        long get(int row) {
            return Integer.toUnsignedLong(vector.get(row));
        }

        @Override
        Object read(int row) {
            return get(row);
        }
    }

    /** UBIGINT: values above Long.MAX_VALUE take the BigInteger path, the rest stay primitive. */
    static final class UInt8Reader extends VectorReader<UInt8Vector> {
        UInt8Reader(UInt8Vector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            long raw = vector.get(row);
            return raw >= 0 ? (Object) raw : new BigInteger(Long.toUnsignedString(raw));
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            long raw = vector.get(row);
            if (raw >= 0) {
                json.writeNumber(raw);
            } else {
                json.writeNumber(new BigInteger(Long.toUnsignedString(raw)));
            }
        }

        @Override
        public void writeText(TextOutput text, int row) {
            long raw = vector.get(row);
            if (raw >= 0) {
                text.writeLong(raw);
            } else {
                text.writeAscii(Long.toUnsignedString(raw));
            }
        }
    }

    /** NaN and the infinities have no JSON number form, so they are written as strings. */
    static final class FloatReader extends VectorReader<Float4Vector> {
        FloatReader(Float4Vector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            float value = vector.get(row);
            if (Float.isFinite(value)) {
                json.writeNumber(value);
            } else {
                json.writeString(Float.toString(value));
            }
        }

        @Override
        void json(TextOutput out, int row) {
            float value = vector.get(row);
            if (Float.isFinite(value)) {
                out.writeFloat(value);
            } else {
                out.write('"');
                out.writeFloat(value);
                out.write('"');
            }
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeFloat(vector.get(row));
        }
    }

    static final class DoubleReader extends VectorReader<Float8Vector> {
        DoubleReader(Float8Vector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            return vector.get(row);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            double value = vector.get(row);
            if (Double.isFinite(value)) {
                json.writeNumber(value);
            } else {
                json.writeString(Double.toString(value));
            }
        }

        @Override
        void json(TextOutput out, int row) {
            double value = vector.get(row);
            if (Double.isFinite(value)) {
                out.writeDouble(value);
            } else {
                out.write('"');
                out.writeDouble(value);
                out.write('"');
            }
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeDouble(vector.get(row));
        }

        @Override
        public boolean plainText() {
            return true;
        }
    }
}
