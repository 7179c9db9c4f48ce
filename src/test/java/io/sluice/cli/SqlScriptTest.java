package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        assertThat(SqlScript.split("SELECT 'a;b'; SELECT \"x;y\" FROM t -- c;d\n; /* e;f */ SELECT 3;;"))
                .containsExactly("SELECT 'a;b'", "SELECT \"x;y\" FROM t -- c;d", "/* e;f */ SELECT 3");
        assertThat(SqlScript.split("SELECT 'it''s;'")).containsExactly("SELECT 'it''s;'");
        assertThat(SqlScript.split("  -- only a comment\n")).isEmpty();
    }

    @Test
    void aStatementIsCompleteWhenASemicolonEndsIt() {
        assertThat(SqlScript.complete("SELECT 1;")).isTrue();
        assertThat(SqlScript.complete("SELECT 1; -- done")).isTrue();
        assertThat(SqlScript.complete("SELECT 1")).isFalse();
        assertThat(SqlScript.complete("SELECT ';")).isFalse();
        assertThat(SqlScript.complete("SELECT 'a;'")).isFalse();
        assertThat(SqlScript.complete("SELECT 1 /* ; */")).isFalse();
        assertThat(SqlScript.complete("SELECT 'it''s';")).isTrue();
    }
}
