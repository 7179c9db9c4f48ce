package io.sluice.core.export;

import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where exported files live and how clients reach them: the Storage SPI. Keys are relative paths made of
 * [A-Za-z0-9._-] segments joined by '/'. An implementation is thread-safe.
 *
 * <p>Failures of the store itself (unreachable, refused, full) surface as a SluiceException with
 * {@link io.sluice.core.error.ErrorCode#STORAGE_UNAVAILABLE}.
 */
public interface ExportStorage extends AutoCloseable {

    /** A short name for logs and errors: {@code local}, {@code s3}. */
    String name();

    /**
     * Starts writing an object. Nothing is visible under {@code key} (not listed, not downloadable) until
     * {@link Upload#commit()} succeeds; {@link Upload#abort()} leaves nothing behind.
     */
    Upload create(String key, String contentType);

    /** A link anyone holding it can download the object with until {@code ttl} has passed. */
    URI link(String key, Duration ttl);

    /** The committed objects whose keys start with {@code prefix}. */
    List<StoredObject> list(String prefix);

    /** Deletes an object; deleting a missing one is not an error. */
    void delete(String key);

    /** The longest link lifetime this store can sign. */
    default Duration maxLinkTtl() {
        return Duration.ofDays(7);
    }

    @Override
    default void close() {
    }

    /** An object being written. */
    interface Upload {
        /** The bytes of the object; closing it does not commit. */
        OutputStream stream();

        /** Makes the object visible under its key. */
        void commit();

        /** Throws the object away. Idempotent, never throws. */
        void abort();
    }

    record StoredObject(String key, long size, Instant lastModified) {
    }
}
