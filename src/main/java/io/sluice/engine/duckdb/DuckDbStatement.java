package io.sluice.engine.duckdb;

import io.sluice.core.error.ErrorCode;

import io.sluice.core.error.SluiceError;

import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.error.SluiceException;
import io.sluice.core.io.Closing;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBChunkedResult;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;
import org.duckdb.DuckDBResultSetMetaData;
import org.duckdb.StatementReturnType;

/**
 * One statement on a DuckDB connection of its own while it runs, so a cancel (which DuckDB applies to a whole
 * connection) never hits a neighbour. A plain query borrows a pooled connection with its prepared statements and
 * gives it back clean ({@link ConnectionPool}); anything else gets a fresh one, so session settings die with it.
 */
final class DuckDbStatement implements EngineStatement {

    /** What the checks put in front of a statement to have DuckDB plan it without running it. */
    private static final String EXPLAIN = "EXPLAIN (FORMAT JSON) ";

    /** How long cancel() keeps re-sending the interrupt while execute is still starting up. */
    private static final long CANCEL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private final EngineRequest request;
    private final DuckDBConnection connection;
    private final ConnectionPool pool;
    private final ConnectionPool.Lease lease;
    /** Whether the connection came from (and may go back to) the pool, with its prepared statements. */
    private final boolean pooled;
    /** False once anything went wrong that could leave the connection in an unknown state. */
    private volatile boolean clean = true;
    private final int batchRows;
    private final Consumer<DuckDbStatement> onClose;
    private final AccessAnalysisCache analyses;
    /**
     * The kept statement ({@link DuckDbReusableStatement}) whose connection and prepared statement this run borrows;
     * null for a run on a pooled or fresh connection.
     */
    private final DuckDbReusableStatement kept;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private volatile boolean executing;
    private DuckDBPreparedStatement jdbcStatement;
    private DuckDbBatchStream stream;
    private boolean closed;
    /** The access analysis, once made: access control asks before execute, and execute asks again. */
    private volatile io.sluice.core.engine.AccessedTables analysed;

    /** A run on a connection of the pool ({@code pooled}) or on a fresh one the pool only adopted. */
    DuckDbStatement(EngineRequest request, ConnectionPool pool, ConnectionPool.Lease lease, boolean pooled, int batchRows,
                    AccessAnalysisCache analyses, Consumer<DuckDbStatement> onClose) {
        this(request, Objects.requireNonNull(lease, "lease").connection(), Objects.requireNonNull(pool, "pool"), lease,
                pooled, null, batchRows, analyses, onClose);
    }

    /** A run of a kept statement, on the connection it keeps. */
    DuckDbStatement(EngineRequest request, DuckDbReusableStatement kept, DuckDBConnection connection, int batchRows,
                    AccessAnalysisCache analyses, Consumer<DuckDbStatement> onClose) {
        this(request, connection, null, null, false, Objects.requireNonNull(kept, "kept"), batchRows, analyses, onClose);
    }

    private DuckDbStatement(EngineRequest request, DuckDBConnection connection, ConnectionPool pool,
                            ConnectionPool.Lease lease, boolean pooled, DuckDbReusableStatement kept, int batchRows,
                            AccessAnalysisCache analyses, Consumer<DuckDbStatement> onClose) {
        this.request = Objects.requireNonNull(request, "request");
        this.analyses = Objects.requireNonNull(analyses, "analyses");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.pool = pool;
        this.lease = lease;
        this.pooled = pooled;
        this.kept = kept;
        this.batchRows = batchRows;
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    @Override
    public EngineResult execute() {
        ParameterPlan plan = ParameterPlan.of(request.sql(), request.parameters());
        // What DuckDB's error positions refer to: the statement that ran, as it ran (see DuckDbErrors.SqlSource).
        DuckDbErrors.SqlSource source = plan.source();
        // Files stay out of reach for everyone (FileAccessGuard); DETACH among them: catalogs are attached by the
        // operator at start-up, and one detached could not be re-attached until a restart. Checked by words first
        // so nothing at all runs, then statement by statement against DuckDB's plan.
        FileAccessGuard.checkWords(plan.scan(), true);
        boolean changesCatalog = AccessAnalysisCache.changesCatalog(plan.scan().words());
        if (changesCatalog) {
            analyses.invalidate();
        }
        executing = true;
        try {
            applySession();
            ParameterPlan last = plan;
            if (plan.scan().statements() > 1 && plan.bindings().isEmpty()) {
                // Several statements: run all but the last one by one on this connection (as DuckDB's driver would
                // with the whole text), so each is planned — and guarded — after the ones it depends on ran.
                List<String> texts = SqlScanner.scan(plan.executedSql()).statementTexts(plan.executedSql());
                int start = 0;
                for (String text : texts.subList(0, texts.size() - 1)) {
                    start = plan.executedSql().indexOf(text, start);
                    source = plan.source().from(start);
                    start += text.length();
                    guardFiles(ParameterPlan.of(text, request.parameters()), false);
                    if (cancelled) {
                        throw DuckDbErrors.cancelled();
                    }
                    try (Statement earlier = connection.createStatement()) {
                        earlier.execute(text);
                    }
                }
                source = plan.source().from(plan.executedSql().indexOf(texts.getLast(), start));
                last = ParameterPlan.of(texts.getLast(), request.parameters());
                guardFiles(last, false);
            } else if (kept == null) {
                guardFiles(plan, plan.scan().statements() == 1);
            }
            // A kept statement's text is Sluice's own (Engine.prepare: the streams' INSERT … RETURNING, with the
            // client's values bound), so its words were checked above and it needs no plan of its own per run:
            // with new values every run, that would be one more EXPLAIN on the insert → push-query path.
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("the statement is closed");
                }
                // Checked under the lock that cancel() takes, so either cancel sees the statement or we see the flag.
                if (cancelled) {
                    throw DuckDbErrors.cancelled();
                }
                jdbcStatement = kept != null ? kept.prepared(last.executedSql())
                        : pooled ? lease.prepared(last.executedSql())
                        : connection.prepareStatement(last.executedSql()).unwrap(DuckDBPreparedStatement.class);
            }
            bind(last);
            if (DuckDbNative.available()
                    && ((DuckDBResultSetMetaData) jdbcStatement.getMetaData()).getReturnType() == StatementReturnType.QUERY_RESULT) {
                // Rows come through the driver's C-API result, the one whose error stays readable (DuckDbNative).
                DuckDBChunkedResult chunked = jdbcStatement.query();
                DuckDbBatchStream rows = openStream(chunked, source);
                if (cancelled) {
                    throw DuckDbErrors.cancelled();
                }
                return new EngineResult.Rows(rows, DataModification.mayModify(plan.scan().words(), true));
            }
            boolean returnsRows = jdbcStatement.execute();
            if (cancelled) {
                throw DuckDbErrors.cancelled();
            }
            boolean modifies = DataModification.mayModify(plan.scan().words(), returnsRows
                    && ((DuckDBResultSetMetaData) jdbcStatement.getMetaData()).getReturnType() == StatementReturnType.QUERY_RESULT);
            if (!returnsRows) {
                if (kept == null) {
                    clean = false; // not a query after all: the connection is not given back to the pool
                }
                return new EngineResult.UpdateCount(Math.max(0, jdbcStatement.getUpdateCount()), modifies);
            }
            // Rows without DuckDB's C API, or from a statement DuckDB did not announce as a query: the driver's export.
            return new EngineResult.Rows(openStream(jdbcStatement.getResultSet()), modifies);
        } catch (SluiceException e) {
            clean = false;
            throw e;
        } catch (Exception e) {
            clean = false;
            throw DuckDbErrors.map(e, cancelled, source);
        } finally {
            executing = false;
            if (changesCatalog) {
                // Again once it ran: an analysis that started while it was running may have seen the old catalog.
                analyses.invalidate();
            }
        }
    }

    /**
     * Refuses {@code plan} (one statement) if it reads or writes files: by the access analysis when it is the
     * request's own single query or DML statement, else by a plan of its own, else — when DuckDB cannot plan it —
     * by its words, more strictly (no SQL hidden in strings).
     */
    private void guardFiles(ParameterPlan plan, boolean wholeRequest) throws Exception {
        if (plan.scan().words().isEmpty()) {
            return;
        }
        String first = plan.scan().words().getFirst();
        if (wholeRequest && DuckDbAccessAnalysis.analysable(first)) {
            io.sluice.core.engine.AccessedTables accessed;
            try {
                accessed = accessedTables();
            } catch (SluiceException wrongStatement) {
                // DuckDB could not plan it, so it will fail when it runs, with its error placed in the user's text.
                FileAccessGuard.checkWords(plan.scan(), false);
                return;
            }
            FileAccessGuard.checkOperators(accessed.functions());
            return;
        }
        if (!FileAccessGuard.plannable(plan.scan())) {
            FileAccessGuard.checkWords(plan.scan(), false);
            return;
        }
        ParseTreeGuard.check(connection, plan.executedSql());
        java.util.Optional<String> fileOperator;
        try (var explain = connection.prepareStatement(EXPLAIN + plan.executedSql())
                .unwrap(DuckDBPreparedStatement.class)) {
            ParameterConverter converter = new ParameterConverter(connection);
            for (ParameterPlan.Binding binding : plan.bindings()) {
                bindOne(explain, converter, binding);
            }
            fileOperator = java.util.Optional.empty();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next() && fileOperator.isEmpty()) {
                    fileOperator = FileAccessGuard.fileOperatorIn(rows.getString(2));
                }
            }
        } catch (SQLException | java.io.IOException notPlannable) {
            // DuckDB cannot EXPLAIN this kind of statement (or it is wrong, and will fail when it runs).
            FileAccessGuard.checkWords(plan.scan(), false);
            return;
        }
        if (fileOperator.isPresent()) {
            throw FileAccessGuard.denied(fileOperator.get());
        }
    }

    @Override
    public io.sluice.core.engine.AccessedTables accessedTables() {
        io.sluice.core.engine.AccessedTables known = analysed;
        if (known == null) {
            known = analyseOnce();
            analysed = known;
        }
        return known;
    }

    private io.sluice.core.engine.AccessedTables analyseOnce() {
        ParameterPlan plan = ParameterPlan.of(request.sql(), request.parameters());
        java.util.Set<String> none = java.util.Set.of();
        if (plan.scan().statements() != 1 || plan.scan().words().isEmpty()) {
            // Several statements in one text: later ones could depend on earlier ones; only admins may.
            return new io.sluice.core.engine.AccessedTables(io.sluice.core.engine.AccessedTables.Kind.OTHER, none, none, none);
        }
        if (!DuckDbAccessAnalysis.analysable(plan.scan().words().getFirst())) {
            return new io.sluice.core.engine.AccessedTables(io.sluice.core.engine.AccessedTables.Kind.OTHER, none, none, none);
        }
        // Only read-only statements are remembered; anything else is analysed each time it runs.
        java.util.Optional<AccessAnalysisCache.Key> key = DataModification.mayModify(plan.scan().words(), true)
                ? java.util.Optional.empty() : analyses.keyFor(request);
        if (key.isPresent()) {
            java.util.Optional<io.sluice.core.engine.AccessedTables> known = analyses.get(key.get());
            if (known.isPresent()) {
                return known.get();
            }
        }
        long generation = analyses.generation();
        io.sluice.core.engine.AccessedTables analysed = analyse(plan);
        key.ifPresent(k -> analyses.put(k, generation, analysed));
        return analysed;
    }

    private io.sluice.core.engine.AccessedTables analyse(ParameterPlan plan) {
        try {
            // Before DuckDB binds anything: binding already opens the files a statement names.
            FileAccessGuard.checkWords(plan.scan(), true);
            java.util.Set<String> adminOnly = ParseTreeGuard.check(connection, plan.executedSql());
            applySession();
            String planJson;
            try (var explain = connection.prepareStatement(EXPLAIN + plan.executedSql())
                    .unwrap(DuckDBPreparedStatement.class)) {
                ParameterConverter converter = new ParameterConverter(connection);
                for (ParameterPlan.Binding binding : plan.bindings()) {
                    bindOne(explain, converter, binding);
                }
                planJson = logicalPlan(explain.executeQuery());
            } catch (SQLException wrongStatement) {
                // DuckDB's position is in the EXPLAIN it planned; the client wants it in its own text.
                throw DuckDbErrors.map(wrongStatement, cancelled, plan.source().prefixed(EXPLAIN));
            }
            java.util.Set<String> functions = new java.util.LinkedHashSet<>(adminOnly);
            java.util.Set<String> reads = new java.util.LinkedHashSet<>(DuckDbAccessAnalysis.tablesIn(planJson, functions));
            String root = DuckDbAccessAnalysis.rootOperator(planJson);
            var kind = DuckDbAccessAnalysis.kind(plan.scan().words().getFirst(), root);
            java.util.Set<String> writes = new java.util.LinkedHashSet<>();
            if (kind != io.sluice.core.engine.AccessedTables.Kind.QUERY && kind != io.sluice.core.engine.AccessedTables.Kind.OTHER) {
                java.util.Optional<String> target = resolveByScan(DuckDbAccessAnalysis.dmlTarget(request.sql()));
                if (target.isEmpty()) {
                    kind = io.sluice.core.engine.AccessedTables.Kind.OTHER;
                } else {
                    writes.add(target.get());
                    if (!plan.scan().words().getFirst().equals("INSERT")) {
                        reads.remove(target.get());
                    }
                }
            }
            return new io.sluice.core.engine.AccessedTables(kind, reads, writes, functions);
        } catch (SluiceException e) {
            throw e;
        } catch (Exception e) {
            throw DuckDbErrors.map(e, cancelled, plan.source());
        }
    }

    /** Resolves a written name the way DuckDB does for this connection: plan a scan of it and read the table back. */
    private java.util.Optional<String> resolveByScan(List<String> parts) throws Exception {
        if (parts.isEmpty()) {
            return java.util.Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(DuckDbTypes.quoteIdentifier(part));
        }
        try (var explain = connection.createStatement();
             ResultSet rows = explain.executeQuery("EXPLAIN (FORMAT JSON) SELECT * FROM " + name)) {
            java.util.Set<String> functions = new java.util.HashSet<>();
            java.util.Set<String> tables = DuckDbAccessAnalysis.tablesIn(logicalPlan(rows), functions);
            return tables.size() == 1 && functions.isEmpty() ? java.util.Optional.of(tables.iterator().next())
                    : java.util.Optional.empty();
        }
    }

    /** The logical plan (unoptimised, so nothing is folded away) when DuckDB gives it, else the physical one. */
    private static String logicalPlan(ResultSet rows) throws SQLException {
        String physical = null;
        while (rows.next()) {
            String key = rows.getString(1);
            if ("logical_plan".equals(key)) {
                return rows.getString(2);
            }
            if ("physical_plan".equals(key)) {
                physical = rows.getString(2);
            }
        }
        if (physical == null) {
            throw new SQLException("DuckDB gave no plan");
        }
        return physical;
    }

    private void applySession() throws SQLException {
        String catalog = request.session().catalog();
        String schema = request.session().schema();
        boolean trino = request.session().dialect() == io.sluice.core.engine.SqlDialect.TRINO;
        if (catalog == null && schema == null && !trino) {
            return;
        }
        try (var statement = connection.createStatement()) {
            if (catalog != null || schema != null) {
                // Identifiers are quoted, never interpreted: these are names, not SQL.
                String target = catalog == null ? DuckDbTypes.quoteIdentifier(schema)
                        : schema == null ? DuckDbTypes.quoteIdentifier(catalog)
                        : DuckDbTypes.quoteIdentifier(catalog) + "." + DuckDbTypes.quoteIdentifier(schema);
                statement.execute("USE " + target);
            }
            if (trino) {
                // After USE, which resets the search path; again on a pooled connection (the same path).
                statement.execute(TrinoFunctions.SEARCH_PATH);
            }
        }
    }

    private void bind(ParameterPlan plan) throws SQLException {
        int expected = jdbcStatement.getParameterMetaData().getParameterCount();
        if (expected != plan.bindings().size()) {
            throw ParameterPlan.countMismatch(expected, plan.bindings().size());
        }
        ParameterConverter converter = new ParameterConverter(connection);
        for (ParameterPlan.Binding binding : plan.bindings()) {
            bindOne(jdbcStatement, converter, binding);
        }
    }

    /**
     * A value the driver cannot bind (a number past HUGEINT, a timestamp past the engine's range) is the client's
     * mistake: INVALID_PARAMETER naming the parameter, not an internal error.
     */
    private static void bindOne(java.sql.PreparedStatement statement, ParameterConverter converter, ParameterPlan.Binding binding) {
        try {
            statement.setObject(binding.index(), converter.toJdbc(binding.label(), binding.value()));
        } catch (io.sluice.core.error.SluiceException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : DuckDbErrors.meaningfulText(e.getMessage());
            throw new io.sluice.core.error.SluiceException(new io.sluice.core.error.SluiceError(
                    io.sluice.core.error.ErrorCode.INVALID_PARAMETER,
                    "Parameter " + binding.label() + " cannot be bound: " + reason, "22023", null));
        }
    }

    private DuckDbBatchStream openStream(DuckDBChunkedResult chunked, DuckDbErrors.SqlSource source) throws Exception {
        DuckDbChunkReader reader;
        try {
            reader = new DuckDbChunkReader(request.allocator(), chunked, batchRows);
        } catch (RuntimeException e) {
            Closing.quietly(chunked);
            throw e;
        }
        DuckDbBatchStream batches;
        try {
            batches = new DuckDbBatchStream(reader.schema(), reader, request.allocator(), () -> cancelled, () -> { }, source);
        } catch (Exception e) {
            Closing.quietly(reader);
            throw e;
        }
        synchronized (lock) {
            stream = batches;
        }
        return batches;
    }

    private DuckDbBatchStream openStream(ResultSet resultSet) throws Exception {
        ResultSetMetaData metaData = resultSet.getMetaData();
        List<Column> columns = new ArrayList<>();
        for (int index = 1; index <= metaData.getColumnCount(); index++) {
            // DuckDB often reports nullability as unknown; nullable is the safe answer.
            columns.add(new Column(metaData.getColumnLabel(index),
                    DuckDbTypes.toCanonical(metaData.getColumnTypeName(index)), true));
        }
        DuckDBResultSet duckDbResultSet = resultSet.unwrap(DuckDBResultSet.class);
        ArrowReader reader = (ArrowReader) duckDbResultSet.arrowExportStream(request.allocator(), batchRows);
        DuckDbBatchStream batches = new DuckDbBatchStream(new ResultSchema(columns), reader, request.allocator(),
                () -> cancelled, resultSet, null);
        synchronized (lock) {
            stream = batches;
        }
        return batches;
    }

    /** DuckDB's own estimate (its progress bar's, never printed); unknown before execute and once rows stream. */
    @Override
    public io.sluice.core.engine.QueryProgress progress() {
        DuckDBPreparedStatement running;
        synchronized (lock) {
            running = closed ? null : jdbcStatement;
        }
        if (running == null || !executing) {
            return io.sluice.core.engine.QueryProgress.UNKNOWN;
        }
        try {
            org.duckdb.QueryProgress progress = running.getQueryProgress();
            return new io.sluice.core.engine.QueryProgress(progress.getPercentage(), progress.getRowsProcessed(),
                    progress.getTotalRowsToProcess());
        } catch (SQLException | RuntimeException e) {
            return io.sluice.core.engine.QueryProgress.UNKNOWN;
        }
    }

    @Override
    public String engineName() {
        return "duckdb";
    }

    @Override
    public void cancel() {
        cancelled = true;
        long deadline = System.nanoTime() + CANCEL_RETRY_NANOS;
        do {
            synchronized (lock) {
                if (jdbcStatement == null || closed) {
                    return;
                }
                try {
                    jdbcStatement.cancel();
                } catch (SQLException e) {
                    return; // the statement finished or closed meanwhile: nothing left to stop
                }
            }
            // DuckDB drops an interrupt that arrives before the query starts running, so repeat it while
            // execute has not returned; reading batches checks the flag itself.
            if (executing) {
                sleepBriefly();
            }
        } while (executing && System.nanoTime() < deadline);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        DuckDbBatchStream openStream;
        DuckDBPreparedStatement statement;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            openStream = stream;
            statement = jdbcStatement;
        }
        boolean reusable = pooled && clean && !cancelled && (statement == null || openStream != null);
        try {
            if (openStream != null) {
                openStream.close();
            }
        } catch (RuntimeException e) {
            reusable = false;
            throw e;
        } finally {
            if (kept != null) {
                kept.finished(clean && !cancelled); // the kept statement closes what a bad run leaves behind
            } else {
                if (!pooled) {
                    Closing.quietly(statement); // a pooled connection keeps its prepared statements for the next query
                }
                pool.release(lease, reusable);
            }
            onClose.accept(this);
        }
    }
}
