package io.sluice.core.spool;

import io.sluice.core.engine.OutsideWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shared result store that records each result while this node publishes it (pages first, manifest last) as
 * {@link OutsideWork} of kind {@link #KIND}. A node killed half-way leaves pages without a manifest, which no node
 * will ever read or delete; with the record, a surviving node removes them once the dead node's lease expired
 * ({@link #removeIfPartial}). A result whose manifest arrived is whole and is never removed this way.
 */
public final class TrackedResultStore implements SharedResultStore {

    /** The {@link OutsideWork} kind of a result being published; its reference is the result id. */
    public static final String KIND = "spool-result";

    private final SharedResultStore store;
    private final OutsideWork work;
    private final Map<String, OutsideWork.Entry> publishing = new ConcurrentHashMap<>();

    public TrackedResultStore(SharedResultStore store, OutsideWork work) {
        this.store = Objects.requireNonNull(store, "store");
        this.work = Objects.requireNonNull(work, "work");
    }

    @Override
    public void upload(String resultId, String fileName, Path source) {
        boolean manifest = SpoolFiles.MANIFEST_NAME.equals(fileName);
        if (!manifest) {
            // Recorded before the first page goes out, so no page is ever in the store unrecorded.
            publishing.computeIfAbsent(resultId, id -> work.started(KIND, id, ""));
        }
        store.upload(resultId, fileName, source);
        if (manifest) {
            forget(resultId);
        }
        // A failed upload keeps its record: should this node die, a survivor removes the pages that did arrive.
    }

    @Override
    public boolean download(String resultId, String fileName, Path target) {
        return store.download(resultId, fileName, target);
    }

    @Override
    public void delete(String resultId) {
        store.delete(resultId);
        forget(resultId);
    }

    /**
     * Removes the files of a result another node was publishing when it died, unless its manifest arrived (then
     * the result is whole, and expires like any other).
     *
     * @return true once nothing partial is left (false when the store could not be reached; the caller may retry)
     */
    public boolean removeIfPartial(String resultId) {
        Path probe = null;
        try {
            probe = Files.createTempFile("sluice-manifest-", ".properties");
            if (!store.download(resultId, SpoolFiles.MANIFEST_NAME, probe)) {
                store.delete(resultId);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans its temp directory
                }
            }
        }
    }

    private void forget(String resultId) {
        OutsideWork.Entry entry = publishing.remove(resultId);
        if (entry != null) {
            entry.close();
        }
    }
}
