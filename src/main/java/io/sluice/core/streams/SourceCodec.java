package io.sluice.core.streams;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stores a stream or table definition as text lines {@code key=value} (values URL-encoded), and back. */
final class SourceCodec {

    private SourceCodec() {
    }

    static String encode(SourceDefinition definition) {
        StringBuilder text = new StringBuilder();
        line(text, "name", definition.name());
        line(text, "kind", definition.kind().name());
        line(text, "statement", definition.statement());
        for (SourceColumn column : definition.columns()) {
            line(text, "column", column.name() + "\t" + column.sqlType() + "\t" + column.key());
        }
        definition.properties().forEach((key, value) -> line(text, "property", key + "\t" + value));
        AggregateDefinition aggregate = definition.aggregate();
        if (aggregate != null) {
            line(text, "query", aggregate.queryId());
            line(text, "source", aggregate.source());
            aggregate.groupBy().forEach(column -> line(text, "groupBy", column));
            for (Aggregation aggregation : aggregate.aggregations()) {
                line(text, "aggregation", aggregation.function() + "\t"
                        + (aggregation.argument() == null ? "" : aggregation.argument()) + "\t" + aggregation.alias());
            }
        }
        return text.toString();
    }

    static SourceDefinition decode(String text) {
        String name = null;
        SourceKind kind = null;
        String statement = "";
        List<SourceColumn> columns = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        String query = null;
        String source = null;
        List<String> groupBy = new ArrayList<>();
        List<Aggregation> aggregations = new ArrayList<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = line.substring(0, equals);
            String value = URLDecoder.decode(line.substring(equals + 1), StandardCharsets.UTF_8);
            String[] parts = value.split("\t", -1);
            switch (key) {
                case "name" -> name = value;
                case "kind" -> kind = SourceKind.valueOf(value);
                case "statement" -> statement = value;
                case "column" -> columns.add(new SourceColumn(parts[0], parts[1], Boolean.parseBoolean(parts[2])));
                case "property" -> properties.put(parts[0], parts[1]);
                case "query" -> query = value;
                case "source" -> source = value;
                case "groupBy" -> groupBy.add(value);
                case "aggregation" -> aggregations.add(new Aggregation(Aggregation.Function.valueOf(parts[0]),
                        parts[1].isEmpty() ? null : parts[1], parts[2]));
                default -> { }
            }
        }
        AggregateDefinition aggregate = query == null ? null : new AggregateDefinition(query, source, groupBy, aggregations);
        return new SourceDefinition(name, kind, columns, properties, statement, aggregate);
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('\n');
    }
}
