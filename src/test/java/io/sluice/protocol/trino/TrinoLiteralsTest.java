package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXECUTE … USING literals, as trino-jdbc and people write them, become typed parameter values. */
class TrinoLiteralsTest {

    @Test
    void literalsBecomeTypedValues() {
        List<ParameterValue> values = TrinoLiterals.parseList(
                "42, -7.25, 1e3, 'it''s, here', BIGINT '9', DECIMAL '12.50', DATE '2024-02-29', "
                        + "TIMESTAMP '2024-03-01 10:11:12.500', TIMESTAMP '2024-03-01 10:11:12 UTC', true, NULL, "
                        + "CAST(NULL AS VARCHAR), X'0aff'");
        assertThat(values).extracting(ParameterValue::value).containsExactly(42L, new BigDecimal("-7.25"), 1000.0,
                "it's, here", 9L, new BigDecimal("12.50"), LocalDate.of(2024, 2, 29),
                LocalDateTime.of(2024, 3, 1, 10, 11, 12, 500_000_000),
                OffsetDateTime.of(2024, 3, 1, 10, 11, 12, 0, ZoneOffset.UTC), true, null, null,
                new byte[] {0x0a, (byte) 0xff});
        assertThat(values.get(0).type()).isEqualTo(SqlType.BIGINT);
        assertThat(values.get(6).type()).isEqualTo(SqlType.DATE);
        assertThat(values.get(8).type()).isEqualTo(SqlType.TIMESTAMP_WITH_TIME_ZONE);
    }

    @Test
    void anythingButALiteralIsRefused() {
        assertThatThrownBy(() -> TrinoLiterals.parseList("1, (SELECT secret FROM t)"))
                .hasMessageContaining("literals only");
        assertThatThrownBy(() -> TrinoLiterals.parseList("DATE 'not a date'")).hasMessageContaining("literals only");
    }
}
