package io.sluice.core.export;

import java.time.Instant;
import java.util.List;

/**
 * A finished export.
 *
 * @param dataScannedBytes the engine's figure for the data it read (see {@link Exporter})
 * @param executionMillis wall time from the start of the statement to the last file committed
 * @param linksExpireAt when the download links stop working
 */
public record ExportResult(String statementId, List<ExportedFile> files, long rows, long dataScannedBytes,
                           long executionMillis, Instant linksExpireAt) {

    public List<String> urls() {
        return files.stream().map(file -> file.url().toString()).toList();
    }
}
