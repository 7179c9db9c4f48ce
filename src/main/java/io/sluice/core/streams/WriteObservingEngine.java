package io.sluice.core.streams;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import java.util.List;
import java.util.Optional;

/**
 * The engine as the statement path sees it: after a statement that changed data, the streams it wrote are
 * told, so plain SQL through any Sluice API (native, Druid, Snowflake, …) reaches push queries at once.
 * The written tables come from {@link EngineStatement#accessedTables()}, which access control asks for before
 * every statement; this wrapper keeps that answer instead of asking the engine again. When nobody asked
 * (or the engine cannot tell), every feed is told to look — a cheap check for feeds without subscribers.
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
        return new ObservedStatement(engine.open(request));
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
    public boolean healthy() {
        return engine.healthy();
    }

    @Override
    public void close() {
        engine.close();
    }

    private final class ObservedStatement implements EngineStatement {
        private final EngineStatement statement;
        private volatile AccessedTables accessed;

        ObservedStatement(EngineStatement statement) {
            this.statement = statement;
        }

        @Override
        public EngineResult execute() {
            EngineResult result = statement.execute();
            if (result.modifiesData()) {
                AccessedTables known = accessed;
                if (known == null || known.kind() == AccessedTables.Kind.OTHER || known.writes().isEmpty()) {
                    streams.changedUnknown();
                } else {
                    known.writes().forEach(streams::changed);
                }
            }
            return result;
        }

        @Override
        public AccessedTables accessedTables() {
            AccessedTables answer = statement.accessedTables();
            accessed = answer;
            return answer;
        }

        @Override
        public io.sluice.core.engine.QueryProgress progress() {
            return statement.progress();
        }

        @Override
        public String engineName() {
            return statement.engineName();
        }

        @Override
        public void cancel() {
            statement.cancel();
        }

        @Override
        public void close() {
            statement.close();
        }
    }
}
