package io.sluice.engine.duckdb;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the embedded DuckDB database is opened.
 *
 * @param databaseFile the one persistent database file (created when missing)
 * @param tempDirectory where DuckDB spills intermediate results that exceed the memory limit
 * @param memoryLimit DuckDB's memory limit in its own spelling, e.g. {@code "2GB"}
 * @param threads worker threads DuckDB may use for all statements together
 * @param batchRows rows per Arrow batch handed to result consumers
 * @param attachedCatalogs extra catalogs, each a database file {@code <name>.duckdb} beside the main one,
 *     attached at startup before the engine is locked (statements cannot attach files themselves)
 */
public record DuckDbConfig(Path databaseFile, Path tempDirectory, String memoryLimit, int threads, int batchRows,
                           java.util.List<String> attachedCatalogs) {

    private static final java.util.regex.Pattern CATALOG_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public static final String DEFAULT_MEMORY_LIMIT = "2GB";
    /** DuckDB's own vector size is 2048; a few vectors per batch keeps per-batch overhead low. */
    public static final int DEFAULT_BATCH_ROWS = 8192;

    public DuckDbConfig {
        Objects.requireNonNull(databaseFile, "databaseFile");
        Objects.requireNonNull(tempDirectory, "tempDirectory");
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        if (memoryLimit.isBlank()) {
            throw new IllegalArgumentException("memoryLimit must not be blank");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be at least 1, was " + batchRows);
        }
        attachedCatalogs = java.util.List.copyOf(attachedCatalogs);
        for (String catalog : attachedCatalogs) {
            if (!CATALOG_NAME.matcher(catalog).matches()) {
                throw new IllegalArgumentException("catalog names are lower-case identifiers, was '" + catalog + "'");
            }
        }
    }

    /**
     * Defaults for a data directory: database {@code sluice.duckdb} and spill directory {@code duckdb-tmp}
     * inside it, 2GB of memory and one thread per available processor.
     */
    public static DuckDbConfig defaults(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        return new DuckDbConfig(dataDirectory.resolve("sluice.duckdb"), dataDirectory.resolve("duckdb-tmp"),
                DEFAULT_MEMORY_LIMIT, Runtime.getRuntime().availableProcessors(), DEFAULT_BATCH_ROWS, java.util.List.of());
    }

    public DuckDbConfig withBatchRows(int rows) {
        return new DuckDbConfig(databaseFile, tempDirectory, memoryLimit, threads, rows, attachedCatalogs);
    }

    public DuckDbConfig withMemoryLimit(String limit) {
        return new DuckDbConfig(databaseFile, tempDirectory, limit, threads, batchRows, attachedCatalogs);
    }

    public DuckDbConfig withThreads(int count) {
        return new DuckDbConfig(databaseFile, tempDirectory, memoryLimit, count, batchRows, attachedCatalogs);
    }

    public DuckDbConfig withAttachedCatalogs(java.util.List<String> catalogs) {
        return new DuckDbConfig(databaseFile, tempDirectory, memoryLimit, threads, batchRows, catalogs);
    }

    /** The database file of an attached catalog. */
    public Path catalogFile(String catalog) {
        return databaseFile.toAbsolutePath().resolveSibling(catalog + ".duckdb");
    }
}
