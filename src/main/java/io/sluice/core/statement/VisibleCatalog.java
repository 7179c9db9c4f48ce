package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.result.BatchStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The columns of every table and view a principal may be told exists. Principals that are not admins may not read
 * the engine's catalog (it would name tables their grants hide), yet vendors' clients introspect through it (Druid's
 * INFORMATION_SCHEMA, for one). So the server reads the catalog on its own authority, with fixed SQL and no client
 * input, and keeps only what the guard lets the principal see.
 */
final class VisibleCatalog {

    /** Every user table's columns, all as text so that any engine's types read alike. */
    private static final String COLUMNS = "SELECT c.table_catalog, c.table_schema, c.table_name, t.table_type, c.column_name, "
            + "CAST(c.ordinal_position AS VARCHAR), c.is_nullable, c.data_type, CAST(c.numeric_precision AS VARCHAR), "
            + "CAST(c.numeric_precision_radix AS VARCHAR), CAST(c.numeric_scale AS VARCHAR) "
            + "FROM information_schema.columns AS c JOIN information_schema.tables AS t "
            + "ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name "
            + "WHERE c.table_catalog NOT IN ('system', 'temp') AND c.table_schema NOT IN ('information_schema', 'pg_catalog') "
            + "ORDER BY 1, 2, 3, c.ordinal_position";

    private final Engine engine;
    private final BufferAllocator rootAllocator;

    VisibleCatalog(Engine engine, BufferAllocator rootAllocator) {
        this.engine = engine;
        this.rootAllocator = rootAllocator;
    }

    List<CatalogColumn> columns(Principal principal, StatementGuard guard) {
        List<CatalogColumn> visible = new ArrayList<>();
        java.util.Map<String, Boolean> seen = new java.util.HashMap<>();
        try (BufferAllocator allocator = rootAllocator.newChildAllocator("catalog", 0, Long.MAX_VALUE);
             EngineStatement statement = engine.open(new EngineRequest(COLUMNS, Parameters.NONE, SessionContext.DEFAULT, allocator))) {
            if (!(statement.execute() instanceof EngineResult.Rows result)) {
                return visible;
            }
            try (BatchStream rows = result.rows()) {
                while (rows.next()) {
                    VectorSchemaRoot batch = rows.root();
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        CatalogColumn column = column(batch, row);
                        String table = (column.catalog() + "." + column.schema() + "." + column.table()).toLowerCase(Locale.ROOT);
                        if (seen.computeIfAbsent(table, name -> guard.sees(principal, name))) {
                            visible.add(column);
                        }
                    }
                }
            }
        }
        return visible;
    }

    private static CatalogColumn column(VectorSchemaRoot batch, int row) {
        return new CatalogColumn(text(batch, 0, row), text(batch, 1, row), text(batch, 2, row), text(batch, 3, row),
                text(batch, 4, row), number(batch, 5, row), text(batch, 6, row), text(batch, 7, row), number(batch, 8, row),
                number(batch, 9, row), number(batch, 10, row));
    }

    private static String text(VectorSchemaRoot batch, int column, int row) {
        FieldVector vector = batch.getVector(column);
        return vector.isNull(row) ? null : String.valueOf(vector.getObject(row));
    }

    private static Integer number(VectorSchemaRoot batch, int column, int row) {
        String text = text(batch, column, row);
        return text == null ? null : Integer.valueOf(text);
    }
}
