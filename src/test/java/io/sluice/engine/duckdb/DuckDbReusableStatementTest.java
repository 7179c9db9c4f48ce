package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A statement kept prepared between runs behaves like a fresh one each run: values, errors, cancels, catalog changes. */
class DuckDbReusableStatementTest {

    @TempDir
    Path directory;
    EngineFixture fixture;

    @BeforeEach
    void open() {
        fixture = new EngineFixture(directory);
        fixture.update("CREATE TABLE people (id INTEGER, name VARCHAR)");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void runsWithNewParametersEachTimeAndReturnsTheRowsItWrote() {
        try (ReusableStatement insert = prepare("INSERT INTO people VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR)) RETURNING id, name")) {
            assertThat(run(insert, 1, "Ann")).containsExactly(List.of(1, "Ann"));
            assertThat(run(insert, 2, "Ben")).containsExactly(List.of(2, "Ben"));
            assertThat(run(insert, 3, null)).containsExactly(java.util.Arrays.asList(3, null));
        }
        assertThat(fixture.rows("SELECT count(*) FROM people")).containsExactly(List.of(3L));
    }

    @Test
    void aFailedRunLeavesTheNextRunWorking() {
        try (ReusableStatement insert = prepare("INSERT INTO people VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR)) RETURNING id")) {
            SluiceException failure = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class, () -> run(insert, "not a number", "x"));
            assertThat(failure.getMessage()).contains("not a number");
            assertThat(run(insert, 4, "Dee")).containsExactly(List.of(4));
        }
        assertThat(fixture.rows("SELECT id || ' ' || name FROM people").toString()).isEqualTo("[[4 Dee]]");
    }

    @Test
    void aCancelledRunLeavesTheNextRunWorking() {
        try (ReusableStatement count = prepare("SELECT count(*) FROM people WHERE id > ?")) {
            try (EngineStatement run = count.open(parameters(0), fixture.allocator)) {
                run.cancel();
                assertThatThrownBy(run::execute).isInstanceOf(SluiceException.class)
                        .extracting(e -> ((SluiceException) e).code()).isEqualTo(ErrorCode.CANCELLED);
            }
            fixture.update("INSERT INTO people VALUES (7, 'Eve')");
            assertThat(run(count, 0)).containsExactly(List.of(1L));
        }
    }

    @Test
    void seesTheTableAsItIsAtEachRun() {
        try (ReusableStatement names = prepare("SELECT * FROM people WHERE id >= ? ORDER BY id")) {
            fixture.update("INSERT INTO people VALUES (1, 'Ann')");
            assertThat(run(names, 0)).containsExactly(List.of(1, "Ann"));
            fixture.update("ALTER TABLE people ADD COLUMN age INTEGER DEFAULT 40");
            assertThat(run(names, 0)).containsExactly(List.of(1, "Ann", 40));
        }
    }

    @Test
    void aClosedStatementRefusesRunsClearly() {
        ReusableStatement count = prepare("SELECT count(*) FROM people");
        count.close();
        assertThatThrownBy(() -> count.open(Parameters.NONE, fixture.allocator)).isInstanceOf(SluiceException.class)
                .extracting(e -> ((SluiceException) e).code()).isEqualTo(ErrorCode.ENGINE_UNAVAILABLE);
    }

    private ReusableStatement prepare(String sql) {
        return fixture.engine.prepare(sql, SessionContext.DEFAULT).orElseThrow();
    }

    private static Parameters parameters(Object... values) {
        return new Parameters.Positional(java.util.Arrays.stream(values).map(ParameterValue::of).toList());
    }

    private List<List<Object>> run(ReusableStatement statement, Object... values) {
        try (EngineStatement run = statement.open(parameters(values), fixture.allocator)) {
            if (!(run.execute() instanceof EngineResult.Rows(BatchStream stream, boolean modifies))) {
                throw new AssertionError("expected rows");
            }
            try (stream) {
                return EngineFixture.read(stream).stream()
                        .map(row -> row.stream().map(v -> v instanceof org.apache.arrow.vector.util.Text t ? (Object) t.toString() : v).toList())
                        .toList();
            }
        }
    }
}
