package io.sluice.console;

import io.sluice.core.access.AccessControl;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.result.BatchStream;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The tables and columns the console's catalog browser and completion offer: those the signed-in principal may
 * see. The engine's catalog functions are for admins only (a non-admin's {@code information_schema} query is
 * refused), so Sluice reads the catalog itself, outside any principal's statements, and keeps only the tables
 * the principal holds a privilege on. Reading it this way also keeps the console's own catalog queries out of
 * the user's statement history.
 */
final class ConsoleCatalog {

    private static final String COLUMNS_SQL = "SELECT table_catalog, table_schema, table_name, column_name, data_type "
            + "FROM information_schema.columns WHERE table_catalog NOT IN ('system', 'temp') "
            + "ORDER BY table_catalog, table_schema, table_name, ordinal_position";
    private static final String CURRENT_SQL = "SELECT current_database(), current_schema()";
    /** Metadata schemas every catalog has; listed for admins, who may query them, and for no one else. */
    private static final List<String> METADATA_SCHEMAS = List.of("information_schema", "pg_catalog");

    record Column(String catalog, String schema, String table, String column, String type) {
    }

    /** What the principal may see; {@code currentCatalog}/{@code currentSchema} resolve unqualified names. */
    record Visible(String currentCatalog, String currentSchema, List<Column> columns) {
    }

    private final Engine engine;
    private final AccessControl access;
    private final BufferAllocator allocator;

    ConsoleCatalog(Engine engine, AccessControl access, BufferAllocator allocator) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.access = Objects.requireNonNull(access, "access");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    Visible visibleTo(Principal principal) {
        List<List<Object>> current = rows(CURRENT_SQL);
        List<Column> columns = new ArrayList<>();
        // Non-admins: access control's own reading of the catalog, kept to the tables they hold a privilege on (the
        // same listing Druid's and Trino's catalog views are built from). Admins: the engine's catalog as it is.
        java.util.Optional<List<io.sluice.core.statement.CatalogColumn>> visible = access.visibleCatalog(principal);
        if (visible.isPresent()) {
            for (io.sluice.core.statement.CatalogColumn column : visible.get()) {
                if (!METADATA_SCHEMAS.contains(column.schema())) {
                    columns.add(new Column(text(column.catalog()), text(column.schema()), text(column.table()),
                            text(column.column()), text(column.dataType())));
                }
            }
        } else {
            for (List<Object> row : rows(COLUMNS_SQL)) {
                columns.add(new Column(text(row.get(0)), text(row.get(1)), text(row.get(2)), text(row.get(3)), text(row.get(4))));
            }
        }
        List<Object> here = current.isEmpty() ? List.of("", "") : current.getFirst();
        return new Visible(text(here.get(0)), text(here.get(1)), columns);
    }

    private List<List<Object>> rows(String sql) {
        List<List<Object>> rows = new ArrayList<>();
        try (BufferAllocator child = allocator.newChildAllocator("console-catalog", 0, Long.MAX_VALUE);
             EngineStatement statement = engine.open(new EngineRequest(sql, Parameters.NONE, SessionContext.DEFAULT, child))) {
            if (!(statement.execute() instanceof EngineResult.Rows(BatchStream stream, boolean ignored))) {
                return rows;
            }
            try (stream) {
                while (stream.next()) {
                    VectorSchemaRoot batch = stream.root();
                    ColumnReader[] readers = ColumnReaders.forBatch(batch, stream.schema(), ZoneOffset.UTC);
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        List<Object> values = new ArrayList<>(readers.length);
                        for (ColumnReader reader : readers) {
                            values.add(reader.value(row));
                        }
                        rows.add(values);
                    }
                }
            }
        }
        return rows;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
