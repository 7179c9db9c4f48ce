package io.sluice.protocol.druid;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.types.Column;
import io.sluice.core.types.SqlType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two native queries tools send to learn a datasource, answered from SQL: {@code timeBoundary} (the first
 * and last {@code __time}; plywood and Turnilo ask it for the data's extent) and {@code segmentMetadata} (the
 * columns and their native types, as one merged analysis; plywood's default introspection). Every other
 * native query type is not run (see {@link DruidServerInfo#nativeQuery}). The datasource must be a table of
 * Druid's {@code druid} schema the caller can read; an unknown one answers {@code []}, as a broker with no
 * segments of it does.
 */
final class DruidNativeQueries {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** One column of a segment analysis. */
    record ColumnAnalysis(String type, boolean hasMultipleValues, boolean hasNulls, long size, Long cardinality,
                          Object minValue, Object maxValue, String errorMessage) {
    }

    /** A segment analysis; Sluice has one "segment" per datasource, so merged or not it is one. */
    record SegmentAnalysis(String id, List<String> intervals, Map<String, ColumnAnalysis> columns, long size,
                           long numRows, Object aggregators, Object timestampSpec, Object queryGranularity,
                           Object rollup) {
    }

    private final DruidServerInfo catalog;

    DruidNativeQueries(DruidServerInfo catalog) {
        this.catalog = catalog;
    }

    /** Whether this class answers the query type. */
    static boolean answers(String queryType) {
        return "timeBoundary".equals(queryType) || "segmentMetadata".equals(queryType);
    }

    Object answer(Principal principal, JsonNode query) {
        Optional<String> table = table(principal, dataSource(query));
        if (table.isEmpty()) {
            return List.of();
        }
        return switch (query.path("queryType").asText()) {
            case "timeBoundary" -> timeBoundary(principal, table.get(), query.path("bound").asText(null));
            case "segmentMetadata" -> segmentMetadata(principal, table.get(), query.path("merge").asBoolean(false));
            default -> throw new IllegalArgumentException(query.path("queryType").asText());
        };
    }

    /** {@code [{timestamp, result: {minTime, maxTime}}]}; {@code bound} keeps one of them; {@code []} when empty. */
    private Object timeBoundary(Principal principal, String table, String bound) {
        if (!hasTime(principal, table)) {
            return List.of();
        }
        List<Object> row = catalog.run(principal, "SELECT MIN(\"__time\"), MAX(\"__time\") FROM " + quoted(table),
                Parameters.NONE).rows().getFirst();
        if (row.get(0) == null) {
            return List.of();
        }
        String min = iso(row.get(0));
        String max = iso(row.get(1));
        Map<String, String> result = new LinkedHashMap<>();
        if (!"maxTime".equals(bound)) {
            result.put("minTime", min);
        }
        if (!"minTime".equals(bound)) {
            result.put("maxTime", max);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("timestamp", "maxTime".equals(bound) ? max : min);
        answer.put("result", result);
        return List.of(answer);
    }

    /** One analysis: every column with its native type, the row count and the interval the rows cover. */
    private Object segmentMetadata(Principal principal, String table, boolean merge) {
        List<Column> columns = catalog.run(principal, "SELECT * FROM " + quoted(table) + " LIMIT 0", Parameters.NONE)
                .schema().columns();
        boolean hasTime = columns.stream().anyMatch(column -> column.name().equals("__time"));
        List<Object> counts = catalog.run(principal, "SELECT COUNT(*)"
                + (hasTime ? ", MIN(\"__time\"), MAX(\"__time\")" : "") + " FROM " + quoted(table), Parameters.NONE)
                .rows().getFirst();
        Map<String, ColumnAnalysis> analyses = new LinkedHashMap<>();
        for (Column column : columns) {
            // Sizes, cardinalities and min/max values are analyses Druid computes on request; none is computed here.
            analyses.put(column.name(), new ColumnAnalysis(DruidTypes.nativeType(column.type()),
                    column.type() instanceof SqlType.ListOf, column.nullable(), 0, null, null, null, null));
        }
        List<String> intervals = null;
        if (hasTime && counts.get(1) != null) {
            Instant first = instant(counts.get(1));
            Instant last = instant(counts.get(2)).plusMillis(1);
            intervals = List.of(ISO_MILLIS.format(first) + "/" + ISO_MILLIS.format(last));
        }
        long numRows = ((Number) counts.getFirst()).longValue();
        return List.of(new SegmentAnalysis(merge ? "merged" : table, intervals, analyses, 0, numRows, null, null,
                null, null));
    }

    private boolean hasTime(Principal principal, String table) {
        return !catalog.run(principal, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'druid' "
                        + "AND TABLE_NAME = ? AND COLUMN_NAME = '__time'",
                new Parameters.Positional(List.of(new ParameterValue(SqlType.VARCHAR, table)))).rows().isEmpty();
    }

    /**
     * The datasource's table as the catalog names it, or empty when the {@code druid} schema has none by that
     * name. Only a name the catalog gave back is ever put into SQL, quoted.
     */
    private Optional<String> table(Principal principal, String dataSource) {
        if (dataSource == null) {
            return Optional.empty();
        }
        List<List<Object>> rows = catalog.run(principal, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                        + "WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = ?",
                new Parameters.Positional(List.of(new ParameterValue(SqlType.VARCHAR, dataSource)))).rows();
        return rows.isEmpty() ? Optional.empty() : Optional.of((String) rows.getFirst().getFirst());
    }

    /** {@code "dataSource": "name"} or {@code {"type": "table", "name": "name"}}; null for any other kind. */
    private static String dataSource(JsonNode query) {
        JsonNode dataSource = query.path("dataSource");
        if (dataSource.isTextual()) {
            return dataSource.asText();
        }
        if (dataSource.isObject() && "table".equals(dataSource.path("type").asText()) && dataSource.path("name").isTextual()) {
            return dataSource.path("name").asText();
        }
        return null;
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String iso(Object value) {
        return ISO_MILLIS.format(instant(value));
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
            case OffsetDateTime offset -> offset.toInstant();
            case java.time.LocalDate date -> date.atStartOfDay(ZoneOffset.UTC).toInstant();
            case Number millis -> Instant.ofEpochMilli(millis.longValue());
            default -> Instant.parse(value.toString());
        };
    }
}
