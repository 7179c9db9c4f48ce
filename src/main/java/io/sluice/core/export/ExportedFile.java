package io.sluice.core.export;

import java.net.URI;

/** One file of an export: its key in the store, its download link, size and rows. */
public record ExportedFile(String key, URI url, long bytes, long rows) {
}
