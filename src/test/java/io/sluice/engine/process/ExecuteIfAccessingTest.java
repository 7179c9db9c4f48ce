package io.sluice.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.engine.duckdb.DuckDbConfig;
import io.sluice.engine.duckdb.DuckDbDatabase;
import io.sluice.engine.duckdb.DuckDbEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Check-and-run in one step: an engine runs a statement only when it touches exactly what the caller approved, and
 * otherwise runs nothing and says what it touches. Both the engine in its own process (one round trip) and the engine
 * in the server (the default method) keep the rule.
 */
class ExecuteIfAccessingTest {

    @TempDir
    Path data;

    private DuckDbDatabase open(String isolation) {
        DuckDbConfig config = DuckDbConfig.defaults(data.resolve("engine"));
        return isolation.equals("process")
                ? new ProcessEngine(config, ProcessSettings.forThisJvm(1L << 30, Duration.ofSeconds(2), Duration.ofSeconds(30),
                        false, false))
                : new DuckDbEngine(config);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void aStatementThatTouchesSomethingElseIsNotRun(String isolation) {
        try (DuckDbDatabase engine = open(isolation); BufferAllocator allocator = new RootAllocator()) {
            engine.executeTrusted("CREATE TABLE target (i INTEGER)", java.util.List.of());
            String insert = "INSERT INTO target VALUES (1)";
            AccessedTables wrong = new AccessedTables(AccessedTables.Kind.QUERY, Set.of(), Set.of(), Set.of());

            AccessedTables actual;
            try (EngineStatement statement = engine.open(request(insert, allocator))) {
                assertThat(statement.executeIfAccessing(wrong)).isNull();
                actual = statement.accessedTables();
            }
            assertThat(actual.kind()).isEqualTo(AccessedTables.Kind.INSERT);
            assertThat(actual.writes()).singleElement().asString().endsWith("target");
            assertThat(count(engine, allocator)).isZero();

            try (EngineStatement statement = engine.open(request(insert, allocator))) {
                EngineResult result = statement.executeIfAccessing(actual);
                assertThat(result).isInstanceOf(EngineResult.UpdateCount.class);
            }
            assertThat(count(engine, allocator)).isEqualTo(1);
        }
    }

    private static EngineRequest request(String sql, BufferAllocator allocator) {
        return new EngineRequest(sql, Parameters.NONE, SessionContext.DEFAULT, allocator);
    }

    private static long count(Engine engine, BufferAllocator allocator) {
        try (EngineStatement statement = engine.open(request("SELECT count(*) FROM target", allocator))) {
            EngineResult.Rows rows = (EngineResult.Rows) statement.execute();
            try (var batches = rows.rows()) {
                assertThat(batches.next()).isTrue();
                return ((org.apache.arrow.vector.BigIntVector) batches.root().getVector(0)).get(0);
            }
        }
    }
}
