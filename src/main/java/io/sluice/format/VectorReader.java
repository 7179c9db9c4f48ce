package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.apache.arrow.vector.ValueVector;

/** The null handling every reader shares; subclasses read only non-null cells. */
abstract class VectorReader<V extends ValueVector> implements ColumnReader {
    final V vector;

    VectorReader(V vector) {
        this.vector = vector;
    }

    /** The value of a cell known to be non-null. */
    abstract Object read(int row);

    /** Writes a cell known to be non-null as JSON. */
    abstract void json(JsonGenerator json, int row) throws IOException;

    @Override
    public boolean isNull(int row) {
        return vector.isNull(row);
    }

    @Override
    public final Object value(int row) {
        return vector.isNull(row) ? null : read(row);
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
        if (vector.isNull(row)) {
            out.writeNull();
        } else {
            json(out, row);
        }
    }

    @Override
    public final void writeJson(JsonGenerator json, int row) throws IOException {
        if (vector.isNull(row)) {
            json.writeNull();
        } else {
            json(json, row);
        }
    }
}
