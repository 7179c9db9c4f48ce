package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which statements may give their connection back to the pool, and that nothing one leaves behind reaches the next. */
class ConnectionPoolTest {

    @TempDir
    Path directory;
    EngineFixture fixture;

    @BeforeEach
    void open() {
        fixture = new EngineFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select * from t where id = ?", "WITH x AS (SELECT 1) SELECT * FROM x",
        "FROM t", "VALUES (1)", "SELECT 'CREATE TEMP TABLE x' AS text", "SELECT \"temp\" FROM t"})
    void plainQueriesAreReusable(String sql) {
        assertThat(ConnectionPool.reusable(SqlScanner.scan(sql), true)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CREATE TEMP TABLE x AS SELECT 1", "SELECT setseed(0.5)", "SELECT currval('s')",
        "SELECT nextval('s')", "SET VARIABLE v = 1", "PREPARE p AS SELECT 1", "EXECUTE p", "DEALLOCATE p",
        "SELECT 1; SELECT 2", "INSERT INTO t VALUES (1)", "USE memory", "BEGIN", "SHOW TABLES",
        "SELECT * INTO x FROM t", "PRAGMA version", "CALL pragma_version()", "CREATE TEMPORARY MACRO m() AS 1"})
    void statementsThatCanLeaveStateBehindAreNot(String sql) {
        assertThat(ConnectionPool.reusable(SqlScanner.scan(sql), true)).isFalse();
    }

    @Test
    void aSessionWithItsOwnCatalogOrSchemaIsNot() {
        assertThat(ConnectionPool.reusable(SqlScanner.scan("SELECT 1"), false)).isFalse();
    }

    @Test
    void aQueryGivesItsConnectionBackAndTheNextQueryTakesIt() {
        fixture.rows("SELECT 1");
        assertThat(fixture.engine.idlePooledConnections()).isEqualTo(1);
        assertThat(fixture.rows("SELECT 41 + 1")).containsExactly(List.of(42));
        assertThat(fixture.engine.idlePooledConnections()).isEqualTo(1);
    }

    @Test
    void otherStatementsCloseTheirConnection() {
        fixture.update("CREATE TEMP TABLE mine AS SELECT 1 AS x");
        assertThat(fixture.engine.idlePooledConnections()).isZero();
        // The temporary table died with its connection: the pooled query after it cannot see it.
        assertThat(fixture.failure("SELECT * FROM mine").getMessage()).contains("mine");
    }

    @Test
    void aFailedQueryDoesNotGiveItsConnectionBack() {
        fixture.failure("SELECT * FROM no_such_table");
        assertThat(fixture.engine.idlePooledConnections()).isZero();
    }

    @Test
    void aCancelledQueryDoesNotGiveItsConnectionBack() {
        try (EngineStatement statement = fixture.engine.open(fixture.request("SELECT 1", Parameters.NONE))) {
            statement.cancel();
        }
        assertThat(fixture.engine.idlePooledConnections()).isZero();
    }

    @Test
    void aQueryInAnotherSchemaGetsAFreshConnection() {
        fixture.update("CREATE SCHEMA other");
        fixture.rows(new EngineRequest("SELECT 1", Parameters.NONE, new SessionContext(null, "other", ZoneOffset.UTC, null),
                fixture.allocator));
        assertThat(fixture.engine.idlePooledConnections()).isZero();
    }

    @Test
    void aReusedPlanSeesTheTableAsItIsNow() {
        fixture.update("CREATE TABLE t (id INTEGER)");
        fixture.update("INSERT INTO t VALUES (1)");
        assertThat(fixture.rows("SELECT * FROM t")).containsExactly(List.of(1));
        fixture.update("ALTER TABLE t ADD COLUMN name VARCHAR DEFAULT 'one'");
        assertThat(fixture.rows("SELECT * FROM t").toString()).isEqualTo("[[1, one]]");
        fixture.update("DROP TABLE t");
        fixture.update("CREATE TABLE t (label VARCHAR)");
        fixture.update("INSERT INTO t VALUES ('new')");
        assertThat(fixture.rows("SELECT * FROM t").toString()).isEqualTo("[[new]]");
    }

    @Test
    void aReusedPreparedStatementBindsEachRunsOwnParameters() {
        for (int value = 0; value < 5; value++) {
            assertThat(fixture.rows("SELECT ? * 2 AS doubled", new Parameters.Positional(List.of(ParameterValue.of(value)))))
                    .containsExactly(List.of(value * 2));
        }
        assertThat(fixture.engine.idlePooledConnections()).isEqualTo(1);
    }
}
