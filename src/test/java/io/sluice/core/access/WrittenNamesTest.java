package io.sluice.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WrittenNamesTest {

    @Test
    void namesAsWrittenOutsideStringsCommentsAndCalls() {
        assertThat(WrittenNames.in("SELECT a.b, \"Odd \"\"Name\"\"\" FROM s . \"T\" -- payroll\n"
                + "JOIN x.y.z ON true WHERE f(1) = 'payroll' /* hidden */"))
                .containsExactly(List.of("a", "b"), List.of("Odd \"Name\""), List.of("s", "T"), List.of("x", "y", "z"));
    }

    @Test
    void quotedKeywordsAreNamesAndBareOnesAreNot() {
        assertThat(WrittenNames.in("SELECT * FROM \"select\"")).containsExactly(List.of("select"));
        assertThat(WrittenNames.in(null)).isEmpty();
        assertThat(WrittenNames.in("SELECT 'unterminated")).isEmpty();
    }
}
