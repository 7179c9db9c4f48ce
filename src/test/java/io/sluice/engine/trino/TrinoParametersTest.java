package io.sluice.engine.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.SqlType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How Sluice's placeholder styles become Trino's {@code ?} (pure text work, no Trino). */
class TrinoParametersTest {

    static Parameters positional(Object... values) {
        return new Parameters.Positional(java.util.Arrays.stream(values).map(ParameterValue::of).toList());
    }

    @Test
    void questionMarksStayAndPlaceholdersInStringsAndCommentsAreLeftAlone() {
        TrinoParameters plan = TrinoParameters.of("SELECT '?', \"a?\", ? -- ?\n /* :x */ FROM t WHERE y = ?", positional(1, "b"));
        assertThat(plan.sql()).isEqualTo("SELECT '?', \"a?\", ? -- ?\n /* :x */ FROM t WHERE y = ?");
        assertThat(plan.values()).containsExactly(1, "b");
        assertThat(plan.rewritten()).isFalse();
        assertThat(plan.plannedSql()).isEqualTo("SELECT '?', \"a?\", NULL -- ?\n /* :x */ FROM t WHERE y = NULL");
    }

    @Test
    void numberedAndNamedPlaceholdersBecomeQuestionMarksInTextOrder() {
        TrinoParameters numbered = TrinoParameters.of("SELECT $2, $1, $2", positional("a", "b"));
        assertThat(numbered.sql()).isEqualTo("SELECT ?, ?, ?");
        assertThat(numbered.values()).containsExactly("b", "a", "b");

        Map<String, ParameterValue> named = new LinkedHashMap<>();
        named.put("since", ParameterValue.of(5));
        named.put("name", ParameterValue.of("x"));
        TrinoParameters byName = TrinoParameters.of("SELECT * FROM t WHERE a > :since AND b = $name AND c < :since",
                new Parameters.Named(named));
        assertThat(byName.sql()).isEqualTo("SELECT * FROM t WHERE a > ? AND b = ? AND c < ?");
        assertThat(byName.values()).containsExactly(5, "x", 5);
    }

    @Test
    void valuesTheDriverCannotSendGoThroughAConversion() {
        UUID id = UUID.randomUUID();
        TrinoParameters plan = TrinoParameters.of("SELECT ?, ?", new Parameters.Positional(List.of(
                ParameterValue.of(id), new ParameterValue(SqlType.JSON, "{\"a\":1}"))));
        assertThat(plan.sql()).isEqualTo("SELECT CAST(? AS uuid), json_parse(?)");
        assertThat(plan.values()).containsExactly(id.toString(), "{\"a\":1}");
        assertThat(plan.plannedSql()).isEqualTo("SELECT CAST(NULL AS uuid), json_parse(NULL)");
    }

    @Test
    void wrongCountsAndUnsupportedValuesAreInvalidParameters() {
        assertThatThrownBy(() -> TrinoParameters.of("SELECT ?", positional()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("1 parameter placeholder but 0 values");
        assertThatThrownBy(() -> TrinoParameters.of("SELECT ?, $1", positional(1)))
                .hasMessageContaining("mixes ? and $n");
        assertThatThrownBy(() -> TrinoParameters.of("SELECT ?", positional(List.of(1, 2))))
                .hasMessageContaining("ARRAY");
    }
}
