package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.ValueVector;

/**
 * The null handling every reader shares; subclasses read only non-null cells.
 *
 * <p>Null checks are answered here, not by {@code vector.isNull}: that call site is shared by every column type,
 * so the JIT cannot inline it, and it cost a tenth of the NDJSON encoding time (JFR). A batch without nulls (the
 * vector counts them once) checks nothing per cell; otherwise the validity bit is read straight from the buffer
 * for the vector kinds that keep one, and asked of the vector for the rest.
 */
abstract class VectorReader<V extends ValueVector> implements ColumnReader {
    final V vector;
    /** True when this batch of the column holds no NULL at all. */
    private final boolean noNulls;
    /** The validity bitmap when read directly, else null (then the vector is asked). */
    private final ArrowBuf validity;

    VectorReader(V vector) {
        this.vector = vector;
        boolean bitmap = vector instanceof BaseFixedWidthVector || vector instanceof BaseVariableWidthVector
                || vector instanceof BaseLargeVariableWidthVector;
        this.noNulls = bitmap && vector.getNullCount() == 0;
        this.validity = bitmap && !noNulls ? vector.getValidityBuffer() : null;
    }

    /** Whether a cell is NULL, by the fastest means this vector allows. */
    final boolean cellIsNull(int row) {
        if (noNulls) {
            return false;
        }
        if (validity != null) {
            return (validity.getByte(row >>> 3) & (1 << (row & 7))) == 0;
        }
        return vector.isNull(row);
    }

    /** The value of a cell known to be non-null. */
    abstract Object read(int row);

    /** Writes a cell known to be non-null as JSON. */
    abstract void json(JsonGenerator json, int row) throws IOException;

    @Override
    public boolean isNull(int row) {
        return cellIsNull(row);
    }

    @Override
    public final Object value(int row) {
        return cellIsNull(row) ? null : read(row);
    }

    /**
     * Appends a cell known to be non-null as JSON. Readers of common types override this to write the
     * bytes themselves; the rest render through a Jackson generator that writes into the same buffer.
     */
    void json(TextOutput out, int row) throws IOException {
        JsonGenerator json = out.json();
        json(json, row);
        json.flush();
    }

    @Override
    public final void writeJson(TextOutput out, int row) throws IOException {
        if (cellIsNull(row)) {
            out.writeNull();
        } else {
            json(out, row);
        }
    }

    @Override
    public final void writeJson(JsonGenerator json, int row) throws IOException {
        if (cellIsNull(row)) {
            json.writeNull();
        } else {
            json(json, row);
        }
    }
}
