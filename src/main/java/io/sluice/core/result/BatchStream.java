package io.sluice.core.result;

import io.sluice.core.types.ResultSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A result as a sequence of Arrow batches. Engines produce it, the spool reads pages back as one, and
 * every encoder consumes one, so results flow once whatever their destination.
 *
 * <p>Vectors are plain (never dictionary-encoded); the column at index i of {@link #root()} is the column
 * at index i of {@link #schema()}. Per canonical kind the vector is one of:
 * BOOLEAN BitVector; TINYINT..BIGINT the signed int vectors, or unsigned UInt1..UInt8 vectors for unsigned
 * engine types; HUGEINT DecimalVector(38,0) or UInt8Vector; DECIMAL DecimalVector or Decimal256Vector;
 * REAL Float4Vector; DOUBLE Float8Vector; VARCHAR, JSON and UUID VarCharVector (LargeVarCharVector or
 * ViewVarCharVector also possible; UUID may be FixedSizeBinaryVector(16)); BLOB VarBinaryVector or
 * LargeVarBinaryVector; DATE DateDayVector or DateMilliVector; TIME TimeSec/Milli/Micro/NanoVector;
 * TIMESTAMP TimeStamp{Sec,Milli,Micro,Nano}Vector; TIMESTAMP WITH TIME ZONE TimeStamp*TZVector (UTC
 * instants); INTERVAL IntervalMonthDayNanoVector; LIST ListVector, LargeListVector or FixedSizeListVector;
 * STRUCT StructVector; MAP MapVector.
 *
 * <p>Not thread-safe: one consumer. {@link #close()} releases the batch memory and, for an engine
 * result, the engine's cursor.
 */
public interface BatchStream extends AutoCloseable {

    ResultSchema schema();

    /**
     * Loads the next batch into {@link #root()}.
     *
     * @return false at the end of the result
     * @throws io.sluice.core.error.SluiceException on failure, cancellation or timeout
     */
    boolean next();

    /** The batch last loaded by {@link #next()}. The same object is reused from batch to batch. */
    VectorSchemaRoot root();

    @Override
    void close();
}
