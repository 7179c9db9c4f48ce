package io.sluice.core.io;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store's side of a {@link SharedDocument}: the version it last loaded, and the optimistic write every store
 * of shared lines (API keys, public keys, grants) makes the same way: apply a change to the newest version and
 * write it only if nobody wrote in between, else apply it again to the newer one. Not thread-safe: the store
 * calls it under its own lock.
 */
public final class SharedLines {

    private final SharedDocument document;
    /** Replaces the store's state with what the lines say. */
    private final Consumer<List<String>> load;
    private long version;

    public SharedLines(SharedDocument document, Consumer<List<String>> load) {
        this.document = Objects.requireNonNull(document, "document");
        this.load = Objects.requireNonNull(load, "load");
    }

    /** Loads the newest version. */
    public void reload() {
        SharedDocument.Snapshot snapshot = document.read();
        load.accept(snapshot.lines());
        version = snapshot.version();
    }

    /** Loads the newest version only when another node wrote since (a cheap version check when nothing changed). */
    public void refresh() {
        if (document.version() != version) {
            reload();
        }
    }

    /** Applies {@code mutation} to the newest version and stores {@code lines} of the result; returns its answer. */
    public <T> T change(Supplier<T> mutation, Supplier<List<String>> lines) {
        while (true) {
            reload();
            T result = mutation.get();
            if (document.write(version, lines.get())) {
                version++;
                return result;
            }
        }
    }
}
