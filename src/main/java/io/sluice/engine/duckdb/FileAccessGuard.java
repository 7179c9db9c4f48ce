package io.sluice.engine.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps statements that arrive from clients away from files, for every principal, admins included.
 *
 * <p>DuckDB runs with external access off, but then allows its own temporary directory, the database file and
 * its WAL on purpose (it needs them). A statement could still read the raw database file (every table, past the
 * grants), write into the temporary directory, or overwrite the WAL and lose data. So Sluice refuses, before a
 * client's statement runs: statements that move files (COPY, EXPORT/IMPORT DATABASE, ATTACH/DETACH; LOAD/INSTALL fail in DuckDB itself),
 * and any plan with a file-reading operator — read from DuckDB's own plan, where views, macros, CTEs, subqueries
 * and SQL built inside {@code query('…')} have been expanded by the binder. Where no plan can be had (a statement
 * DuckDB cannot EXPLAIN), the statement's words are checked instead, and a view or macro created that way is
 * checked again, by plan, whenever it is used. Sluice's own SQL (setup, audit rows) does not come through here.
 */
final class FileAccessGuard {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Statements whose whole purpose is moving files or code in or out of the engine. */
    private static final Set<String> FILE_STATEMENTS = Set.of("COPY", "EXPORT", "IMPORT", "ATTACH", "DETACH");

    /**
     * Statements that can hold a query and that DuckDB plans with EXPLAIN without side effects; the rest (SET,
     * PRAGMA, transactions, DROP, CREATE SECRET, …) are checked by their words.
     */
    private static final Set<String> PLANNABLE = Set.of("SELECT", "WITH", "FROM", "VALUES", "TABLE", "INSERT", "UPDATE",
            "DELETE", "MERGE", "CREATE", "CALL", "SUMMARIZE", "DESCRIBE", "SHOW", "PIVOT", "UNPIVOT");

    /** Table functions (DuckDB core, parquet, json and the usual extensions) that read files or list them. */
    private static final Set<String> FILE_FUNCTIONS = Set.of("READ_BLOB", "READ_TEXT", "READ_CSV", "READ_CSV_AUTO",
            "READ_PARQUET", "PARQUET_SCAN", "PARQUET_METADATA", "PARQUET_SCHEMA", "PARQUET_FILE_METADATA",
            "PARQUET_KV_METADATA", "PARQUET_BLOOM_PROBE", "PARQUET_FULL_METADATA", "READ_JSON", "READ_JSON_AUTO",
            "READ_JSON_OBJECTS", "READ_JSON_OBJECTS_AUTO", "READ_NDJSON", "READ_NDJSON_AUTO", "READ_NDJSON_OBJECTS",
            "READ_DUCKDB", "READ_XLSX", "GLOB", "SNIFF_CSV", "DELTA_SCAN", "ICEBERG_SCAN", "ICEBERG_METADATA",
            "ICEBERG_SNAPSHOTS", "SQLITE_SCAN", "SQLITE_ATTACH", "ST_READ", "ST_READ_META", "COPY_TO_FILE");

    /** Table functions that run SQL given as a string: only a plan shows what that SQL reads. */
    private static final Set<String> SQL_IN_STRINGS = Set.of("QUERY", "QUERY_TABLE", "EXECUTE");

    private FileAccessGuard() {
    }

    static boolean plannable(SqlScanner.Scan scan) {
        return !scan.words().isEmpty() && PLANNABLE.contains(scan.words().getFirst()) && !scan.words().contains("SECRET");
    }

    /** Refuses a statement that names a file statement or a file-reading function in its code (not its strings). */
    static void checkWords(SqlScanner.Scan scan, boolean planWillBeChecked) {
        for (String word : scan.words()) {
            check(word, planWillBeChecked);
        }
        for (String identifier : scan.quotedIdentifiers()) {
            // A quoted identifier can name a function ("read_blob"(…)) but never a statement keyword.
            if (FILE_FUNCTIONS.contains(identifier) || !planWillBeChecked && SQL_IN_STRINGS.contains(identifier)) {
                throw denied(identifier);
            }
        }
    }

    private static void check(String word, boolean planWillBeChecked) {
        if (FILE_STATEMENTS.contains(word) || FILE_FUNCTIONS.contains(word)
                || !planWillBeChecked && SQL_IN_STRINGS.contains(word)) {
            throw denied(word);
        }
    }

    /** Refuses a plan (operator names, as the analysis reports them) with a file-reading operator. */
    static void checkOperators(Collection<String> operators) {
        for (String operator : operators) {
            if (fileOperator(operator)) {
                throw denied(operator);
            }
        }
    }

    /** Every operator of an {@code EXPLAIN (FORMAT JSON)} plan that reads or writes files, if any. */
    static Optional<String> fileOperatorIn(String planJson) throws java.io.IOException {
        return find(JSON.readTree(planJson));
    }

    private static Optional<String> find(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isArray()) {
            for (JsonNode child : node) {
                Optional<String> found = find(child);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        String name = node.path("name").asText("").toUpperCase(Locale.ROOT);
        if (fileOperator(name)) {
            return Optional.of(name);
        }
        // A physical plan names a table function's operator TABLE_SCAN and the function in its details.
        JsonNode function = node.path("extra_info").get("Function");
        if (function != null && function.isTextual() && fileOperator(function.asText())) {
            return Optional.of(function.asText().toUpperCase(Locale.ROOT));
        }
        return find(node.get("children"));
    }

    /** Plan operators are named after their function; a new reader of DuckDB's is most likely READ_something. */
    static boolean fileOperator(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return FILE_FUNCTIONS.contains(upper) || upper.startsWith("READ_") || upper.startsWith("PARQUET_")
                || upper.contains("CSV") || upper.startsWith("COPY_") || upper.startsWith("ICEBERG_")
                || upper.startsWith("DELTA_");
    }

    static SluiceException denied(String what) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_PERMISSION_DENIED,
                "Access to files is not allowed (" + what.toLowerCase(Locale.ROOT)
                        + "): statements that read or write files are refused for every user, administrators included", "42501", null));
    }
}
