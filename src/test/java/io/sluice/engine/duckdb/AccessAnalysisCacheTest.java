package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access analysis of a repeated statement is remembered, but never past a change of what its names
 * mean, and never for another parameter value: the tables access control checks must stay the real ones.
 */
class AccessAnalysisCacheTest {
    @TempDir
    Path directory;
    EngineFixture fixture;

    @BeforeEach
    void open() {
        fixture = new EngineFixture(directory);
        fixture.engine.executeTrusted("CREATE TABLE public_rows (i INTEGER); CREATE TABLE secret_rows (i INTEGER);"
                + " CREATE VIEW shown AS SELECT * FROM public_rows");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private AccessedTables analyse(String sql, Parameters parameters, SessionContext session) {
        try (EngineStatement statement = fixture.engine.open(new EngineRequest(sql, parameters, session, fixture.allocator))) {
            return statement.accessedTables();
        }
    }

    private AccessedTables analyse(String sql) {
        return analyse(sql, Parameters.NONE, SessionContext.DEFAULT);
    }

    @Test
    void aRepeatedStatementGetsTheSameTables() {
        AccessedTables first = analyse("SELECT count(*) FROM shown");
        assertThat(first.reads()).containsExactly("test.main.public_rows");
        assertThat(analyse("SELECT count(*) FROM shown")).isEqualTo(first);
    }

    @Test
    void replacingAViewThroughAStatementIsSeenAtOnce() {
        assertThat(analyse("SELECT * FROM shown").reads()).containsExactly("test.main.public_rows");
        fixture.update("CREATE OR REPLACE VIEW shown AS SELECT * FROM secret_rows");
        assertThat(analyse("SELECT * FROM shown").reads()).containsExactly("test.main.secret_rows");
    }

    @Test
    void replacingAViewThroughTrustedSqlIsSeenAtOnce() {
        assertThat(analyse("SELECT * FROM shown").reads()).containsExactly("test.main.public_rows");
        fixture.engine.executeTrusted("CREATE OR REPLACE VIEW shown AS SELECT * FROM secret_rows");
        assertThat(analyse("SELECT * FROM shown").reads()).containsExactly("test.main.secret_rows");
    }

    @Test
    void aTableNamedAtRunTimeIsRefusedBeforeTheEngineBindsIt() {
        // query_table(?) names its table only when bound, and DuckDB would open a file of that name while binding,
        // before any check of the plan: the parse-tree guard refuses it, whatever the value, so no cached analysis of
        // one value can ever answer for another.
        Parameters publicRows = new Parameters.Positional(List.of(ParameterValue.of("public_rows")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> analyse("SELECT * FROM query_table(?)", publicRows, SessionContext.DEFAULT))
                .isInstanceOf(io.sluice.core.error.SluiceException.class).hasMessageContaining("query_table");
        assertThat(analyse("SELECT * FROM query_table('public_rows')").reads()).containsExactly("test.main.public_rows");
        assertThat(analyse("SELECT * FROM query_table('secret_rows')").reads()).containsExactly("test.main.secret_rows");
    }

    @Test
    void theSessionSchemaIsPartOfTheKey() {
        fixture.engine.executeTrusted("CREATE SCHEMA other; CREATE TABLE other.public_rows (i INTEGER)");
        SessionContext inOther = new SessionContext(null, "other", SessionContext.DEFAULT.timeZone(), null);
        assertThat(analyse("SELECT * FROM public_rows").reads()).containsExactly("test.main.public_rows");
        assertThat(analyse("SELECT * FROM public_rows", Parameters.NONE, inOther).reads())
                .containsExactly("test.other.public_rows");
    }

    @Test
    void onlyStatementsThatCanChangeNamesInvalidate() {
        assertThat(AccessAnalysisCache.changesCatalog(SqlScanner.scan("CREATE OR REPLACE VIEW v AS SELECT 1").words())).isTrue();
        assertThat(AccessAnalysisCache.changesCatalog(SqlScanner.scan("ALTER TABLE t RENAME TO u").words())).isTrue();
        assertThat(AccessAnalysisCache.changesCatalog(SqlScanner.scan("ROLLBACK").words())).isTrue();
        assertThat(AccessAnalysisCache.changesCatalog(SqlScanner.scan("INSERT INTO t VALUES (1)").words())).isFalse();
        assertThat(AccessAnalysisCache.changesCatalog(SqlScanner.scan("SELECT 'create' AS \"drop\"").words())).isFalse();
    }
}
