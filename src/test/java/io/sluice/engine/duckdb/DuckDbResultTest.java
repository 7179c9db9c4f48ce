package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.SqlType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbResultTest {

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

    /** Column expression, expected canonical type, expected Arrow vector class. */
    private static final Object[][] COLUMNS = {
        {"true", SqlType.BOOLEAN, BitVector.class},
        {"1::TINYINT", SqlType.TINYINT, TinyIntVector.class},
        {"1::SMALLINT", SqlType.SMALLINT, SmallIntVector.class},
        {"1::INTEGER", SqlType.INTEGER, IntVector.class},
        {"1::BIGINT", SqlType.BIGINT, BigIntVector.class},
        {"1::HUGEINT", SqlType.HUGEINT, DecimalVector.class},
        {"1::UTINYINT", SqlType.SMALLINT, UInt1Vector.class},
        {"1::USMALLINT", SqlType.INTEGER, UInt2Vector.class},
        {"1::UINTEGER", SqlType.BIGINT, UInt4Vector.class},
        {"1::UBIGINT", SqlType.HUGEINT, UInt8Vector.class},
        {"1.5::DECIMAL(18,2)", new SqlType.Decimal(18, 2), DecimalVector.class},
        {"1.5::FLOAT", SqlType.REAL, Float4Vector.class},
        {"1.5::DOUBLE", SqlType.DOUBLE, Float8Vector.class},
        {"'text'", SqlType.VARCHAR, VarCharVector.class},
        {"'\\x01'::BLOB", SqlType.BLOB, VarBinaryVector.class},
        {"DATE '2020-01-02'", SqlType.DATE, DateDayVector.class},
        {"TIME '01:02:03'", SqlType.TIME, TimeMicroVector.class},
        {"'01:02:03+02'::TIMETZ", SqlType.TIME, TimeMicroVector.class},
        {"TIMESTAMP '2020-01-02 03:04:05'", SqlType.TIMESTAMP, TimeStampMicroVector.class},
        {"'2020-01-02 03:04:05'::TIMESTAMP_S", new SqlType.Timestamp(0), TimeStampSecVector.class},
        {"'2020-01-02 03:04:05'::TIMESTAMP_MS", new SqlType.Timestamp(3), TimeStampMilliVector.class},
        {"'2020-01-02 03:04:05'::TIMESTAMP_NS", new SqlType.Timestamp(9), TimeStampNanoVector.class},
        {"'2020-01-02 03:04:05+00'::TIMESTAMPTZ", SqlType.TIMESTAMP_WITH_TIME_ZONE, TimeStampMicroTZVector.class},
        {"INTERVAL 3 DAY", SqlType.INTERVAL, IntervalMonthDayNanoVector.class},
        {"gen_random_uuid()", SqlType.UUID, VarCharVector.class},
        {"'{\"a\":1}'::JSON", SqlType.JSON, VarCharVector.class},
        {"[1, 2]", new SqlType.ListOf(SqlType.INTEGER), ListVector.class},
        {"{'x': 1, 'y': 'a'}", null, StructVector.class},
        {"MAP {'k': 1}", new SqlType.MapOf(SqlType.VARCHAR, SqlType.INTEGER), MapVector.class},
        {"'b'::mood", SqlType.VARCHAR, VarCharVector.class},
    };

    @Test
    void mapsEveryKindToCanonicalTypesAndContractVectors() {
        fixture.engine.executeTrusted("CREATE TYPE mood AS ENUM ('a', 'b')");
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int index = 0; index < COLUMNS.length; index++) {
            sql.append(index == 0 ? "" : ", ").append(COLUMNS[index][0]).append(" AS c").append(index);
        }
        try (EngineStatement statement = fixture.engine.open(fixture.request(sql.toString(), Parameters.NONE))) {
            EngineResult.Rows rows = (EngineResult.Rows) statement.execute();
            BatchStream stream = rows.rows();
            assertThat(stream.next()).isTrue();
            for (int index = 0; index < COLUMNS.length; index++) {
                Column column = stream.schema().column(index);
                FieldVector vector = stream.root().getVector(index);
                if (COLUMNS[index][1] != null) {
                    assertThat(column.type()).as(COLUMNS[index][0].toString()).isEqualTo(COLUMNS[index][1]);
                }
                assertThat(vector).as(COLUMNS[index][0].toString()).isInstanceOf((Class<?>) COLUMNS[index][2]);
                assertThat(vector.getField().getDictionary()).isNull();
            }
            assertThat(stream.schema().column(27).type().sqlName()).isEqualTo("STRUCT(x INTEGER, y VARCHAR)");
            assertThat(stream.root().getVector(COLUMNS.length - 1).getObject(0).toString()).isEqualTo("b");
            assertThat(stream.next()).isFalse();
        }
    }

    @Test
    void decodesEnumsAcrossBatches() {
        fixture.engine.executeTrusted("CREATE TYPE colour AS ENUM ('red', 'green', 'blue')");
        var rows = fixture.rows("SELECT (['red','green','blue'])[1 + (i % 3)::INTEGER]::colour AS c FROM range(5000) t(i)");
        assertThat(rows).hasSize(5000);
        assertThat(rows.get(4999).getFirst().toString()).isEqualTo("green");
    }

    @Test
    void streamsLargeResultsWithoutMaterialising() {
        long total = 0;
        long batches = 0;
        try (EngineStatement statement = fixture.engine.open(fixture.request(
                "SELECT i, i * 2 AS twice FROM range(5000000) t(i)", Parameters.NONE))) {
            BatchStream stream = ((EngineResult.Rows) statement.execute()).rows();
            while (stream.next()) {
                total += stream.root().getRowCount();
                batches++;
                assertThat(fixture.allocator.getAllocatedMemory()).isLessThan(64L * 1024 * 1024);
            }
        }
        assertThat(total).isEqualTo(5_000_000L);
        assertThat(batches).isGreaterThan(100);
        assertThat(fixture.allocator.getAllocatedMemory()).isZero();
    }

    @Test
    void cancelStopsARunningQuery() throws Exception {
        try (EngineStatement statement = fixture.engine.open(fixture.request(
                "SELECT count(*) FROM range(10000000000)", Parameters.NONE))) {
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(statement::cancel);
            long started = System.nanoTime();
            try {
                statement.execute();
                throw new AssertionError("expected CANCELLED");
            } catch (SluiceException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED);
                assertThat(e.error().sqlState()).isEqualTo("57014");
            }
            assertThat(System.nanoTime() - started).isLessThan(TimeUnit.MILLISECONDS.toNanos(1200));
        }
        assertThat(fixture.rows("SELECT 1")).hasSize(1);
    }

    @Test
    void cancelBeforeExecuteReportsCancelled() {
        try (EngineStatement statement = fixture.engine.open(fixture.request("SELECT 1", Parameters.NONE))) {
            statement.cancel();
            statement.cancel();
            try {
                statement.execute();
                throw new AssertionError("expected CANCELLED");
            } catch (SluiceException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED);
            }
        }
    }

    @Test
    void cancelWhileReadingEndsTheStream() throws Exception {
        try (EngineStatement statement = fixture.engine.open(fixture.request(
                "SELECT i FROM range(10000000000) t(i)", Parameters.NONE))) {
            BatchStream stream = ((EngineResult.Rows) statement.execute()).rows();
            assertThat(stream.next()).isTrue();
            CompletableFuture<Void> cancelling = CompletableFuture.runAsync(statement::cancel);
            long started = System.nanoTime();
            try {
                while (stream.next()) {
                    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
                }
                throw new AssertionError("expected CANCELLED");
            } catch (SluiceException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED);
            }
            cancelling.get(5, TimeUnit.SECONDS);
        }
        assertThat(fixture.allocator.getAllocatedMemory()).isZero();
    }

}
