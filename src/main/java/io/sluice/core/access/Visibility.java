package io.sluice.core.access;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.RoutingEngine;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.result.BatchStream;
import io.sluice.core.statement.CatalogColumn;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.HiddenObjects;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a principal may be told exists: the tables and views it holds a privilege on. Everything else is refused,
 * and its names kept out of errors, exactly as if it did not exist (issue 19: error text must not reveal what
 * grants hide). Names are resolved by the engine; this class only decides.
 */
final class Visibility {

    /** Every column of every table, with its table's kind; numbers as text, so any engine's integer types read alike. */
    private static final String CATALOG_COLUMNS = "SELECT c.table_catalog, c.table_schema, c.table_name, t.table_type, "
            + "c.column_name, CAST(c.ordinal_position AS VARCHAR), c.data_type, c.is_nullable, "
            + "CAST(c.numeric_precision AS VARCHAR), CAST(c.numeric_scale AS VARCHAR), "
            + "CAST(c.numeric_precision_radix AS VARCHAR), CAST(c.character_maximum_length AS VARCHAR) "
            + "FROM information_schema.columns c JOIN information_schema.tables t "
            + "ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name "
            + "ORDER BY 1, 2, 3, c.ordinal_position";
    /**
     * The same columns from a catalog of another engine, read with that catalog as the session's, so the engine's own
     * information_schema of that catalog answers. Only the columns every information_schema has (Trino's lists no
     * numeric precision or length); the numbers are null.
     */
    private static final String ROUTED_CATALOG_COLUMNS = "SELECT c.table_catalog, c.table_schema, c.table_name, t.table_type, "
            + "c.column_name, CAST(c.ordinal_position AS VARCHAR), c.data_type, c.is_nullable, "
            + "CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR) "
            + "FROM information_schema.columns c JOIN information_schema.tables t "
            + "ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name "
            + "WHERE c.table_schema <> 'information_schema' "
            + "ORDER BY 1, 2, 3, c.ordinal_position";
    /** Arrow memory one catalog listing may use at once (a batch of names). */
    private static final long CATALOG_MEMORY = 256L * 1024 * 1024;

    private final AccessStore store;
    private final Engine engine;

    Visibility(AccessStore store, Engine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The refusal of a read or write of {@code table}, which the principal holds nothing on. */
    SluiceException refusal(Principal principal, String table, String sql) {
        return new SluiceException(writtenNameOf(table, sql).or(() -> firstHiddenWritten(principal, sql))
                .map(HiddenObjects::notAuthorized).orElseGet(HiddenObjects::unnamed));
    }

    /** Whether the principal holds any privilege on {@code table} (never on Sluice's own). */
    boolean sees(Principal principal, String table) {
        if (AccessControl.reserved(table)) {
            return false;
        }
        for (Privilege any : Privilege.values()) {
            if (store.allows(principal.id(), any, table)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The columns of every table and view that the principal sees, read from the engines' information_schema on
     * Sluice's own behalf: the principal itself may not read the catalog (it would list what its grants hide), so
     * listings are answered from this instead. The default engine lists all its catalogs at once; each catalog another
     * engine serves (Trino's) is read from that catalog, and only when the principal holds a grant in it, so a reader
     * with nothing there costs that engine no round trip.
     */
    List<CatalogColumn> catalog(Principal principal) {
        List<CatalogColumn> visible = new java.util.ArrayList<>();
        Map<String, Boolean> seen = new java.util.HashMap<>();
        read(CATALOG_COLUMNS, SessionContext.DEFAULT, principal, seen, visible);
        if (engine instanceof RoutingEngine routing) {
            for (String catalog : new java.util.TreeSet<>(routing.routedCatalogs())) {
                if (store.grantsIn(principal.id(), catalog)) {
                    SessionContext inCatalog = new SessionContext(catalog, null, java.time.ZoneOffset.UTC, null);
                    read(ROUTED_CATALOG_COLUMNS, inCatalog, principal, seen, visible);
                }
            }
        }
        return visible;
    }

    /** Adds the rows of {@code sql}, run with {@code session}, whose table the principal sees. */
    private void read(String sql, SessionContext session, Principal principal, Map<String, Boolean> seen,
                      List<CatalogColumn> visible) {
        try (BufferAllocator allocator = new RootAllocator(CATALOG_MEMORY);
             EngineStatement statement = engine.open(new EngineRequest(sql, new Parameters.Positional(List.of()), session,
                     allocator))) {
            if (!(statement.execute() instanceof EngineResult.Rows(BatchStream rows, boolean modifies))) {
                return;
            }
            try (rows) {
                while (rows.next()) {
                    VectorSchemaRoot batch = rows.root();
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        CatalogColumn column = column(batch, row);
                        String table = (column.catalog() + "." + column.schema() + "." + column.table())
                                .toLowerCase(java.util.Locale.ROOT);
                        if (seen.computeIfAbsent(table, name -> sees(principal, name))) {
                            visible.add(column);
                        }
                    }
                }
            }
        }
    }

    private static CatalogColumn column(VectorSchemaRoot batch, int row) {
        return new CatalogColumn(text(batch, 0, row), text(batch, 1, row), text(batch, 2, row), text(batch, 3, row),
                text(batch, 4, row), number(batch, 5, row), text(batch, 6, row), "YES".equals(text(batch, 7, row)),
                number(batch, 8, row), number(batch, 9, row), number(batch, 10, row), number(batch, 11, row));
    }

    private static String text(VectorSchemaRoot batch, int column, int row) {
        Object value = batch.getVector(column).getObject(row);
        return value == null ? null : value.toString();
    }

    private static Integer number(VectorSchemaRoot batch, int column, int row) {
        String value = text(batch, column, row);
        return value == null ? null : Integer.valueOf(value);
    }

    /** The last part of the name {@code sql} wrote for {@code table}, as written; empty when it wrote none. */
    private Optional<String> writtenNameOf(String table, String sql) {
        for (List<String> written : WrittenNames.in(sql)) {
            if (engine.resolveTable(written).filter(table::equals).isPresent()) {
                return Optional.of(written.getLast());
            }
        }
        return Optional.empty();
    }

    /** The first name {@code sql} writes for an object the principal holds nothing on (a view over the table, say). */
    private Optional<String> firstHiddenWritten(Principal principal, String sql) {
        for (List<String> written : WrittenNames.in(sql)) {
            if (engine.resolveTable(written).filter(table -> !sees(principal, table)).isPresent()) {
                return Optional.of(written.getLast());
            }
        }
        return Optional.empty();
    }

    /**
     * An engine error as a principal that is not an admin may read it. When the statement names an object hidden
     * from it, the error is the hidden-object refusal whatever the engine said (a misspelled column of a hidden
     * table, a type error on one of its columns: the engine binds before grants are checked, and its message would
     * tell names and types). Otherwise the engine strips what its message tells of hidden objects (suggestions,
     * candidates, view text). Admins get the engine's message as it is.
     */
    SluiceException forReader(Principal principal, String sql, SluiceException failure) {
        SluiceError error = failure.error();
        if (principal.admin() || (error.code() != ErrorCode.SQL_ERROR && error.code() != ErrorCode.SQL_CATALOG_ERROR)) {
            return failure;
        }
        store.refresh();
        Map<List<String>, Boolean> visible = new java.util.HashMap<>();
        java.util.function.Predicate<List<String>> visibleTo = parts -> visible.computeIfAbsent(parts,
                name -> engine.resolveTable(name).map(table -> sees(principal, table)).orElse(true));
        for (List<String> written : WrittenNames.in(sql)) {
            if (!visibleTo.test(written)) {
                return new SluiceException(HiddenObjects.notAuthorized(written.getLast()), failure);
            }
        }
        SluiceError shown = engine.withoutHiddenObjects(error, visibleTo);
        return shown.equals(error) ? failure : new SluiceException(shown, failure);
    }
}
