package io.sluice.core.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed manifests, reused while the file on disk is the same one. A client reading a result page by page asked
 * for the manifest of a 1,000-page result on every request, and parsing it was about half of the server's Java
 * time per page (JFR). A manifest is written once to a temporary file and renamed into place, so a change shows as
 * a new file key, time or size; a deleted result fails the file check like before (NoSuchFileException).
 */
final class ManifestCache {

    private record Entry(Object fileKey, FileTime modified, long size, SpoolManifest manifest) {

        boolean sameFile(BasicFileAttributes attributes) {
            return Objects.equals(fileKey, attributes.fileKey()) && modified.equals(attributes.lastModifiedTime())
                    && size == attributes.size();
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ManifestCache(int capacity) {
        this.capacity = capacity;
    }

    /** The manifest in {@code resultDirectory}, parsed again only when its file changed. */
    SpoolManifest read(String resultId, Path resultDirectory) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(resultDirectory.resolve(SpoolFiles.MANIFEST_NAME),
                BasicFileAttributes.class);
        Entry cached = entries.get(resultId);
        if (cached != null && cached.sameFile(attributes)) {
            return cached.manifest();
        }
        // Read after the check: if the file is replaced in between, the newer content is kept under the older
        // attributes, and the next read parses it again. Never the other way round.
        SpoolManifest manifest = SpoolManifest.readFrom(resultDirectory);
        if (entries.size() >= capacity) {
            Iterator<String> any = entries.keySet().iterator();
            if (any.hasNext()) {
                entries.remove(any.next());
            }
        }
        entries.put(resultId, new Entry(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), manifest));
        return manifest;
    }

    void forget(String resultId) {
        entries.remove(resultId);
    }

    int size() {
        return entries.size();
    }
}
