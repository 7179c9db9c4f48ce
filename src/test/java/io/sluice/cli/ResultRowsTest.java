package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultRowsTest {

    @Test
    void keepsEveryValueAsTheServerWroteIt() throws Exception {
        String ndjson = """
                [1.50,"text",null,true,123456789012345678901234567890,1e-7,[1.10,{"a":2.00}]]
                [0.000,"",null,false,-1,2.5E10,{}]
                """;
        try (ResultRows rows = new ResultRows(new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)), 7)) {
            assertThat(rows.next()).containsExactly("1.50", "text", null, "true", "123456789012345678901234567890", "1e-7",
                    "[1.10,{\"a\":2.00}]");
            assertThat(rows.next()).containsExactly("0.000", "", null, "false", "-1", "2.5E10", "{}");
            assertThat(rows.next()).isNull();
        }
    }
}
