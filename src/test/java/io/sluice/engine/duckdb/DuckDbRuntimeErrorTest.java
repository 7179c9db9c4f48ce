package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runtime errors carry DuckDB's own message and SQL state, whether DuckDB raises them before the first row or while
 * rows stream (its JDBC driver's streaming path reports all of them as "Invalid result set").
 */
class DuckDbRuntimeErrorTest {

    @TempDir
    Path directory;
    EngineFixture fixture;

    @BeforeEach
    void open() {
        fixture = new EngineFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT 'abc'::INTEGER | Conversion Error: Could not convert string 'abc' to INT32 | 22018",
        "SELECT error('boom') | Invalid Input Error: boom | 22023",
        "SELECT 2147483647::INTEGER + 1::INTEGER | Out of Range Error: Overflow in addition of INT32 (2147483647 + 1)! | 22003",
        "SELECT i / 0 FROM range(3) t(i) WHERE i::VARCHAR::INTEGER > 'x'::INTEGER | Conversion Error: Could not convert string 'x' to INT32 | 22018"
    })
    void errorsBeforeTheFirstRowKeepDuckDbsMessage(String sql, String message, String sqlState) {
        SluiceException failure = fixture.failure(sql);
        assertThat(failure.getMessage()).isEqualTo(message);
        assertThat(failure.code()).isEqualTo(ErrorCode.SQL_ERROR);
        assertThat(failure.error().sqlState()).isEqualTo(sqlState);
        assertThat(fixture.rows("SELECT 1")).containsExactly(List.of(1));
    }

    @Test
    void aFailedCastPointsAtTheCast() {
        SluiceException failure = fixture.failure("SELECT 1,\n  'abc'::INTEGER");
        assertThat(failure.error().position()).isNotNull();
        assertThat(failure.error().position().line()).isEqualTo(2);
        assertThat(failure.error().position().column()).isEqualTo(8);
    }

    @Test
    void anErrorWhileRowsStreamKeepsDuckDbsMessageAfterTheRowsBeforeIt() {
        String sql = "SELECT CASE WHEN i = 5000000 THEN error('row ' || i || ' is bad') ELSE i END AS v FROM range(6000000) t(i)";
        try (EngineStatement statement = fixture.engine.open(fixture.request(sql, Parameters.NONE))) {
            EngineResult result = statement.execute();
            assertThat(result).isInstanceOf(EngineResult.Rows.class);
            long[] rows = {0};
            try (BatchStream stream = ((EngineResult.Rows) result).rows()) {
                assertThatThrownBy(() -> {
                    while (stream.next()) {
                        rows[0] += stream.root().getRowCount();
                    }
                }).isInstanceOfSatisfying(SluiceException.class, failure -> {
                    assertThat(failure.getMessage()).isEqualTo("Invalid Input Error: row 5000000 is bad");
                    assertThat(failure.error().sqlState()).isEqualTo("22023");
                    assertThat(failure.code()).isEqualTo(ErrorCode.SQL_ERROR);
                });
            }
            assertThat(rows[0]).as("rows streamed before the failure").isPositive().isLessThanOrEqualTo(5_000_000);
        }
        assertThat(fixture.rows("SELECT 2")).containsExactly(List.of(2));
    }

    @Test
    void smallChunksOfASelectiveFilterAreMergedWithEveryRowKept() {
        String sql = "SELECT i, i::VARCHAR AS s, [i, i + 1] AS l, {'a': i} AS st FROM range(3000000) t(i) WHERE i % 7 = 0";
        try (EngineStatement statement = fixture.engine.open(fixture.request(sql, Parameters.NONE))) {
            try (BatchStream stream = ((EngineResult.Rows) statement.execute()).rows()) {
                long rows = 0;
                long batches = 0;
                long sum = 0;
                while (stream.next()) {
                    batches++;
                    var root = stream.root();
                    for (int row = 0; row < root.getRowCount(); row++) {
                        long value = (Long) root.getVector(0).getObject(row);
                        assertThat(root.getVector(1).getObject(row).toString()).isEqualTo(Long.toString(value));
                        assertThat(root.getVector(2).getObject(row).toString()).isEqualTo("[" + value + "," + (value + 1) + "]");
                        sum += value;
                    }
                    rows += root.getRowCount();
                }
                assertThat(rows).isEqualTo(428_572);
                assertThat(sum).isEqualTo(7L * (428_571L * 428_572L / 2));
                assertThat(batches).as("batches of at least %d rows but the last", DuckDbChunkReader.SMALL_BATCH_ROWS)
                        .isLessThanOrEqualTo(rows / DuckDbChunkReader.SMALL_BATCH_ROWS + 1);
            }
        }
    }

    @Test
    void anErrorAfterMergedSmallChunksComesAfterTheirRows() {
        String sql = "SELECT CASE WHEN i = 39999997 THEN error('late') ELSE i END AS v FROM range(40000000) t(i)"
                + " WHERE i % 7 = 0 OR i = 39999997";
        try (EngineStatement statement = fixture.engine.open(fixture.request(sql, Parameters.NONE))) {
            try (BatchStream stream = ((EngineResult.Rows) statement.execute()).rows()) {
                long[] rows = {0};
                assertThatThrownBy(() -> {
                    while (stream.next()) {
                        rows[0] += stream.root().getRowCount();
                    }
                }).isInstanceOfSatisfying(SluiceException.class,
                        failure -> assertThat(failure.getMessage()).isEqualTo("Invalid Input Error: late"));
                assertThat(rows[0]).isPositive();
            }
        }
    }
}
