package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbParametersTest {

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

    /** Binds the value and reads it back as text with DuckDB's type name, so each type is checked end to end. */
    private List<Object> roundTrip(ParameterValue value) {
        return fixture.rows("SELECT CAST(? AS VARCHAR), typeof(?)",
                new Parameters.Positional(List.of(value, value))).getFirst().stream().map(String::valueOf).map(Object.class::cast).toList();
    }

    @Test
    void bindsEveryTypePositionally() {
        assertThat(roundTrip(ParameterValue.of(true))).containsExactly("true", "BOOLEAN");
        assertThat(roundTrip(ParameterValue.of((byte) 1))).containsExactly("1", "TINYINT");
        assertThat(roundTrip(ParameterValue.of((short) 2))).containsExactly("2", "SMALLINT");
        assertThat(roundTrip(ParameterValue.of(3))).containsExactly("3", "INTEGER");
        assertThat(roundTrip(ParameterValue.of(4L))).containsExactly("4", "BIGINT");
        assertThat(roundTrip(ParameterValue.of(new BigInteger("170141183460469231731687303715884105727"))))
                .containsExactly("170141183460469231731687303715884105727", "HUGEINT");
        assertThat(roundTrip(new ParameterValue(new SqlType.Decimal(10, 2), 7))).containsExactly("7.00", "DECIMAL(10,2)");
        assertThat(roundTrip(ParameterValue.of(1.5f))).containsExactly("1.5", "FLOAT");
        assertThat(roundTrip(ParameterValue.of(2.5d))).containsExactly("2.5", "DOUBLE");
        assertThat(roundTrip(ParameterValue.of("it's"))).containsExactly("it's", "VARCHAR");
        assertThat(roundTrip(new ParameterValue(SqlType.JSON, "{\"a\":1}"))).containsExactly("{\"a\":1}", "JSON");
        assertThat(roundTrip(ParameterValue.of(new byte[] {1, 2}))).containsExactly("\\x01\\x02", "BLOB");
        assertThat(roundTrip(new ParameterValue(SqlType.DATE, "2020-01-02"))).containsExactly("2020-01-02", "DATE");
        assertThat(roundTrip(ParameterValue.of(LocalDate.of(2020, 1, 2)))).containsExactly("2020-01-02", "DATE");
        assertThat(roundTrip(ParameterValue.of(LocalTime.of(1, 2, 3)))).containsExactly("01:02:03", "TIME");
        assertThat(roundTrip(ParameterValue.of(LocalDateTime.of(2020, 1, 2, 3, 4, 5))))
                .containsExactly("2020-01-02 03:04:05", "TIMESTAMP");
        assertThat(roundTrip(new ParameterValue(new SqlType.Timestamp(3), "2020-01-02 03:04:05.123")))
                .containsExactly("2020-01-02 03:04:05.123", "TIMESTAMP_MS");
        assertThat(roundTrip(new ParameterValue(SqlType.TIMESTAMP_WITH_TIME_ZONE, "2020-01-02T03:04:05+02:00")))
                .containsExactly("2020-01-02 01:04:05+00", "TIMESTAMP WITH TIME ZONE");
        assertThat(roundTrip(ParameterValue.of(OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC))))
                .containsExactly("2020-01-02 03:04:05+00", "TIMESTAMP WITH TIME ZONE");
        assertThat(roundTrip(ParameterValue.of(new Interval(14, 3, 4_000_001_000L))))
                .containsExactly("1 year 2 months 3 days 00:00:04.000001", "INTERVAL");
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(roundTrip(ParameterValue.of(uuid))).containsExactly(uuid.toString(), "UUID");
        assertThat(roundTrip(new ParameterValue(SqlType.UUID, uuid.toString()))).containsExactly(uuid.toString(), "UUID");
        assertThat(roundTrip(ParameterValue.of(List.of("a", "b")))).containsExactly("[a, b]", "VARCHAR[]");
        assertThat(roundTrip(new ParameterValue(new SqlType.ListOf(new SqlType.ListOf(SqlType.INTEGER)),
                List.of(List.of(1, 2), List.of(3))))).containsExactly("[[1, 2], [3]]", "INTEGER[][]");
        SqlType struct = new SqlType.StructOf(List.of(new SqlType.StructField("a", SqlType.INTEGER),
                new SqlType.StructField("b c", new SqlType.ListOf(SqlType.DATE))));
        Map<String, Object> structValue = new LinkedHashMap<>();
        structValue.put("b c", List.of(LocalDate.of(2020, 1, 2)));
        structValue.put("a", 1);
        assertThat(roundTrip(new ParameterValue(struct, structValue)))
                .containsExactly("{'a': 1, 'b c': [2020-01-02]}", "STRUCT(a INTEGER, \"b c\" DATE[])");
        assertThat(roundTrip(new ParameterValue(new SqlType.MapOf(SqlType.VARCHAR, SqlType.INTERVAL),
                Map.of("k", new Interval(0, 1, 0))))).containsExactly("{k=1 day}", "MAP(VARCHAR, INTERVAL)");
        assertThat(roundTrip(new ParameterValue(SqlType.INTEGER, null))).containsExactly("null", "INTEGER");
    }

    @Test
    void bindsNamedParametersIncludingRepeats() {
        Map<String, ParameterValue> values = new LinkedHashMap<>();
        values.put("low", ParameterValue.of(2));
        values.put("high", new ParameterValue(SqlType.BIGINT, "4"));
        assertThat(fixture.rows("SELECT count(*), min(i) = :low, $high FROM range(10) t(i) WHERE i BETWEEN :low AND $high",
                new Parameters.Named(values))).containsExactly(List.of(3L, true, 4L));
    }

    @Test
    void textAndCastsAreNotParameters() {
        Map<String, ParameterValue> values = Map.of("name", ParameterValue.of("x"));
        assertThat(fixture.rows("SELECT ':name', '1'::int, :name, {'k':1}.k /* :name */ -- :name\n",
                new Parameters.Named(values)).getFirst().stream().map(String::valueOf).toList())
                .containsExactly(":name", "1", "x", "1");
    }

    @Test
    void rejectsCountMismatches() {
        var tooMany = fixture.failure("SELECT ?", new Parameters.Positional(List.of(ParameterValue.of(1), ParameterValue.of(2))));
        assertThat(tooMany.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(tooMany.getMessage()).contains("1 parameter placeholder").contains("2 values");
        assertThat(fixture.failure("SELECT ?, ?", new Parameters.Positional(List.of(ParameterValue.of(1)))).code())
                .isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(fixture.failure("SELECT $2", new Parameters.Positional(List.of(ParameterValue.of(1)))).code())
                .isEqualTo(ErrorCode.INVALID_PARAMETER);
        var missing = fixture.failure("SELECT :a, :b", new Parameters.Named(Map.of("a", ParameterValue.of(1))));
        assertThat(missing.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(missing.getMessage()).contains("no value was given for b");
        var unknown = fixture.failure("SELECT :a", new Parameters.Named(Map.of("a", ParameterValue.of(1), "z", ParameterValue.of(2))));
        assertThat(unknown.getMessage()).contains("unknown parameters z");
    }

    @Test
    void rejectsValuesThatDoNotFitTheirType() {
        assertThat(fixture.failure("SELECT ?", new Parameters.Positional(List.of(new ParameterValue(SqlType.DATE, "not a date"))))
                .code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(fixture.failure("SELECT ?", new Parameters.Positional(List.of(new ParameterValue(SqlType.TINYINT, 1000))))
                .code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(fixture.failure("SELECT ?", new Parameters.Positional(List.of(new ParameterValue(new SqlType.Decimal(3, 1), 1000))))
                .code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(fixture.failure("SELECT ?", new Parameters.Positional(List.of(ParameterValue.of(Map.of("a", 1)))))
                .code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }
}
