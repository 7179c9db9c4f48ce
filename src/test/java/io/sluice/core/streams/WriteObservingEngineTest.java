package io.sluice.core.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A statement the engine cannot analyse takes the gates of the sources its text names, and only those. */
class WriteObservingEngineTest {

    @Test
    void namesAreWordsAndQuotedIdentifiersWhereverTheyStand() {
        assertThat(WriteObservingEngine.namesIn("BEGIN; INSERT INTO main.\"Odd \"\"Name\"\" 1\" SELECT * FROM orders; COMMIT"))
                .contains("BEGIN", "INSERT", "main", "Odd \"Name\" 1", "orders", "COMMIT");
        assertThat(WriteObservingEngine.namesIn("COPY ticks FROM 'x' -- riders\n/* stock */"))
                .contains("ticks", "x", "riders", "stock");
    }

    @Test
    void aStatementThatNamesNoSourceNamesNone() {
        assertThat(WriteObservingEngine.namesIn("CREATE TABLE totals AS SELECT 1 + 2 AS three"))
                .containsExactlyInAnyOrder("CREATE", "TABLE", "totals", "AS", "SELECT", "three");
    }
}
