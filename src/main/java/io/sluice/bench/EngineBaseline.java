package io.sluice.bench;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.result.BatchStream;
import io.sluice.engine.duckdb.DuckDbConfig;
import io.sluice.engine.duckdb.DuckDbEngine;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The baseline: the same statement consumed in-process through the engine API, reading every value and
 * serialising nothing. Values are read straight from the Arrow buffers (the cheapest possible reader), so
 * the ratio against it is an honest measure of what HTTP and encoding cost.
 */
final class EngineBaseline implements AutoCloseable {

    private final DuckDbEngine engine;
    private final BufferAllocator allocator = new RootAllocator();

    EngineBaseline(Path directory) {
        engine = new DuckDbEngine(DuckDbConfig.defaults(directory));
    }

    void executeTrusted(String sql) {
        engine.executeTrusted(sql);
    }

    /** Runs the statement and reads every value; returns the row count (and a checksum keeps the JIT honest). */
    long consume(String sql, List<Object> parameters) {
        Parameters bound = new Parameters.Positional(parameters.stream().map(ParameterValue::of).toList());
        try (BufferAllocator child = allocator.newChildAllocator("baseline", 0, Long.MAX_VALUE);
             EngineStatement statement = engine.open(new EngineRequest(sql, bound, SessionContext.DEFAULT, child))) {
            EngineResult result = statement.execute();
            if (!(result instanceof EngineResult.Rows rows)) {
                return 0;
            }
            long count = 0;
            long checksum = 0;
            try (BatchStream stream = rows.rows()) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.root();
                    int rowCount = root.getRowCount();
                    for (FieldVector vector : root.getFieldVectors()) {
                        checksum += touch(vector, rowCount);
                    }
                    count += rowCount;
                }
            }
            if (checksum == 42) {
                System.out.print("");
            }
            return count;
        }
    }

    /**
     * The engine alone: DuckDB reduces every row of {@code sql} to one (a count and a sum of hashes of all
     * {@code columns}), so every value is produced and read but nothing leaves the engine. The physical limit a
     * streamed result can approach; returns the rows counted.
     */
    long reduceInEngine(String sql, String columns, List<Object> parameters) {
        return consumeCount("SELECT count(*), sum(hash(" + columns + ")) FROM (" + sql + ")", parameters);
    }

    private long consumeCount(String sql, List<Object> parameters) {
        Parameters bound = new Parameters.Positional(parameters.stream().map(ParameterValue::of).toList());
        try (BufferAllocator child = allocator.newChildAllocator("baseline", 0, Long.MAX_VALUE);
             EngineStatement statement = engine.open(new EngineRequest(sql, bound, SessionContext.DEFAULT, child))) {
            EngineResult.Rows rows = (EngineResult.Rows) statement.execute();
            try (BatchStream stream = rows.rows()) {
                stream.next();
                return ((org.apache.arrow.vector.BigIntVector) stream.root().getVector(0)).get(0);
            }
        }
    }

    private static long touch(FieldVector vector, int rows) {
        long sum = 0;
        switch (vector) {
            case BitVector bits -> {
                for (int row = 0; row < rows; row++) {
                    sum += bits.isNull(row) ? 0 : bits.get(row);
                }
            }
            case BaseFixedWidthVector fixed -> {
                int width = fixed.getTypeWidth();
                var data = fixed.getDataBuffer();
                for (int row = 0; row < rows; row++) {
                    if (!fixed.isNull(row)) {
                        sum += width >= 8 ? data.getLong((long) row * width) : data.getByte((long) row * width);
                    }
                }
            }
            case BaseVariableWidthVector variable -> {
                var offsets = variable.getOffsetBuffer();
                var data = variable.getDataBuffer();
                for (int row = 0; row < rows; row++) {
                    if (!variable.isNull(row)) {
                        int start = offsets.getInt((long) row * 4);
                        int end = offsets.getInt((long) (row + 1) * 4);
                        for (int position = start; position < end; position++) {
                            sum += data.getByte(position);
                        }
                    }
                }
            }
            default -> {
                for (int row = 0; row < rows; row++) {
                    Object value = vector.getObject(row);
                    sum += value == null ? 0 : value.hashCode();
                }
            }
        }
        return sum;
    }

    @Override
    public void close() {
        engine.close();
        allocator.close();
    }
}
