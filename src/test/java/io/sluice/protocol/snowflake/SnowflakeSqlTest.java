package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure logic of the adapter: splitting requests, rewriting :N binds, and Snowflake's value encodings. */
class SnowflakeSqlTest {

    private static List<String> texts(String sql) {
        return SnowflakeSql.split(sql).stream().map(SnowflakeSql.Piece::sql).toList();
    }

    @Test
    void splitsAtSemicolonsThatAreCode() {
        assertThat(texts("select 1; select 2;")).containsExactly("select 1", "select 2");
        assertThat(texts("select ';' AS a; select \"x;y\" from t")).containsExactly("select ';' AS a", "select \"x;y\" from t");
        assertThat(texts("select 'it''s; fine'; select 2")).containsExactly("select 'it''s; fine'", "select 2");
        assertThat(texts("select 1 -- a; comment\n; select $$a;b$$ /* ; */")).containsExactly(
                "select 1 -- a; comment", "select $$a;b$$ /* ; */");
        assertThat(texts("select 1 // c;\n")).containsExactly("select 1 // c;");
        assertThat(texts(" ;; -- only a comment\n ; ")).isEmpty();
        assertThat(texts("select 1")).containsExactly("select 1");
    }

    @Test
    void piecesKnowWhereTheyStart() {
        List<SnowflakeSql.Piece> pieces = SnowflakeSql.split("select 1;\n  select 2");
        assertThat(pieces.get(1).line()).isEqualTo(2);
        assertThat(pieces.get(1).column()).isEqualTo(3);
    }

    @Test
    void rewritesNumberedBindsButNotCastsTextOrComments() {
        assertThat(SnowflakeSql.numberedPlaceholdersToDollar("select :1, :2::int, x::int, ':1', \":1\" -- :1\n, a[1:2]"))
                .isEqualTo("select $1, $2::int, x::int, ':1', \":1\" -- :1\n, a[1:2]");
        assertThat(SnowflakeSql.numberedPlaceholdersToDollar("select * from t where c=:name")).isEqualTo(
                "select * from t where c=:name");
    }

    @Test
    void colonsAfterValuesAreNotBinds() {
        assertThat(SnowflakeSql.numberedPlaceholdersToDollar("select {'a':1}, {'a' : 1}, {\"k\":2}, v:1, f(x):1, a[:1]"))
                .isEqualTo("select {'a':1}, {'a' : 1}, {\"k\":2}, v:1, f(x):1, a[:1]");
        assertThat(SnowflakeSql.numberedPlaceholdersToDollar("select :1, x = :2 and y in (:3, :4) limit :5"))
                .isEqualTo("select $1, x = $2 and y in ($3, $4) limit $5");
    }

    @Test
    void collectsQuotedIdentifiersOnly() {
        assertThat(SnowflakeSql.quotedIdentifiers("select \"Who\", 'Lit', \"a\"\"b\" -- \"comment\"\n from t"))
                .containsExactlyInAnyOrder("Who", "a\"b");
        assertThat(SnowflakeNames.columnName("edits", java.util.Set.of())).isEqualTo("EDITS");
        assertThat(SnowflakeNames.columnName("count_star()", java.util.Set.of())).isEqualTo("COUNT(*)");
        assertThat(SnowflakeNames.columnName("Who", java.util.Set.of("Who"))).isEqualTo("Who");
        assertThat(SnowflakeNames.columnName("count(DISTINCT \"user\")", java.util.Set.of("user")))
                .isEqualTo("COUNT(DISTINCT \"user\")");
    }

    @Test
    void engineErrorsReadAsSnowflakes() {
        SnowflakeException number = SnowflakeErrors.of(new io.sluice.core.error.SluiceError(io.sluice.core.error.ErrorCode.SQL_ERROR,
                "Conversion Error: Could not convert string 'abc' to INT32", "22018", null), "h");
        assertThat(number.code()).isEqualTo("100038");
        assertThat(number.getMessage()).isEqualTo("Numeric value 'abc' is not recognized");
        SnowflakeException other = SnowflakeErrors.of(new io.sluice.core.error.SluiceError(io.sluice.core.error.ErrorCode.SQL_ERROR,
                "Out of Range Error: Overflow in addition of INT32 (2147483647 + 1)!", "22003", null), "h");
        assertThat(other.getMessage()).isEqualTo("Overflow in addition of INT32 (2147483647 + 1)!");
        SnowflakeException hinted = SnowflakeErrors.of(new io.sluice.core.error.SluiceError(io.sluice.core.error.ErrorCode.SQL_CATALOG_ERROR,
                "Catalog Error: Table with name pg_tablez does not exist!\nDid you mean \"pg_tables\"?", "42P01", null), "h");
        assertThat(hinted.getMessage()).isEqualTo("SQL compilation error:\nObject 'PG_TABLEZ' does not exist or not authorized.");
    }

    @Test
    void findsTheLeadingKeyword() {
        assertThat(SnowflakeSql.firstKeyword("  -- hi\n insert into t values (1)")).isEqualTo("INSERT");
        assertThat(SnowflakeSql.firstKeyword("(select 1)")).isEqualTo("SELECT");
        assertThat(SnowflakeSql.firstKeyword("")).isEmpty();
    }

    @Test
    void encodesValuesAsTheJsonv2TableDescribes() {
        SnowflakeValues values = new SnowflakeValues(OutputSettings.DEFAULT, new com.fasterxml.jackson.core.JsonFactory());
        assertThat(values.encode("fixed", 2L)).isEqualTo("2");
        assertThat(values.encode("fixed", new java.math.BigDecimal("1.0"))).isEqualTo("1.0");
        assertThat(values.encode("real", 1.5d)).isEqualTo("1.5");
        assertThat(values.encode("real", Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(values.encode("boolean", true)).isEqualTo("true");
        assertThat(values.encode("date", LocalDate.of(2019, 3, 27))).isEqualTo("17982");
        assertThat(values.encode("time", LocalTime.of(23, 1, 59))).isEqualTo("82919.000000000");
        assertThat(values.encode("timestamp_ntz", LocalDateTime.of(2021, 3, 19, 17, 6, 59))).isEqualTo("1616173619.000000000");
        assertThat(values.encode("timestamp_ntz", LocalDateTime.of(1969, 12, 31, 23, 59, 58, 500_000_000)))
                .isEqualTo("-1.500000000");
        assertThat(values.encode("timestamp_ltz", OffsetDateTime.of(2021, 3, 19, 17, 6, 59, 0, ZoneOffset.UTC)))
                .isEqualTo("1616173619.000000000");
        assertThat(values.encode("timestamp_tz", OffsetDateTime.of(2021, 3, 19, 18, 6, 59, 0, ZoneOffset.ofHours(1))))
                .isEqualTo("1616173619.000000000 1500");
        assertThat(values.encode("binary", "Hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("48656C6C6F");
        assertThat(values.encode("array", List.of(1, 2))).isEqualTo("[\n  1,\n  2\n]");
        assertThat(values.encode("variant", "{\"foo\":\"XXXX\",\"bar\":42}")).isEqualTo("{\n  \"foo\": \"XXXX\",\n  \"bar\": 42\n}");
        assertThat(values.encode("text", null)).isNull();
        SnowflakeValues notNullable = new SnowflakeValues(new OutputSettings(ZoneOffset.UTC, null, null, null, null, null,
                "HEX", false), new com.fasterxml.jackson.core.JsonFactory());
        assertThat(notNullable.encode("text", null)).isEqualTo("null");
    }

    @Test
    void formatsTemporalValuesWithOutputFormatParameters() {
        assertThat(SnowflakeDateFormat.parse("MM/DD/YYYY").format(LocalDate.of(2019, 3, 27), null, null))
                .isEqualTo("03/27/2019");
        assertThat(SnowflakeDateFormat.parse("YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM").format(LocalDate.of(2021, 3, 19),
                LocalTime.of(9, 5, 7, 123_456_789), ZoneOffset.ofHours(-8))).isEqualTo("2021-03-19 09:05:07.123 -0800");
        assertThat(SnowflakeDateFormat.parse("DY, DD MON YYYY HH12:MI AM \"at\"").format(LocalDate.of(2019, 3, 27),
                LocalTime.of(15, 4), null)).isEqualTo("Wed, 27 Mar 2019 03:04 PM at");
        assertThat(SnowflakeDateFormat.parse("AUTO")).isNull();
    }
}
