package io.sluice.engine.duckdb;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A real engine on a temporary database, with helpers to run statements and read their rows. */
final class EngineFixture implements AutoCloseable {

    final Path directory;
    final BufferAllocator allocator = new RootAllocator();
    DuckDbEngine engine;

    EngineFixture(Path directory) {
        this.directory = directory;
        this.engine = new DuckDbEngine(config(directory));
    }

    static DuckDbConfig config(Path directory) {
        return new DuckDbConfig(directory.resolve("test.duckdb"), directory.resolve("tmp"), "1GB", 2, 2048, java.util.List.of());
    }

    EngineRequest request(String sql, Parameters parameters) {
        return new EngineRequest(sql, parameters, SessionContext.DEFAULT, allocator);
    }

    List<List<Object>> rows(String sql) {
        return rows(sql, Parameters.NONE);
    }

    List<List<Object>> rows(String sql, Parameters parameters) {
        return rows(request(sql, parameters));
    }

    List<List<Object>> rows(EngineRequest request) {
        try (EngineStatement statement = engine.open(request)) {
            EngineResult result = statement.execute();
            if (!(result instanceof EngineResult.Rows(BatchStream stream, boolean modifies))) {
                throw new AssertionError("expected rows but got " + result);
            }
            try (stream) {
                return read(stream);
            }
        }
    }

    EngineResult.UpdateCount update(String sql) {
        try (EngineStatement statement = engine.open(request(sql, Parameters.NONE))) {
            return (EngineResult.UpdateCount) statement.execute();
        }
    }

    SluiceException failure(String sql) {
        return failure(sql, Parameters.NONE);
    }

    SluiceException failure(String sql, Parameters parameters) {
        try {
            rowsOrCount(sql, parameters);
        } catch (SluiceException e) {
            return e;
        }
        throw new AssertionError("expected a failure for " + sql);
    }

    private void rowsOrCount(String sql, Parameters parameters) {
        try (EngineStatement statement = engine.open(request(sql, parameters))) {
            if (statement.execute() instanceof EngineResult.Rows(BatchStream stream, boolean modifies)) {
                try (stream) {
                    read(stream);
                }
            }
        }
    }

    static List<List<Object>> read(BatchStream stream) {
        List<List<Object>> rows = new ArrayList<>();
        while (stream.next()) {
            VectorSchemaRoot root = stream.root();
            for (int row = 0; row < root.getRowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (int column = 0; column < root.getFieldVectors().size(); column++) {
                    values.add(root.getVector(column).getObject(row));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    Object single(String sql, Parameters parameters) {
        List<List<Object>> rows = rows(sql, parameters);
        return rows.getFirst().getFirst();
    }

    @Override
    public void close() {
        engine.close();
        allocator.close();
    }
}
