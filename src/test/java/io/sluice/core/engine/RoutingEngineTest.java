package io.sluice.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which engine a statement goes to, and the clear refusal of a statement that names catalogs of two engines. */
class RoutingEngineTest {

    private final NamedEngine duckDb = new NamedEngine("duckdb", Set.of("sluice", "memory", "public_data"));
    private final NamedEngine trino = new NamedEngine("trino", Set.of());
    private final RoutingEngine routing = new RoutingEngine(duckDb, Map.of("tpch", trino, "lake", trino));

    @Test
    void aStatementGoesToTheEngineOfItsCatalog() {
        assertThat(routing.route("SELECT * FROM tpch.tiny.nation", session(null))).isSameAs(trino);
        assertThat(routing.route("SELECT * FROM t_a", session(null))).isSameAs(duckDb);
        assertThat(routing.route("SELECT * FROM tiny.nation", session("tpch"))).isSameAs(trino);
        assertThat(routing.route("SELECT * FROM sluice.main.t_a JOIN memory.main.x USING (k)", session(null))).isSameAs(duckDb);
        assertThat(routing.engineFor("SELECT * FROM lake.s.t JOIN tpch.tiny.nation ON true", session(null))).isSameAs(trino);
    }

    @Test
    void aJoinOfATrinoCatalogAndADuckDbTableIsRefusedNamingBothEngines() {
        for (var attempt : Map.of(
                "SELECT * FROM tpch.tiny.nation n JOIN sluice.main.t_a t ON n.n_nationkey = t.k", session(null),
                "SELECT * FROM tiny.nation n JOIN sluice.main.t_a t ON true", session("tpch"),
                "SELECT * FROM t_a JOIN tpch.tiny.nation ON true", session("sluice")).entrySet()) {
            assertThatThrownBy(() -> routing.route(attempt.getKey(), attempt.getValue()))
                    .as(attempt.getKey())
                    .isInstanceOfSatisfying(SluiceException.class, e -> {
                        assertThat(e.error().code()).isEqualTo(ErrorCode.SQL_CATALOG_ERROR);
                        assertThat(e.error().sqlState()).isEqualTo("0A000");
                        assertThat(e.error().message()).startsWith("Cross-engine statements are not supported")
                                .contains("by trino").contains("by duckdb").contains("'sluice'").contains("'tpch'");
                    });
        }
    }

    @Test
    void aThreePartNameThatIsNoCatalogIsLeftToTheEngine() {
        // "tiny" is a schema, not a catalog: a column reference tiny.nation.n_name stays with Trino.
        assertThat(routing.route("SELECT tiny.nation.n_name FROM tpch.tiny.nation", session(null))).isSameAs(trino);
    }

    private static SessionContext session(String catalog) {
        return new SessionContext(catalog, null, ZoneOffset.UTC, "admin");
    }

    private record NamedEngine(String name, Set<String> known) implements Engine {
        @Override
        public EngineStatement open(EngineRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Set<String>> catalogs() {
            return known.isEmpty() ? Optional.empty() : Optional.of(known);
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
