package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.types.SqlType;
import io.sluice.core.types.SqlType.StructField;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuckDbTypesTest {

    @Test
    void mapsScalarNames() {
        assertThat(DuckDbTypes.toCanonical("TINYINT")).isEqualTo(SqlType.TINYINT);
        assertThat(DuckDbTypes.toCanonical("UTINYINT")).isEqualTo(SqlType.SMALLINT);
        assertThat(DuckDbTypes.toCanonical("USMALLINT")).isEqualTo(SqlType.INTEGER);
        assertThat(DuckDbTypes.toCanonical("UINTEGER")).isEqualTo(SqlType.BIGINT);
        assertThat(DuckDbTypes.toCanonical("UBIGINT")).isEqualTo(SqlType.HUGEINT);
        assertThat(DuckDbTypes.toCanonical("UHUGEINT")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("HUGEINT")).isEqualTo(SqlType.HUGEINT);
        assertThat(DuckDbTypes.toCanonical("FLOAT")).isEqualTo(SqlType.REAL);
        assertThat(DuckDbTypes.toCanonical("DECIMAL(18,2)")).isEqualTo(new SqlType.Decimal(18, 2));
        assertThat(DuckDbTypes.toCanonical("TIMESTAMP_S")).isEqualTo(new SqlType.Timestamp(0));
        assertThat(DuckDbTypes.toCanonical("TIMESTAMP_MS")).isEqualTo(new SqlType.Timestamp(3));
        assertThat(DuckDbTypes.toCanonical("TIMESTAMP")).isEqualTo(new SqlType.Timestamp(6));
        assertThat(DuckDbTypes.toCanonical("TIMESTAMP_NS")).isEqualTo(new SqlType.Timestamp(9));
        assertThat(DuckDbTypes.toCanonical("TIMESTAMP WITH TIME ZONE")).isEqualTo(SqlType.TIMESTAMP_WITH_TIME_ZONE);
        assertThat(DuckDbTypes.toCanonical("TIME WITH TIME ZONE")).isEqualTo(SqlType.TIME);
        assertThat(DuckDbTypes.toCanonical("ENUM")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("BIT")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("VARINT")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("BIGNUM")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("UNION(a INTEGER, b VARCHAR)")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("SOMETHING_NEW")).isEqualTo(SqlType.VARCHAR);
        assertThat(DuckDbTypes.toCanonical("JSON")).isEqualTo(SqlType.JSON);
        assertThat(DuckDbTypes.toCanonical("UUID")).isEqualTo(SqlType.UUID);
    }

    @Test
    void parsesNestedNames() {
        assertThat(DuckDbTypes.toCanonical("INTEGER[]")).isEqualTo(new SqlType.ListOf(SqlType.INTEGER));
        assertThat(DuckDbTypes.toCanonical("INTEGER[2]")).isEqualTo(new SqlType.ListOf(SqlType.INTEGER));
        assertThat(DuckDbTypes.toCanonical("INTEGER[][]"))
                .isEqualTo(new SqlType.ListOf(new SqlType.ListOf(SqlType.INTEGER)));
        assertThat(DuckDbTypes.toCanonical("MAP(VARCHAR, INTEGER)"))
                .isEqualTo(new SqlType.MapOf(SqlType.VARCHAR, SqlType.INTEGER));
        assertThat(DuckDbTypes.toCanonical("STRUCT(x INTEGER, \"y, \"\"z\"\"\" DECIMAL(10,2), l MAP(VARCHAR, INTEGER[])[])"))
                .isEqualTo(new SqlType.StructOf(List.of(
                        new StructField("x", SqlType.INTEGER),
                        new StructField("y, \"z\"", new SqlType.Decimal(10, 2)),
                        new StructField("l", new SqlType.ListOf(
                                new SqlType.MapOf(SqlType.VARCHAR, new SqlType.ListOf(SqlType.INTEGER)))))));
        assertThat(DuckDbTypes.toCanonical("STRUCT(a STRUCT(b TIMESTAMP WITH TIME ZONE))[3]")).isEqualTo(
                new SqlType.ListOf(new SqlType.StructOf(List.of(new StructField("a", new SqlType.StructOf(
                        List.of(new StructField("b", SqlType.TIMESTAMP_WITH_TIME_ZONE))))))));
    }

    @Test
    void spellsCanonicalTypesForDuckDb() {
        assertThat(DuckDbTypes.toDuckDb(new SqlType.Timestamp(3))).isEqualTo("TIMESTAMP_MS");
        assertThat(DuckDbTypes.toDuckDb(new SqlType.StructOf(List.of(new StructField("a b", new SqlType.Timestamp(9))))))
                .isEqualTo("STRUCT(\"a b\" TIMESTAMP_NS)");
    }
}
