package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;

/** Readers for DECIMAL and HUGEINT, written digit for digit (never through a double). */
final class DecimalReaders {
    private DecimalReaders() {
    }

    /**
     * DECIMAL up to 38 digits, and HUGEINT (DECIMAL(38,0) whose canonical value is a BigInteger). Values
     * whose 128-bit unscaled form fits a long, the common case, are rendered from the long directly.
     */
    static final class DecimalReader extends VectorReader<DecimalVector> {
        private final ArrowBuf data;
        private final int scale;
        private final boolean integer;
        private final char[] scratch = new char[CellText.SCRATCH_SIZE];

        DecimalReader(DecimalVector vector, boolean integer) {
            super(vector);
            this.data = vector.getDataBuffer();
            this.scale = vector.getScale();
            this.integer = integer;
        }

        @Override
        Object read(int row) {
            BigDecimal value = vector.getObject(row);
            return integer ? value.toBigIntegerExact() : value;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            long offset = (long) row * DecimalVector.TYPE_WIDTH;
            long low = data.getLong(offset);
            if (data.getLong(offset + 8) == (low >> 63)) {
                int length = CellText.decimal(low, scale, scratch, 0);
                json.writeNumber(scratch, 0, length);
            } else {
                json.writeNumber(vector.getObject(row));
            }
        }

        @Override
        void json(TextOutput out, int row) {
            // A JSON number is the same digits as the CSV text.
            writeText(out, row);
        }

        @Override
        public boolean plainText() {
            return true;
        }

        @Override
        public void writeText(TextOutput text, int row) {
            long offset = (long) row * DecimalVector.TYPE_WIDTH;
            long low = data.getLong(offset);
            if (data.getLong(offset + 8) == (low >> 63)) {
                text.writeAscii(scratch, 0, CellText.decimal(low, scale, scratch, 0));
            } else {
                text.writeAscii(vector.getObject(row).toPlainString());
            }
        }
    }

    static final class Decimal256Reader extends VectorReader<Decimal256Vector> {
        Decimal256Reader(Decimal256Vector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            return vector.getObject(row);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeNumber(vector.getObject(row));
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeAscii(vector.getObject(row).toPlainString());
        }
    }
}
