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
    void splitsStatementsOnlyAtSemicolonsInCode() {
        String sql = "SELECT ';' AS a; /* ; */ SELECT \"x;y\" FROM t -- ;\n;  ; SELECT 3";
        SqlScanner.Scan scan = SqlScanner.scan(sql);
        assertThat(scan.statements()).isEqualTo(3);
        assertThat(scan.statementTexts(sql)).containsExactly("SELECT ';' AS a", "/* ; */ SELECT \"x;y\" FROM t -- ;\n",
                "SELECT 3");
    }

    @Test
    void collectsQuotedIdentifiersSeparately() {
        SqlScanner.Scan scan = SqlScanner.scan("SELECT * FROM \"Read_Blob\"('f'), \"a\"\"b\"");
        assertThat(scan.quotedIdentifiers()).containsExactly("READ_BLOB", "A\"B");
        assertThat(scan.words()).doesNotContain("READ_BLOB");
    }

    @Test
    void fileReadersAreKnownByTheirPlanOperatorNames() {
        for (String reader : java.util.List.of("READ_BLOB", "READ_CSV_AUTO", "read_parquet", "GLOB", "SNIFF_CSV",
                "PARQUET_METADATA", "COPY_TO_FILE", "READ_SOMETHING_NEW")) {
            assertThat(FileAccessGuard.fileOperator(reader)).as(reader).isTrue();
        }
        for (String harmless : java.util.List.of("SEQ_SCAN", "DUCKDB_TABLES", "PRAGMA_TABLE_INFO", "RANGE", "UNNEST")) {
            assertThat(FileAccessGuard.fileOperator(harmless)).as(harmless).isFalse();
        }
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
