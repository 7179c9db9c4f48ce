package io.sluice.engine.duckdb;

import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ForwardingStatement;
import io.sluice.core.engine.ReusableStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * DuckDB as a node of a cluster sees it: each node's database is its own, so a table written through one node
 * would silently differ from the same name on the others. Writes (DML and DDL) are therefore refused, before they
 * run, in every catalog not declared node-local ({@code cluster.nodeLocalCatalogs}); declaring one says "each node
 * keeps its own copy, and that is what I want". A statement that names a table this node does not have is told
 * that tables are per node, since the table may well exist on the node that created it.
 */
public final class NodeLocalCatalogs implements Engine {

    /** Declares every catalog node-local. */
    public static final String ALL = "*";
    /** Temporary tables live for one statement's connection: nothing another node could miss. */
    private static final String TEMPORARY = "temp";

    private final Engine duckDb;
    private final Set<String> declared;
    private final String nodeId;
    private final String defaultCatalog;

    /**
     * @param declared lower-case catalogs whose writes are accepted ({@link #ALL} for every one)
     * @param defaultCatalog the catalog unqualified names resolve to without a session catalog
     */
    public NodeLocalCatalogs(Engine duckDb, Set<String> declared, String nodeId, String defaultCatalog) {
        this.duckDb = Objects.requireNonNull(duckDb, "duckDb");
        this.declared = Set.copyOf(declared);
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.defaultCatalog = Objects.requireNonNull(defaultCatalog, "defaultCatalog");
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        if (!declared.contains(ALL)) {
            for (String statement : SqlScanner.scan(request.sql()).statementTexts(request.sql())) {
                WrittenCatalog.of(statement).ifPresent(written -> refuseUndeclared(written, request.session()));
            }
        }
        return new Explained(duckDb.open(request));
    }

    private void refuseUndeclared(WrittenCatalog written, SessionContext session) {
        String catalog = catalogOf(written, session);
        if (catalog != null && (declared.contains(catalog) || catalog.equals(TEMPORARY))) {
            return;
        }
        String which = catalog == null ? "a DuckDB catalog" : "DuckDB catalog '" + catalog + "'";
        throw new SluiceException(new SluiceError(ErrorCode.SQL_ERROR, "Writes to " + which + " are refused in cluster"
                + " mode: DuckDB tables live on each node (this is node " + nodeId + "), so the other nodes would not see"
                + " this change. Write to a shared engine (Trino), or declare the catalog node-local with"
                + " cluster.nodeLocalCatalogs" + (catalog == null ? "=*" : "=" + catalog), "0A000", null, null));
    }

    /** The catalog a written name resolves to, as DuckDB resolves it; null when the name could not be read. */
    private String catalogOf(WrittenCatalog written, SessionContext session) {
        if (written.temporary()) {
            return TEMPORARY;
        }
        List<String> parts = written.name();
        if (parts.isEmpty()) {
            return null;
        }
        String sessionCatalog = session.catalog() == null ? defaultCatalog : session.catalog().toLowerCase(Locale.ROOT);
        int qualified = written.schemaOnly() ? 2 : 3;
        if (parts.size() >= qualified) {
            return parts.getFirst().toLowerCase(Locale.ROOT);
        }
        // catalog.table or schema.table: DuckDB reads a known catalog's name as the catalog.
        if (parts.size() == qualified - 1 && qualified == 3) {
            String first = parts.getFirst().toLowerCase(Locale.ROOT);
            if (duckDb.catalogs().map(known -> known.contains(first)).orElse(false)) {
                return first;
            }
        }
        return sessionCatalog;
    }

    /** Adds to "does not exist" why a table another node has is missing here. */
    private SluiceException explained(SluiceException e) {
        SluiceError error = e.error();
        if (error.code() != ErrorCode.SQL_CATALOG_ERROR || !error.message().contains("does not exist")) {
            return e;
        }
        SluiceException explained = new SluiceException(new SluiceError(error.code(), error.message()
                + " (on node " + nodeId + "; in cluster mode DuckDB tables are per node, and a table created through"
                + " another node exists only there)", error.sqlState(), error.position(), error.retryAfterSeconds()), e);
        return explained;
    }

    /** DuckDB's errors, with the node named where a table may exist on another node only. */
    private final class Explained extends ForwardingStatement {

        Explained(EngineStatement statement) {
            super(statement);
        }

        @Override
        public EngineResult execute() {
            try {
                return delegate.execute();
            } catch (SluiceException e) {
                throw explained(e);
            }
        }

        @Override
        public io.sluice.core.engine.AccessedTables accessedTables() {
            try {
                return delegate.accessedTables();
            } catch (SluiceException e) {
                throw explained(e);
            }
        }

        @Override
        public EngineResult executeIfAccessing(io.sluice.core.engine.AccessedTables approved) {
            try {
                return delegate.executeIfAccessing(approved);
            } catch (SluiceException e) {
                throw explained(e);
            }
        }
    }

    @Override
    public String name() {
        return duckDb.name();
    }

    @Override
    public boolean nodeLocal() {
        return true;
    }

    @Override
    public Optional<ReusableStatement> prepare(String sql, SessionContext session) {
        return duckDb.prepare(sql, session);
    }

    @Override
    public Optional<String> resolveTable(List<String> nameParts) {
        return duckDb.resolveTable(nameParts);
    }

    @Override
    public Optional<String> resolveSchema(List<String> nameParts) {
        return duckDb.resolveSchema(nameParts);
    }

    @Override
    public Optional<Set<String>> catalogs() {
        return duckDb.catalogs();
    }

    @Override
    public SluiceError withoutHiddenObjects(SluiceError error, java.util.function.Predicate<List<String>> visible) {
        return duckDb.withoutHiddenObjects(error, visible);
    }

    @Override
    public boolean healthy() {
        return duckDb.healthy();
    }

    @Override
    public String status() {
        return duckDb.status();
    }

    @Override
    public void close() {
        duckDb.close();
    }
}
