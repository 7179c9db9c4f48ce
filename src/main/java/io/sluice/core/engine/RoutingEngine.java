package io.sluice.core.engine;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sends each statement to the engine that serves its catalog, in one place for every protocol: adapters only
 * fill {@link SessionContext#catalog()} (native {@code catalog}, Snowflake {@code database}, NCP
 * {@code dataSource}, Druid {@code context.catalog}).
 *
 * <ul>
 *   <li>A session catalog served by another engine goes to it; any other catalog goes to the default engine,
 *       which must know it — an unknown catalog is SQL_CATALOG_ERROR naming it.</li>
 *   <li>Without a session catalog, a statement whose three-part names ({@code catalog.schema.table}) all start
 *       with catalogs of one other engine goes to that engine; names of two other engines in one statement
 *       are refused (no engine can join across engines); everything else goes to the default engine.</li>
 * </ul>
 */
public final class RoutingEngine implements Engine {

    private final Engine defaultEngine;
    private final Map<String, Engine> byCatalog;

    /**
     * @param byCatalog lower-case catalog name → the engine that serves it (catalogs of the default engine
     *     need not be listed)
     */
    public RoutingEngine(Engine defaultEngine, Map<String, Engine> byCatalog) {
        this.defaultEngine = Objects.requireNonNull(defaultEngine, "defaultEngine");
        Map<String, Engine> copy = new LinkedHashMap<>();
        byCatalog.forEach((catalog, engine) -> copy.put(catalog.toLowerCase(Locale.ROOT), Objects.requireNonNull(engine)));
        this.byCatalog = Map.copyOf(copy);
    }

    /** Every engine, the default first. */
    public List<Engine> engines() {
        Set<Engine> engines = new LinkedHashSet<>();
        engines.add(defaultEngine);
        engines.addAll(byCatalog.values());
        return List.copyOf(engines);
    }

    @Override
    public List<Engine> components() {
        return engines();
    }

    /** Each engine's rewriting in turn: a message is only ever one engine's, and the others leave it alone. */
    @Override
    public io.sluice.core.error.SluiceError withoutHiddenObjects(io.sluice.core.error.SluiceError error,
            java.util.function.Predicate<List<String>> visible) {
        io.sluice.core.error.SluiceError shown = error;
        for (Engine engine : engines()) {
            shown = engine.withoutHiddenObjects(shown, visible);
        }
        return shown;
    }

    /** The catalogs served by engines other than the default one (lower case). */
    public Set<String> routedCatalogs() {
        return byCatalog.keySet();
    }

    public Engine defaultEngine() {
        return defaultEngine;
    }

    @Override
    public String name() {
        return defaultEngine.name();
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        return route(request.sql(), request.session()).open(request);
    }

    @Override
    public Engine engineFor(String sql, SessionContext session) {
        return route(sql, session);
    }

    /** The engine a statement runs on. */
    public Engine route(String sql, SessionContext session) {
        String catalog = session.catalog() == null ? null : session.catalog().toLowerCase(Locale.ROOT);
        if (catalog != null) {
            Engine engine = byCatalog.get(catalog);
            if (engine != null) {
                refuseOtherEngines(sql, engine, catalog);
                return engine;
            }
            Optional<Set<String>> known = defaultEngine.catalogs();
            if (known.isPresent() && !known.get().contains(catalog)) {
                throw unknownCatalog(session.catalog());
            }
            refuseOtherEngines(sql, defaultEngine, catalog);
            return defaultEngine;
        }
        if (byCatalog.isEmpty()) {
            return defaultEngine;
        }
        Map<Engine, String> named = new LinkedHashMap<>();
        for (String first : QualifiedNames.catalogsIn(sql)) {
            Engine engine = byCatalog.get(first);
            if (engine != null) {
                named.putIfAbsent(engine, first);
            }
        }
        if (named.size() > 1) {
            List<Map.Entry<Engine, String>> two = List.copyOf(named.entrySet());
            throw crossEngine(two.get(0).getKey(), two.get(0).getValue(), two.get(1).getKey(), two.get(1).getValue());
        }
        if (named.isEmpty()) {
            return defaultEngine;
        }
        Map.Entry<Engine, String> chosen = named.entrySet().iterator().next();
        refuseOtherEngines(sql, chosen.getKey(), chosen.getValue());
        return chosen.getKey();
    }

    /**
     * A statement runs on one engine, so a name of another engine's catalog in it could only fail with that engine's
     * puzzled message ("Catalog 'sluice' not found"); it is refused here instead, naming both engines. Only
     * three-part names count (a hint from the text); DuckDB's catalogs are asked only when such a name is not one of
     * the other engines' catalogs.
     */
    private void refuseOtherEngines(String sql, Engine chosen, String chosenCatalog) {
        if (byCatalog.isEmpty()) {
            return;
        }
        Set<String> defaultCatalogs = null;
        for (String first : QualifiedNames.catalogsIn(sql)) {
            Engine engine = byCatalog.get(first);
            if (engine == null && chosen != defaultEngine) {
                if (defaultCatalogs == null) {
                    defaultCatalogs = defaultEngine.catalogs().orElse(Set.of());
                }
                engine = defaultCatalogs.contains(first) ? defaultEngine : null;
            }
            if (engine != null && engine != chosen) {
                throw crossEngine(chosen, chosenCatalog, engine, first);
            }
        }
    }

    private static SluiceException crossEngine(Engine one, String oneCatalog, Engine other, String otherCatalog) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_CATALOG_ERROR, "Cross-engine statements are not"
                + " supported: catalog '" + oneCatalog + "' is served by " + one.name() + " and catalog '" + otherCatalog
                + "' by " + other.name() + "; one statement runs on one engine (copy the data into one of them, or query"
                + " each separately)", "0A000", null));
    }

    /** Trino's and NCP's own wording, so every protocol reads the same whichever engine was asked. */
    private static SluiceException unknownCatalog(String catalog) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_CATALOG_ERROR,
                "Catalog '" + catalog + "' does not exist", "3D000", null));
    }

    @Override
    public Optional<String> resolveTable(List<String> nameParts) {
        return engineFor(nameParts, 3).resolveTable(nameParts);
    }

    @Override
    public Optional<String> resolveSchema(List<String> nameParts) {
        return engineFor(nameParts, 2).resolveSchema(nameParts);
    }

    private Engine engineFor(List<String> nameParts, int qualifiedSize) {
        if (nameParts.size() == qualifiedSize) {
            Engine engine = byCatalog.get(nameParts.getFirst().toLowerCase(Locale.ROOT));
            if (engine != null) {
                return engine;
            }
        }
        return defaultEngine;
    }

    @Override
    public Optional<Set<String>> catalogs() {
        Optional<Set<String>> known = defaultEngine.catalogs();
        if (known.isEmpty()) {
            return Optional.empty();
        }
        Set<String> all = new TreeSet<>(known.get());
        all.addAll(byCatalog.keySet());
        return Optional.of(all);
    }

    /** True when every engine is healthy. */
    @Override
    public boolean healthy() {
        for (Engine engine : engines()) {
            if (!engine.healthy()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Engine engine : engines().reversed()) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }
}
