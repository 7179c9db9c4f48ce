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

    /** The engine a statement runs on. */
    public Engine route(String sql, SessionContext session) {
        String catalog = session.catalog() == null ? null : session.catalog().toLowerCase(Locale.ROOT);
        if (catalog != null) {
            Engine engine = byCatalog.get(catalog);
            if (engine != null) {
                return engine;
            }
            Optional<Set<String>> known = defaultEngine.catalogs();
            if (known.isPresent() && !known.get().contains(catalog)) {
                throw unknownCatalog(session.catalog());
            }
            return defaultEngine;
        }
        if (byCatalog.isEmpty()) {
            return defaultEngine;
        }
        Set<Engine> named = new LinkedHashSet<>();
        for (String first : QualifiedNames.catalogsIn(sql)) {
            Engine engine = byCatalog.get(first);
            if (engine != null) {
                named.add(engine);
            }
        }
        if (named.size() > 1) {
            throw new SluiceException(new SluiceError(ErrorCode.SQL_CATALOG_ERROR,
                    "The statement names catalogs served by different engines; one statement runs on one engine", "0A000", null));
        }
        return named.isEmpty() ? defaultEngine : named.iterator().next();
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
