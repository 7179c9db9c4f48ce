package io.sluice.core.export;

import java.nio.file.Path;

/**
 * A store whose links point back at Sluice (the local store): checks a link's signature and expiry and
 * gives the file to serve.
 */
public interface SignedFiles {

    /** The path segment under which links are served, e.g. {@code /sluice/exports/}. */
    String DOWNLOAD_PATH = "/sluice/exports/";

    /**
     * The file a link names.
     *
     * @throws io.sluice.core.error.SluiceException FORBIDDEN when the signature does not match or the link
     *     expired; NOT_FOUND when the file is gone
     */
    Path verify(String key, String expires, String signature);
}
