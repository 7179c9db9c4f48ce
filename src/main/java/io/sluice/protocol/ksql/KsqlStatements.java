package io.sluice.protocol.ksql;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.streams.QueryInfo;
import io.sluice.core.streams.SourceColumn;
import io.sluice.core.streams.SourceDefinition;
import io.sluice.core.streams.SourceKind;
import io.sluice.core.streams.StreamService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs the statements of {@code POST /ksql} and answers each with the entity ksqlDB answers it with. */
final class KsqlStatements {

    private final StreamService streams;

    KsqlStatements(StreamService streams) {
        this.streams = streams;
    }

    /** The entity for one statement, or null for statements ksqlDB answers with no entity (INSERT VALUES). */
    Map<String, Object> execute(KsqlStatement statement) {
        return switch (statement) {
            case KsqlStatement.CreateSource create -> createSource(create);
            case KsqlStatement.CreateAggregate create -> createAggregate(create);
            case KsqlStatement.Drop drop -> drop(drop);
            case KsqlStatement.Show show -> show(show);
            case KsqlStatement.Describe describe -> describe(describe);
            case KsqlStatement.Terminate terminate -> terminate(terminate);
            case KsqlStatement.InsertValues insert -> insert(insert);
            case KsqlStatement.Select select -> throw new QueryEndpointException();
        };
    }

    /** A SELECT sent to /ksql: ksqlDB points the client at /query. */
    static final class QueryEndpointException extends RuntimeException {
        QueryEndpointException() {
            super("The following statement types should be issued to the websocket endpoint '/query':\n"
                    + "\t* PRINT\n\t* SELECT", null, false, false);
        }
    }

    private Map<String, Object> createSource(KsqlStatement.CreateSource create) {
        List<SourceColumn> columns = new ArrayList<>();
        for (KsqlStatement.ColumnDefinition column : create.columns()) {
            if (columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(column.name()))) {
                throw new KsqlSyntaxException("Duplicate column names: " + column.name(), create.text());
            }
            columns.add(new SourceColumn(column.name(), KsqlTypes.toSql(column.ksqlType()), column.key()));
        }
        boolean table = create.type() == KsqlStatement.SourceType.TABLE;
        if (table && columns.stream().noneMatch(SourceColumn::key)) {
            throw new KsqlSyntaxException("Tables require a PRIMARY KEY. Please define the PRIMARY KEY.", create.text());
        }
        if (!table && columns.stream().filter(SourceColumn::key).count() > 1) {
            throw new KsqlSyntaxException("Only one KEY column is supported on a stream", create.text());
        }
        SourceDefinition definition = new SourceDefinition(create.name(), table ? SourceKind.TABLE : SourceKind.STREAM,
                columns, create.properties(), create.text(), null);
        boolean created = streams.create(definition, create.ifNotExists());
        String kind = table ? "Table" : "Stream";
        return currentStatus(create.text(), (table ? "table/" : "stream/") + create.name() + "/create",
                created ? kind + " created" : "Cannot add " + kind.toLowerCase(Locale.ROOT) + " " + create.name()
                        + ": A " + kind.toLowerCase(Locale.ROOT) + " with the same name already exists.");
    }

    private Map<String, Object> createAggregate(KsqlStatement.CreateAggregate create) {
        SourceDefinition sink = streams.createAggregate(create.name(), create.properties(), create.text(), create.source(),
                create.groupBy(), create.aggregations(), create.ifNotExists());
        Map<String, Object> status = currentStatus(create.text(), "table/" + create.name() + "/create",
                "Created query with ID " + (sink.aggregate() == null ? "" : sink.aggregate().queryId()));
        @SuppressWarnings("unchecked")
        Map<String, Object> commandStatus = (Map<String, Object>) status.get("commandStatus");
        commandStatus.put("queryId", sink.aggregate() == null ? null : sink.aggregate().queryId());
        return status;
    }

    private Map<String, Object> drop(KsqlStatement.Drop drop) {
        SourceDefinition existing = streams.source(drop.name()).orElse(null);
        boolean table = drop.type() == KsqlStatement.SourceType.TABLE;
        if (existing != null && (existing.kind() == SourceKind.TABLE) != table) {
            throw new KsqlSyntaxException("Incompatible data source type is " + existing.kind()
                    + ", but statement was DROP " + drop.type(), drop.text());
        }
        if (existing == null && !drop.ifExists()) {
            throw new KsqlSyntaxException("Source " + drop.name() + " does not exist.", drop.text());
        }
        streams.drop(drop.name(), drop.ifExists());
        return currentStatus(drop.text(), (table ? "table/" : "stream/") + drop.name() + "/drop",
                existing == null ? "Source " + drop.name() + " does not exist."
                        : "Source `" + existing.name() + "` (topic: " + topic(existing) + ") was dropped.");
    }

    private Map<String, Object> show(KsqlStatement.Show show) {
        return switch (show.what()) {
            case "QUERIES" -> queries(show);
            case "TOPICS" -> topics(show);
            default -> sources(show, show.what().equals("STREAMS") ? SourceKind.STREAM : SourceKind.TABLE);
        };
    }

    private Map<String, Object> queries(KsqlStatement.Show show) {
        Map<String, Object> entity = entity("queries", show.text());
        List<Object> queries = new ArrayList<>();
        for (QueryInfo query : streams.queries()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("queryString", query.statement());
            item.put("sinks", query.sinks());
            item.put("sinkKafkaTopics", query.sinks());
            item.put("id", query.id());
            item.put("statusCount", Map.of(query.state(), 1));
            item.put("queryType", query.persistent() ? "PERSISTENT" : "PUSH");
            item.put("state", query.state());
            queries.add(item);
        }
        entity.put("queries", queries);
        return entity;
    }

    /**
     * SHOW STREAMS / TABLES: ksqlDB's {@code streams} or {@code tables} entity; with EXTENDED its
     * {@code source_descriptions}, one full description per source.
     */
    private Map<String, Object> sources(KsqlStatement.Show show, SourceKind kind) {
        List<SourceDefinition> sources = streams.sources().stream().filter(source -> source.kind() == kind).toList();
        if (show.extended()) {
            Map<String, Object> entity = entity("source_descriptions", show.text());
            entity.put("sourceDescriptions", sources.stream().map(source -> description(source, true)).toList());
            return entity;
        }
        Map<String, Object> entity = entity(show.what().toLowerCase(Locale.ROOT), show.text());
        List<Object> items = new ArrayList<>();
        for (SourceDefinition source : sources) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("type", kind.name());
            item.put("name", source.name());
            item.put("topic", topic(source));
            item.put("keyFormat", keyFormat(source));
            item.put("valueFormat", valueFormat(source));
            item.put("isWindowed", false);
            items.add(item);
        }
        entity.put(show.what().toLowerCase(Locale.ROOT), items);
        return entity;
    }

    /**
     * SHOW TOPICS: ksqlDB lists the Kafka topics it can see. Sluice has no Kafka; each stream and table names the
     * topic it would read ({@code KAFKA_TOPIC}, else its own name), with its replicas, so those are the topics.
     */
    private Map<String, Object> topics(KsqlStatement.Show show) {
        Map<String, Object> entity = entity(show.extended() ? "kafka_topics_extended" : "kafka_topics", show.text());
        Map<String, Object> byName = new java.util.TreeMap<>();
        for (SourceDefinition source : streams.sources()) {
            Map<String, Object> topic = new LinkedHashMap<>();
            topic.put("name", topic(source));
            int partitions = Integer.parseInt(source.properties().getOrDefault("PARTITIONS", "1"));
            int replicas = Integer.parseInt(source.properties().getOrDefault("REPLICAS", "1"));
            topic.put("replicaInfo", java.util.Collections.nCopies(partitions, replicas));
            if (show.extended()) {
                topic.put("consumerCount", 0);
                topic.put("consumerGroupCount", 0);
            }
            byName.putIfAbsent(topic(source), topic);
        }
        entity.put("topics", new ArrayList<>(byName.values()));
        return entity;
    }

    private Map<String, Object> describe(KsqlStatement.Describe describe) {
        SourceDefinition source = streams.source(describe.name()).orElseThrow(() -> new KsqlSyntaxException(
                "Could not find STREAM/TABLE '" + describe.name() + "' in the Metastore", describe.text()));
        Map<String, Object> entity = entity("sourceDescription", describe.text());
        entity.put("sourceDescription", description(source, describe.extended()));
        return entity;
    }

    /** ksqlDB's SourceDescription of one stream or table. */
    private Map<String, Object> description(SourceDefinition source, boolean extended) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("name", source.name());
        description.put("windowType", null);
        List<String> readers = streams.queries().stream().filter(q -> q.persistent() && q.source().equalsIgnoreCase(source.name()))
                .map(QueryInfo::id).toList();
        List<String> writers = source.aggregate() == null ? List.of() : List.of(source.aggregate().queryId());
        description.put("readQueries", readers.stream().map(id -> Map.of("id", id)).toList());
        description.put("writeQueries", writers.stream().map(id -> Map.of("id", id)).toList());
        List<Object> fields = new ArrayList<>();
        for (SourceColumn column : source.columns()) {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", column.name());
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", KsqlTypes.toKsql(column.sqlType()).replaceAll("\\(.*", ""));
            schema.put("fields", null);
            schema.put("memberSchema", null);
            field.put("schema", schema);
            if (column.key()) {
                field.put("type", source.kind() == SourceKind.TABLE ? "PRIMARY_KEY" : "KEY");
            }
            fields.add(field);
        }
        description.put("fields", fields);
        description.put("type", source.kind().name());
        description.put("timestamp", "");
        description.put("statistics", "");
        description.put("errorStats", "");
        description.put("extended", extended);
        description.put("keyFormat", keyFormat(source));
        description.put("valueFormat", valueFormat(source));
        description.put("topic", topic(source));
        description.put("partitions", Integer.parseInt(source.properties().getOrDefault("PARTITIONS", "1")));
        description.put("replication", Integer.parseInt(source.properties().getOrDefault("REPLICAS", "1")));
        description.put("statement", source.statement());
        return description;
    }

    /** Format names as ksqlDB reports them: upper case, whatever case the WITH clause used. */
    private static String keyFormat(SourceDefinition source) {
        return source.properties().getOrDefault("KEY_FORMAT", source.properties().getOrDefault("FORMAT", "KAFKA")).toUpperCase(Locale.ROOT);
    }

    private static String valueFormat(SourceDefinition source) {
        return source.properties().getOrDefault("VALUE_FORMAT", source.properties().getOrDefault("FORMAT", "JSON")).toUpperCase(Locale.ROOT);
    }

    /**
     * TERMINATE: a persistent query (or ALL of them) answers with ksqlDB's command status; a push query, which
     * ksqlDB terminates without a command, with its {@code terminate_query} entity.
     */
    private Map<String, Object> terminate(KsqlStatement.Terminate terminate) {
        if (terminate.queryId().equals("ALL")) {
            streams.queries().stream().filter(QueryInfo::persistent).forEach(q -> streams.terminate(q.id()));
            return currentStatus(terminate.text(), "terminate/ALL/execute", "Query terminated.");
        }
        QueryInfo query = streams.queries().stream().filter(q -> q.id().equalsIgnoreCase(terminate.queryId())).findFirst()
                .orElseThrow(() -> new KsqlSyntaxException("Unknown queryId: " + terminate.queryId(), terminate.text()));
        if (!streams.terminate(query.id())) {
            throw new KsqlSyntaxException("Unknown queryId: " + terminate.queryId(), terminate.text());
        }
        if (!query.persistent()) {
            Map<String, Object> entity = entity("terminate_query", terminate.text());
            entity.put("queryId", query.id());
            entity.put("wasTerminated", true);
            return entity;
        }
        return currentStatus(terminate.text(), "terminate/" + query.id() + "/execute", "Query terminated.");
    }

    private Map<String, Object> insert(KsqlStatement.InsertValues insert) {
        SourceDefinition target = streams.source(insert.target()).orElseThrow(() -> new KsqlSyntaxException(
                "Cannot insert values into an unknown stream/table: " + insert.target(), insert.text()));
        List<String> columns = insert.columns() != null ? insert.columns()
                : target.columns().stream().map(SourceColumn::name).toList();
        if (columns.size() != insert.values().size()) {
            throw new KsqlSyntaxException("Failed to prepare statement: Expected number columns and values to match: "
                    + columns + ", " + insert.values(), insert.text());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int index = 0; index < columns.size(); index++) {
            int position = target.columnIndex(columns.get(index));
            if (position < 0) {
                throw new KsqlSyntaxException("Column name " + columns.get(index) + " does not exist.", insert.text());
            }
            SourceColumn column = target.columns().get(position);
            try {
                values.put(column.name(), KsqlValues.coerce(insert.values().get(index), column.name(), column.sqlType()));
            } catch (KsqlSyntaxException e) {
                throw new KsqlSyntaxException(e.getMessage(), insert.text());
            }
        }
        streams.insert(target.name(), values);
        return null;
    }

    static String topic(SourceDefinition source) {
        return source.properties().getOrDefault("KAFKA_TOPIC", source.name());
    }

    private Map<String, Object> currentStatus(String text, String commandId, String message) {
        Map<String, Object> entity = entity("currentStatus", text);
        entity.put("commandId", commandId);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", "SUCCESS");
        status.put("message", message);
        entity.put("commandStatus", status);
        entity.put("commandSequenceNumber", streams.nextCommandSequence());
        entity.put("warnings", entity.remove("warnings"));
        return entity;
    }

    private static Map<String, Object> entity(String type, String text) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("@type", type);
        entity.put("statementText", text);
        entity.put("warnings", List.of());
        return entity;
    }

    static SluiceException unknown(String name) {
        return new SluiceException(ErrorCode.SQL_CATALOG_ERROR, name + " does not exist.");
    }
}
