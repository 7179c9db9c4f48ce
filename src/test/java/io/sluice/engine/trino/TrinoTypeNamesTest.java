package io.sluice.engine.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.types.SqlType;
import org.junit.jupiter.api.Test;

/** Trino's type names as its driver reports them, read into the canonical model (pure parsing, no Trino). */
class TrinoTypeNamesTest {

    static String canonical(String trinoType) {
        return TrinoTypes.toCanonical(trinoType).sqlName();
    }

    @Test
    void scalarTypes() {
        assertThat(canonical("boolean")).isEqualTo("BOOLEAN");
        assertThat(canonical("tinyint")).isEqualTo("TINYINT");
        assertThat(canonical("bigint")).isEqualTo("BIGINT");
        assertThat(canonical("double")).isEqualTo("DOUBLE");
        assertThat(canonical("decimal(38,10)")).isEqualTo("DECIMAL(38,10)");
        assertThat(canonical("varchar(25)")).isEqualTo("VARCHAR");
        assertThat(canonical("char(3)")).isEqualTo("VARCHAR");
        assertThat(canonical("varbinary")).isEqualTo("BLOB");
        assertThat(canonical("time(3)")).isEqualTo("TIME");
        assertThat(canonical("time(6) with time zone")).isEqualTo("VARCHAR");
        assertThat(canonical("ipaddress")).isEqualTo("VARCHAR");
        assertThat(canonical("interval day to second")).isEqualTo("INTERVAL");
        assertThat(canonical("interval year to month")).isEqualTo("INTERVAL");
    }

    @Test
    void timestampPrecisionsFoldIntoTheCanonicalOnes() {
        assertThat(canonical("timestamp(0)")).isEqualTo("TIMESTAMP(0)");
        assertThat(canonical("timestamp(1)")).isEqualTo("TIMESTAMP(3)");
        assertThat(canonical("timestamp(6)")).isEqualTo("TIMESTAMP");
        assertThat(canonical("timestamp(12)")).isEqualTo("TIMESTAMP(9)");
        assertThat(canonical("timestamp(3) with time zone")).isEqualTo("TIMESTAMP WITH TIME ZONE");
    }

    @Test
    void nestedTypesWithNamedAndAnonymousFields() {
        assertThat(canonical("array(row(x integer, \"y z\" varchar(3)))")).isEqualTo("STRUCT(x INTEGER, \"y z\" VARCHAR)[]");
        assertThat(canonical("row(integer,varchar(1))")).isEqualTo("STRUCT(field1 INTEGER, field2 VARCHAR)");
        assertThat(canonical("row(ts timestamp(3) with time zone, d double precision)"))
                .isEqualTo("STRUCT(ts TIMESTAMP WITH TIME ZONE, d DOUBLE)");
        assertThat(canonical("map(varchar, array(decimal(2,1)))")).isEqualTo("MAP(VARCHAR, DECIMAL(2,1)[])");
    }

    @Test
    void canonicalTypesSpelledForTrinoCasts() {
        assertThat(TrinoTypes.toTrino(new SqlType.Decimal(10, 2))).isEqualTo("decimal(10,2)");
        assertThat(TrinoTypes.toTrino(SqlType.TIMESTAMP)).isEqualTo("timestamp(6)");
        assertThat(TrinoTypes.toTrino(new SqlType.ListOf(SqlType.INTEGER))).isEqualTo("array(integer)");
        assertThat(TrinoTypes.toTrino(SqlType.HUGEINT)).isEqualTo("decimal(38,0)");
    }
}
