package io.sluice.core.streams;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.ForwardingStatement;
import java.util.List;
import java.util.Optional;

/**
 * The engine as the statement path sees it: a statement that may write streams or tables (plain SQL through
 * any Sluice API — native, Druid, Snowflake, …) holds their write gates while it runs, and their feeds read
 * back what it wrote once it is committed, so push queries see it in order with every other write.
 * The written tables come from {@link EngineStatement#accessedTables()}, which access control asks for before
 * every statement; this wrapper keeps that answer instead of asking the engine again. When nobody asked,
 * or the statement is of a kind the engine cannot analyse (DDL, scripts, COPY, …), it may write any source its
 * text names, and takes their gates (a write has to name the table it writes: views and macros cannot be
 * written through); a plain query takes none, and neither does a statement on another engine.
 */
final class WriteObservingEngine implements Engine {

    private final Engine engine;
    private final StreamService streams;

    WriteObservingEngine(Engine engine, StreamService streams) {
        this.engine = engine;
        this.streams = streams;
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public EngineStatement open(EngineRequest request) {
        return new ObservedStatement(engine.open(request), request.sql());
    }

    @Override
    public boolean nodeLocal() {
        return engine.nodeLocal();
    }

    @Override
    public Engine engineFor(String sql, io.sluice.core.engine.SessionContext session) {
        return engine.engineFor(sql, session);
    }

    @Override
    public Optional<String> resolveTable(List<String> nameParts) {
        return engine.resolveTable(nameParts);
    }

    @Override
    public Optional<String> resolveSchema(List<String> nameParts) {
        return engine.resolveSchema(nameParts);
    }

    @Override
    public io.sluice.core.error.SluiceError withoutHiddenObjects(io.sluice.core.error.SluiceError error,
            java.util.function.Predicate<List<String>> visible) {
        return engine.withoutHiddenObjects(error, visible);
    }

    @Override
    public boolean healthy() {
        return engine.healthy();
    }

    @Override
    public void close() {
        engine.close();
    }

    private final class ObservedStatement extends ForwardingStatement {
        private final String sql;
        private volatile AccessedTables accessed;
        /** Gates held until close: a result that streams rows from a write commits only when it is closed. */
        private volatile ExternalWrite openWrite = ExternalWrite.NONE;

        ObservedStatement(EngineStatement statement, String sql) {
            super(statement);
            this.sql = sql;
        }

        @Override
        public EngineResult execute() {
            return observed(delegate::execute);
        }

        @Override
        public EngineResult executeIfAccessing(AccessedTables approved) {
            AccessedTables before = accessed;
            accessed = approved;
            try {
                EngineResult result = observed(() -> delegate.executeIfAccessing(approved));
                if (result == null) {
                    accessed = before;
                }
                return result;
            } catch (RuntimeException e) {
                accessed = before;
                throw e;
            }
        }

        /** Runs with the gates of the tables it writes held, so subscribers see the write once it committed. */
        private EngineResult observed(java.util.function.Supplier<EngineResult> run) {
            ExternalWrite write = streams.beginExternalWrite(written());
            boolean wrote = true; // a failed script may have committed its first statements
            try {
                EngineResult result = run.get();
                if (result == null) {
                    wrote = false;
                    return null;
                }
                wrote = result.modifiesData();
                if (wrote && result instanceof EngineResult.Rows) {
                    openWrite = write;
                    write = ExternalWrite.NONE;
                }
                return result;
            } finally {
                write.finish(wrote);
            }
        }

        /** The tables this statement may write: none, the ones the engine named, or any its text names. */
        private java.util.Collection<String> written() {
            String engine = delegate.engineName();
            if (!engine.equals(streams.engineName()) && !engine.equals("unknown")) {
                return List.of();
            }
            AccessedTables known = accessed;
            if (known != null && known.kind() == AccessedTables.Kind.QUERY) {
                return List.of();
            }
            if (known != null && known.kind() != AccessedTables.Kind.OTHER && !known.writes().isEmpty()) {
                return known.writes();
            }
            return namesIn(sql);
        }

        @Override
        public AccessedTables accessedTables() {
            AccessedTables answer = delegate.accessedTables();
            accessed = answer;
            return answer;
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } finally {
                openWrite.finish(true);
            }
        }
    }

    /**
     * Every name the text could use for a table: each word and each double-quoted identifier, wherever it
     * stands (string literals and comments included — naming one source too many only takes one gate too many).
     */
    static java.util.Set<String> namesIn(String sql) {
        java.util.Set<String> names = new java.util.HashSet<>();
        int index = 0;
        while (index < sql.length()) {
            char c = sql.charAt(index);
            if (c == '"') {
                int end = io.sluice.core.engine.SqlText.skipQuoted(sql, index, '"');
                names.add(sql.substring(index + 1, Math.max(index + 1, end - 1)).replace("\"\"", "\""));
                index = end;
            } else if (io.sluice.core.engine.SqlText.isNameStart(c)) {
                int end = index;
                while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_' || sql.charAt(end) == '$')) {
                    end++;
                }
                names.add(sql.substring(index, end));
                index = end;
            } else {
                index++;
            }
        }
        return names;
    }
}
