package io.sluice.core.engine;

import java.util.Objects;

/**
 * A statement that passes every call to another, for wrappers that change one or two of them (how errors read, what
 * happens around a write). Not for checks: a wrapper that must see every run overrides {@link #execute()} and
 * {@link #executeIfAccessing} both, or a run slips past it.
 */
public abstract class ForwardingStatement implements EngineStatement {

    protected final EngineStatement delegate;

    protected ForwardingStatement(EngineStatement delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public EngineResult execute() {
        return delegate.execute();
    }

    @Override
    public EngineResult executeIfAccessing(AccessedTables approved) {
        return delegate.executeIfAccessing(approved);
    }

    @Override
    public AccessedTables accessedTables() {
        return delegate.accessedTables();
    }

    @Override
    public QueryProgress progress() {
        return delegate.progress();
    }

    @Override
    public String engineName() {
        return delegate.engineName();
    }

    @Override
    public void cancel() {
        delegate.cancel();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
