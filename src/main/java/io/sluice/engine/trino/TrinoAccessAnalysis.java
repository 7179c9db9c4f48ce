package io.sluice.engine.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.engine.AccessedTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads what a statement touches from Trino's own plan: {@code EXPLAIN (TYPE IO, FORMAT JSON)} lists the input
 * tables ({@code inputTableColumnInfos[].table}) and the table written ({@code outputTable}), with views
 * expanded and names resolved by Trino for this session. Names come out lower-case
 * {@code catalog.schema.table}, as grants are stored.
 */
final class TrinoAccessAnalysis {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrinoAccessAnalysis() {
    }

    /** The kind of statement its first keyword makes it; anything not a plain query or DML is OTHER (admins only). */
    static AccessedTables.Kind kind(String firstWord) {
        return switch (firstWord) {
            case "SELECT", "WITH", "VALUES", "TABLE" -> AccessedTables.Kind.QUERY;
            case "INSERT" -> AccessedTables.Kind.INSERT;
            case "UPDATE" -> AccessedTables.Kind.UPDATE;
            case "DELETE" -> AccessedTables.Kind.DELETE;
            default -> AccessedTables.Kind.OTHER;
        };
    }

    static AccessedTables accessed(AccessedTables.Kind kind, String planJson) {
        JsonNode plan;
        try {
            plan = JSON.readTree(planJson);
        } catch (IOException e) {
            throw new UncheckedIOException("Trino's IO plan is not JSON", e);
        }
        Set<String> reads = new LinkedHashSet<>();
        for (JsonNode input : plan.path("inputTableColumnInfos")) {
            reads.add(name(input.path("table")));
        }
        Set<String> writes = new LinkedHashSet<>();
        JsonNode output = plan.path("outputTable");
        if (!output.isMissingNode() && !output.isNull()) {
            writes.add(name(output));
        }
        if (kind == AccessedTables.Kind.QUERY && !writes.isEmpty()
                || kind != AccessedTables.Kind.QUERY && writes.size() != 1) {
            // The plan does not look like the statement's keyword says: let only admins run it.
            return new AccessedTables(AccessedTables.Kind.OTHER, reads, writes, Set.of());
        }
        if (kind == AccessedTables.Kind.UPDATE || kind == AccessedTables.Kind.DELETE) {
            // Trino scans the target to find the rows to change; that is the write, not a read of it.
            reads.removeAll(writes);
        }
        return new AccessedTables(kind, reads, writes, Set.of());
    }

    private static String name(JsonNode table) {
        String catalog = table.path("catalog").asText();
        JsonNode schemaTable = table.path("schemaTable");
        return (catalog + "." + schemaTable.path("schema").asText() + "." + schemaTable.path("table").asText())
                .toLowerCase(Locale.ROOT);
    }

    /** The first keyword, upper-case, after comments, spaces and opening parentheses. */
    static String firstWord(String sql) {
        int index = 0;
        int length = sql.length();
        while (index < length) {
            char c = sql.charAt(index);
            if (Character.isWhitespace(c) || c == '(') {
                index++;
            } else if (sql.startsWith("--", index)) {
                int end = sql.indexOf('\n', index);
                index = end < 0 ? length : end + 1;
            } else if (sql.startsWith("/*", index)) {
                int end = sql.indexOf("*/", index + 2);
                index = end < 0 ? length : end + 2;
            } else {
                break;
            }
        }
        int start = index;
        while (index < length && Character.isLetter(sql.charAt(index))) {
            index++;
        }
        return sql.substring(start, index).toUpperCase(Locale.ROOT);
    }
}
