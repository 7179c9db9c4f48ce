package io.sluice.core.streams;

import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.result.BatchStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/**
 * Runs the streams module's own SQL on the engine (pollers, inserts, DDL) with bound parameters, without
 * going through statement bookkeeping: a poller runs hundreds of tiny statements a second that no one
 * should see in their statement list.
 */
final class EngineAccess {

    private final Engine engine;
    private final BufferAllocator allocator;

    EngineAccess(Engine engine, BufferAllocator allocator) {
        this.engine = engine;
        this.allocator = allocator;
    }

    String engineName() {
        return engine.name();
    }

    long update(String sql, List<Object> parameters) {
        try (BufferAllocator child = allocator.newChildAllocator("streams-update", 0, Long.MAX_VALUE);
                EngineStatement statement = engine.open(new EngineRequest(sql, bind(parameters), SessionContext.DEFAULT, child))) {
            EngineResult result = statement.execute();
            if (result instanceof EngineResult.Rows rows) {
                long count = 0;
                try (BatchStream stream = rows.rows()) {
                    while (stream.next()) {
                        count += stream.root().getRowCount();
                    }
                }
                return count;
            }
            return ((EngineResult.UpdateCount) result).count();
        }
    }

    void execute(String sql) {
        update(sql, List.of());
    }

    List<List<Object>> query(String sql, List<Object> parameters) {
        try (BufferAllocator child = allocator.newChildAllocator("streams-query", 0, Long.MAX_VALUE);
                EngineStatement statement = engine.open(new EngineRequest(sql, bind(parameters), SessionContext.DEFAULT, child))) {
            return rows(statement);
        }
    }

    /**
     * A statement this module runs many times with different parameters (a source's insert), kept prepared
     * where the engine can keep it: preparing costs DuckDB about as much as running a one-row insert. Runs
     * take turns.
     */
    Reused prepare(String sql) {
        return new Reused(sql, engine.prepare(sql, SessionContext.DEFAULT).orElse(null));
    }

    final class Reused implements AutoCloseable {
        private final String sql;
        private final ReusableStatement prepared;

        private Reused(String sql, ReusableStatement prepared) {
            this.sql = sql;
            this.prepared = prepared;
        }

        /** Runs the statement and returns the rows it gives (all of them; for small results). */
        List<List<Object>> query(List<Object> parameters) {
            if (prepared == null) {
                return EngineAccess.this.query(sql, parameters);
            }
            try (BufferAllocator child = allocator.newChildAllocator("streams-query", 0, Long.MAX_VALUE);
                    EngineStatement statement = prepared.open(bind(parameters), child)) {
                return rows(statement);
            }
        }

        @Override
        public void close() {
            if (prepared != null) {
                prepared.close();
            }
        }
    }

    private static List<List<Object>> rows(EngineStatement statement) {
        List<List<Object>> rows = new ArrayList<>();
        EngineResult result = statement.execute();
        if (!(result instanceof EngineResult.Rows produced)) {
            return rows;
        }
        try (BatchStream stream = produced.rows()) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.root();
                List<FieldVector> vectors = root.getFieldVectors();
                for (int row = 0; row < root.getRowCount(); row++) {
                    List<Object> values = new ArrayList<>(vectors.size());
                    for (FieldVector vector : vectors) {
                        values.add(value(vector, row));
                    }
                    rows.add(values);
                }
            }
        }
        return rows;
    }

    /** Arrow's generic accessor, normalised to the canonical Java values the rest of Sluice uses. */
    private static Object value(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof DateDayVector days) {
            return LocalDate.ofEpochDay(days.get(row));
        }
        Object value = vector.getObject(row);
        if (value instanceof Text text) {
            return text.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        return value;
    }

    private static Parameters bind(List<Object> parameters) {
        if (parameters.isEmpty()) {
            return Parameters.NONE;
        }
        List<ParameterValue> values = new ArrayList<>(parameters.size());
        for (Object parameter : parameters) {
            values.add(ParameterValue.of(parameter));
        }
        return new Parameters.Positional(values);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
