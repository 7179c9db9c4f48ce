package io.sluice.core.export;

/** The file formats a result can be exported as. */
public enum ExportFormat {
    CSV("csv"),
    PARQUET("parquet");

    private final String extension;

    ExportFormat(String extension) {
        this.extension = extension;
    }

    /** File extension without the dot, before any compression suffix. */
    public String extension() {
        return extension;
    }
}
