package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.duckdb.SqlScanner.Placeholder;
import org.junit.jupiter.api.Test;

class DuckDbSqlScannerTest {

    private static java.util.List<String> names(String sql) {
        return SqlScanner.scan(sql).placeholders().stream()
                .map(p -> p.kind() == SqlScanner.PlaceholderKind.NAMED ? p.name() : sql.substring(p.start(), p.end()))
                .toList();
    }

    @Test
    void findsPlaceholdersOutsideTextAndComments() {
        String sql = """
                SELECT :a, $b, ?, $1, x::int, ':no', "col:no", $$ :no $$, $tag$ $no $tag$, E'it\\'s :no' -- :no
                /* :no */ FROM t WHERE y = :a AND z[1:n] = {'k':v}""";
        assertThat(names(sql)).containsExactly("a", "b", "?", "$1", "a");
        Placeholder first = SqlScanner.scan(sql).placeholders().getFirst();
        assertThat(sql.substring(first.start(), first.end())).isEqualTo(":a");
    }

    @Test
    void collectsUnquotedWords() {
        assertThat(SqlScanner.scan("select 'insert' , \"update\" from t").words())
                .containsExactly("SELECT", "FROM", "T");
    }

    @Test
    void classifiesModifyingStatements() {
        assertThat(DataModification.mayModify(SqlScanner.scan("SELECT 1").words(), true)).isFalse();
        assertThat(DataModification.mayModify(SqlScanner.scan("WITH x AS (SELECT 1) SELECT * FROM x").words(), true)).isFalse();
        assertThat(DataModification.mayModify(SqlScanner.scan("INSERT INTO t VALUES (1) RETURNING *").words(), true)).isTrue();
        assertThat(DataModification.mayModify(SqlScanner.scan("SELECT nextval('s')").words(), true)).isTrue();
        assertThat(DataModification.mayModify(SqlScanner.scan("SELECT 1").words(), false)).isTrue();
    }
}
