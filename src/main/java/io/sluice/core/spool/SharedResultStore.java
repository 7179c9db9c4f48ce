package io.sluice.core.spool;

import java.nio.file.Path;

/**
 * Where a cluster keeps spooled results so that every node can read them (an object store such as S3).
 * The spool still writes and reads pages as local files; it copies a finished result out to this store
 * (pages first, manifest last) and copies a result another node wrote in (manifest first) before reading
 * it, so reading code is the same whichever node wrote the result and a result is visible in the store
 * only once it is whole. Failures are {@link io.sluice.core.error.ErrorCode#STORAGE_UNAVAILABLE}.
 */
public interface SharedResultStore {

    /** Stores one file of a result. */
    void upload(String resultId, String fileName, Path source);

    /** Copies one file of a result to {@code target}; false when the store has no such file. */
    boolean download(String resultId, String fileName, Path target);

    /** Removes every file of a result; missing is fine. */
    void delete(String resultId);
}
