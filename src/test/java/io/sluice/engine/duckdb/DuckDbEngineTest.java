package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DuckDbEngineTest {

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
    @ValueSource(strings = {
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_text('/etc/hostname')",
        "COPY (SELECT 1) TO '/tmp/sluice-escape.csv'",
        "ATTACH '/tmp/sluice-escape.duckdb' AS escape",
        "EXPORT DATABASE '/tmp/sluice-export'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')",
        "SET memory_limit = '10GB'",
        "SET threads = 64",
        "SET enable_external_access = true",
        "SET TimeZone = 'Europe/Paris'",
        "PRAGMA enable_profiling",
        "RESET memory_limit",
        "SET enable_profiling = 'json'"
    })
    void refusesLockDownEscapes(String sql) {
        SluiceException failure = fixture.failure(sql);
        assertThat(failure.code()).as(failure.getMessage()).isEqualTo(ErrorCode.SQL_PERMISSION_DENIED);
        assertThat(failure.error().sqlState()).isEqualTo("42501");
        assertThat(failure.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(fixture.rows("SELECT 1")).containsExactly(List.of(1));
        assertThat(fixture.engine.healthy()).isTrue();
    }

    @Test
    void extensionAndSettingMessagesAreClear() {
        assertThat(fixture.failure("INSTALL httpfs").getMessage()).isEqualTo("Loading extensions is not allowed");
        assertThat(fixture.failure("SET threads = 1").getMessage()).isEqualTo("Changing engine settings is not allowed");
        assertThat(fixture.failure("SELECT * FROM read_csv('/etc/passwd')").getMessage())
                .startsWith("Access to files is not allowed (read_csv)");
    }

    @Test
    void syntaxErrorHasPosition() {
        SluiceException failure = fixture.failure("SELECT 1,\n  2 FORM t");
        assertThat(failure.code()).isEqualTo(ErrorCode.SQL_SYNTAX_ERROR);
        assertThat(failure.error().sqlState()).isEqualTo("42601");
        assertThat(failure.error().position()).isEqualTo(new SluiceError.Position(2, 10));
        assertThat(failure.getMessage()).startsWith("Parser Error:").doesNotContain("LINE").doesNotContain("^");
    }

    @Test
    void positionMapsBackThroughRewrittenPlaceholders() {
        SluiceException failure = fixture.failure("SELECT :value, nope FROM (SELECT 1 AS x)",
                new Parameters.Named(java.util.Map.of("value", io.sluice.core.engine.ParameterValue.of(
                        new io.sluice.core.types.Interval(1, 0, 0)))));
        assertThat(failure.code()).isEqualTo(ErrorCode.SQL_ERROR);
        assertThat(failure.error().sqlState()).isEqualTo("42703");
        assertThat(failure.error().position()).isEqualTo(new SluiceError.Position(1, 16));
    }

    @Test
    void unknownTableIsCatalogError() {
        SluiceException failure = fixture.failure("SELECT * FROM missing_table");
        assertThat(failure.code()).isEqualTo(ErrorCode.SQL_CATALOG_ERROR);
        assertThat(failure.error().sqlState()).isEqualTo("42P01");
        assertThat(failure.error().position()).isEqualTo(new SluiceError.Position(1, 15));
    }

    @Test
    void otherSqlErrorsCarryTheirState() {
        assertThat(fixture.failure("CREATE TABLE converted AS SELECT 'x'::INTEGER AS v").error().sqlState()).isEqualTo("22018");
        SluiceException conversion = fixture.failure("SELECT 'x'::INTEGER");
        assertThat(conversion.code()).isEqualTo(ErrorCode.SQL_ERROR);
        assertThat(conversion.error().sqlState()).isEqualTo("22018");
        fixture.engine.executeTrusted("CREATE TABLE unique_values(id INTEGER PRIMARY KEY)");
        fixture.update("INSERT INTO unique_values VALUES (1)");
        SluiceException duplicate = fixture.failure("INSERT INTO unique_values VALUES (1)");
        assertThat(duplicate.code()).isEqualTo(ErrorCode.SQL_ERROR);
        assertThat(duplicate.error().sqlState()).isEqualTo("23000");
    }

    @Test
    void dataChangesReturnCountsAndModifyData() {
        EngineResult.UpdateCount created = fixture.update("CREATE TABLE items(id INTEGER, name VARCHAR)");
        assertThat(created.modifiesData()).isTrue();
        EngineResult.UpdateCount inserted = fixture.update("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        assertThat(inserted).isEqualTo(new EngineResult.UpdateCount(3, true));
        assertThat(fixture.update("UPDATE items SET name = 'z' WHERE id > 1")).isEqualTo(new EngineResult.UpdateCount(2, true));
        assertThat(fixture.update("DELETE FROM items WHERE id = 1")).isEqualTo(new EngineResult.UpdateCount(1, true));
        try (EngineStatement statement = fixture.engine.open(fixture.request(
                "INSERT INTO items VALUES (4, 'd') RETURNING id", Parameters.NONE))) {
            EngineResult result = statement.execute();
            assertThat(result).isInstanceOf(EngineResult.Rows.class);
            assertThat(result.modifiesData()).isTrue();
            assertThat(EngineFixture.read(((EngineResult.Rows) result).rows())).containsExactly(List.of(4));
        }
        try (EngineStatement statement = fixture.engine.open(fixture.request("SELECT * FROM items", Parameters.NONE))) {
            EngineResult result = statement.execute();
            assertThat(result.modifiesData()).isFalse();
            assertThat(EngineFixture.read(((EngineResult.Rows) result).rows())).hasSize(3);
        }
    }

    @Test
    void dataPersistsAcrossReopen() {
        fixture.engine.executeTrusted("CREATE TABLE kept AS SELECT 42 AS answer");
        fixture.engine.close();
        fixture.engine = new DuckDbEngine(EngineFixture.config(directory));
        assertThat(fixture.rows("SELECT answer FROM kept")).containsExactly(List.of(42));
    }

    @Test
    void sessionSchemaResolvesUnqualifiedNames() {
        fixture.engine.executeTrusted("CREATE SCHEMA s; CREATE TABLE s.t AS SELECT 'in s' AS origin");
        SessionContext session = new SessionContext(null, "s", ZoneOffset.UTC, "tester");
        EngineRequest request = new EngineRequest("SELECT origin FROM t", Parameters.NONE, session, fixture.allocator);
        assertThat(fixture.rows(request)).containsExactly(List.of(new org.apache.arrow.vector.util.Text("in s")));
        // The next statement gets a fresh connection: the schema did not leak.
        assertThat(fixture.failure("SELECT origin FROM t").code()).isEqualTo(ErrorCode.SQL_CATALOG_ERROR);
    }

    @Test
    void runsConcurrentStatements() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<List<Object>>>> results = new ArrayList<>();
            for (int index = 0; index < 8; index++) {
                long bound = 100_000L * (index + 1);
                results.add(executor.submit(() -> fixture.rows("SELECT count(*) FROM range(" + bound + ")")));
            }
            for (int index = 0; index < 8; index++) {
                assertThat(results.get(index).get()).containsExactly(List.of(100_000L * (index + 1)));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void closedEngineIsUnavailable() {
        fixture.engine.close();
        assertThat(fixture.engine.healthy()).isFalse();
        try {
            fixture.engine.open(fixture.request("SELECT 1", Parameters.NONE));
            throw new AssertionError("expected ENGINE_UNAVAILABLE");
        } catch (SluiceException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ENGINE_UNAVAILABLE);
        }
    }
}
