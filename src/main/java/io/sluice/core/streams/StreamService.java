package io.sluice.core.streams;

import io.sluice.core.engine.Engine;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams and tables with change feeds. Each is a real engine table (so plain SQL through any API reads and
 * writes it, and it survives a restart) with a hidden, increasing sequence column that orders its changes:
 * a STREAM only grows; a TABLE has a primary key, an insert with an existing key updates the row, and a
 * delete becomes a tombstone on the feed. Definitions live in {@code sluice_ksql.sources}. One
 * {@link SourceFeed} per source fans new rows out to its {@link Subscription}s; persistent aggregates
 * ({@code CREATE TABLE … AS SELECT … GROUP BY}) are maintained incrementally from their source's feed.
 */
public final class StreamService implements AutoCloseable {

    static final String SEQUENCE_COLUMN = "__sluice_seq";
    private static final String CATALOG = "sluice_ksql.sources";

    private final EngineAccess db;
    private final int bufferRows;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SourceFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, PersistentAggregate> aggregates = new ConcurrentHashMap<>();
    private final Map<String, Subscription> transientQueries = new ConcurrentHashMap<>();
    private final List<AutoCloseable> companions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public StreamService(Engine engine, org.apache.arrow.memory.BufferAllocator allocator) {
        this(engine, allocator, 10_000);
    }

    /**
     * Feeds are woken by every write through the streams module and through the engine {@link #observing}
     * hands to the statement path; nothing polls.
     *
     * @param bufferRows how far a subscriber may fall behind before it is cut off
     */
    public StreamService(Engine engine, org.apache.arrow.memory.BufferAllocator allocator, int bufferRows) {
        this.db = new EngineAccess(engine, allocator);
        this.bufferRows = bufferRows;
        db.execute("CREATE SCHEMA IF NOT EXISTS sluice_ksql");
        db.execute("CREATE TABLE IF NOT EXISTS " + CATALOG + " (name VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL)");
        db.execute("CREATE SEQUENCE IF NOT EXISTS sluice_ksql.commands");
        for (List<Object> row : db.query("SELECT definition FROM " + CATALOG + " ORDER BY name", List.of())) {
            SourceDefinition definition = SourceCodec.decode((String) row.getFirst());
            startFeed(definition);
        }
        for (SourceFeed feed : List.copyOf(feeds.values())) {
            if (feed.definition().aggregate() != null) {
                startAggregate(feed.definition());
            }
        }
    }

    // ---- catalog ---------------------------------------------------------------------------------------

    public List<SourceDefinition> sources() {
        return feeds.values().stream().map(SourceFeed::definition)
                .sorted(Comparator.comparing(SourceDefinition::name)).toList();
    }

    public Optional<SourceDefinition> source(String name) {
        return Optional.ofNullable(feeds.get(normalise(name))).map(SourceFeed::definition);
    }

    public SourceDefinition require(String name) {
        return source(name).orElseThrow(() -> new SluiceException(ErrorCode.SQL_CATALOG_ERROR,
                "" + name + " does not exist."));
    }

    /** A number for each command that changes the catalog (ksqlDB's commandSequenceNumber). */
    public long nextCommandSequence() {
        return ((Number) db.query("SELECT nextval('sluice_ksql.commands')", List.of()).getFirst().getFirst()).longValue();
    }

    /** Creates a stream or table. Returns false when it exists and {@code ifNotExists} was given. */
    public synchronized boolean create(SourceDefinition definition, boolean ifNotExists) {
        if (definition.aggregate() != null) {
            throw new IllegalArgumentException("use createAggregate");
        }
        if (exists(normalise(definition.name()), ifNotExists)) {
            return false;
        }
        createStorage(definition, List.of());
        startFeed(definition);
        return true;
    }

    /**
     * Creates a table maintained by a persistent aggregate over {@code sourceName}; its columns are the
     * GROUP BY columns (the primary key) and one column per aggregation.
     */
    public synchronized SourceDefinition createAggregate(String name, Map<String, String> properties, String statement,
                                                         String sourceName, List<String> groupBy, List<Aggregation> aggregations,
                                                         boolean ifNotExists) {
        SourceDefinition source = require(sourceName);
        List<SourceColumn> columns = new ArrayList<>();
        for (String group : groupBy) {
            int index = source.columnIndex(group);
            if (index < 0) {
                throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "GROUP BY column " + group + " cannot be resolved.");
            }
            columns.add(new SourceColumn(source.columns().get(index).name(), source.columns().get(index).sqlType(), true));
        }
        for (Aggregation aggregation : aggregations) {
            String type = "BIGINT";
            if (aggregation.argument() != null) {
                int index = source.columnIndex(aggregation.argument());
                if (index < 0) {
                    throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Column " + aggregation.argument() + " cannot be resolved.");
                }
                String argumentType = source.columns().get(index).sqlType().toUpperCase(Locale.ROOT);
                type = switch (aggregation.function()) {
                    case COUNT -> "BIGINT";
                    case SUM -> argumentType.startsWith("DECIMAL") ? "DECIMAL(38, " + scale(argumentType) + ")"
                            : argumentType.equals("DOUBLE") || argumentType.equals("REAL") ? "DOUBLE"
                            : argumentType.equals("INTEGER") || argumentType.equals("BIGINT") ? "BIGINT"
                            : fail("SUM does not accept " + argumentType);
                    case MIN, MAX -> argumentType;
                };
            }
            columns.add(new SourceColumn(aggregation.alias(), type, false));
        }
        String queryId = "CTAS_" + normalise(name) + "_" + nextCommandSequence();
        SourceDefinition definition = new SourceDefinition(name, SourceKind.TABLE, columns, properties, statement,
                new AggregateDefinition(queryId, source.name(), columns.subList(0, groupBy.size()).stream()
                        .map(SourceColumn::name).toList(), aggregations));
        if (exists(normalise(definition.name()), ifNotExists)) {
            return source(name).orElseThrow();
        }
        createStorage(definition, List.of(PersistentAggregate.SOURCE_SEQUENCE_COLUMN + " BIGINT"));
        startFeed(definition);
        startAggregate(definition);
        return definition;
    }

    /** Drops a stream or table and its data; persistent queries writing to it stop, ones reading it refuse the drop. */
    public synchronized boolean drop(String name, boolean ifExists) {
        SourceFeed feed = feeds.get(normalise(name));
        if (feed == null) {
            if (ifExists) {
                return false;
            }
            throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Source " + normalise(name) + " does not exist.");
        }
        SourceDefinition definition = feed.definition();
        List<String> readers = aggregates.values().stream()
                .filter(query -> query.sink().aggregate().source().equals(definition.name()))
                .map(PersistentAggregate::queryId).toList();
        if (!readers.isEmpty()) {
            throw new SluiceException(ErrorCode.SQL_ERROR, "Cannot drop " + definition.name()
                    + ".\nThe following queries read from this source: " + readers + ".\n"
                    + "You need to terminate them before dropping " + definition.name() + ".");
        }
        if (definition.aggregate() != null) {
            PersistentAggregate writer = aggregates.remove(definition.aggregate().queryId());
            if (writer != null) {
                writer.stop();
            }
        }
        feeds.remove(normalise(definition.name()));
        feed.stop("Source " + definition.name() + " was dropped");
        // After a write still under way: it finishes (and publishes to no one) before the table goes.
        feed.close(() -> db.execute("DROP TABLE IF EXISTS " + EngineAccess.quote(definition.name())));
        db.execute("DROP SEQUENCE IF EXISTS " + EngineAccess.quote(sequenceName(definition.name())));
        db.update("DELETE FROM " + CATALOG + " WHERE name = ?", List.of(definition.name()));
        return true;
    }

    // ---- rows ------------------------------------------------------------------------------------------

    /**
     * Inserts one row (values by column name, case-insensitive; missing columns are NULL). On a table an
     * existing key is updated. Values are bound as parameters; a value the column cannot hold fails with
     * a SluiceException and nothing is written.
     */
    public void insert(String name, Map<String, Object> values) {
        SourceFeed feed = feeds.get(normalise(name));
        if (feed == null) {
            throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Cannot insert values into an unknown stream/table: " + name);
        }
        SourceDefinition definition = feed.definition();
        if (definition.aggregate() != null) {
            throw new SluiceException(ErrorCode.SQL_ERROR, "Cannot insert into " + definition.name()
                    + " because it is written by the query " + definition.aggregate().queryId());
        }
        Map<String, Object> byColumn = new LinkedHashMap<>();
        values.forEach((column, value) -> {
            int index = definition.columnIndex(column);
            if (index < 0) {
                throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Column name " + column + " does not exist.");
            }
            byColumn.put(definition.columns().get(index).name(), value);
        });
        for (SourceColumn key : definition.keyColumns()) {
            if (definition.kind() == SourceKind.TABLE && byColumn.get(key.name()) == null) {
                throw new SluiceException(ErrorCode.SQL_ERROR, "Value for primary key column " + key.name() + " is required for tables");
            }
        }
        List<Object> parameters = new ArrayList<>();
        for (SourceColumn column : definition.columns()) {
            parameters.add(byColumn.get(column.name()));
        }
        feed.insert(parameters);
    }

    /**
     * Takes the write gates of the sources a statement outside this module (plain SQL through any API) is about
     * to write, so that no write through the module can commit between its rows. When the returned write is
     * finished, each source's subscribers get the new rows, and on a table also rows updated in place and
     * tombstones for deleted keys. Names may be qualified ({@code catalog.schema.table}); names that are no
     * source are ignored.
     */
    ExternalWrite beginExternalWrite(java.util.Collection<String> written) {
        java.util.SortedMap<String, SourceFeed> gated = new java.util.TreeMap<>();
        for (String name : written) {
            String table = normalise(name.substring(name.lastIndexOf('.') + 1));
            SourceFeed feed = feeds.get(table);
            if (feed != null) {
                gated.put(table, feed);
            }
        }
        return ExternalWrite.begin(List.copyOf(gated.values()));
    }

    /** The engine the sources live on, as {@link Engine#name()}: statements on other engines cannot write them. */
    String engineName() {
        return db.engineName();
    }

    /**
     * The engine as the statement path should use it: every statement that writes data through it (plain
     * SQL from any API) is announced to the feeds of the streams and tables it writes, so push queries see the
     * change, in order with the writes through this module.
     */
    public Engine observing(Engine engine) {
        return new WriteObservingEngine(engine, this);
    }

    // ---- queries ---------------------------------------------------------------------------------------

    /** Starts a transient push query on a source: from now on, or replaying the stored rows first. */
    public Subscription subscribe(String name, String statement, boolean earliest) {
        if (closed) {
            throw new SluiceException(ErrorCode.SHUTTING_DOWN, "The server is shutting down");
        }
        SourceFeed feed = feeds.get(normalise(name));
        if (feed == null) {
            throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, name + " does not exist.");
        }
        String id = "transient_" + feed.definition().name() + "_" + Long.toUnsignedString(random.nextLong());
        Subscription subscription = feed.subscribe(id, statement, bufferRows, earliest, 0, () -> transientQueries.remove(id));
        transientQueries.put(id, subscription);
        return subscription;
    }

    public List<QueryInfo> queries() {
        List<QueryInfo> queries = new ArrayList<>();
        for (PersistentAggregate aggregate : aggregates.values()) {
            queries.add(new QueryInfo(aggregate.queryId(), true, aggregate.sink().statement(),
                    aggregate.sink().aggregate().source(), List.of(aggregate.sink().name()), aggregate.state()));
        }
        for (Subscription subscription : transientQueries.values()) {
            queries.add(new QueryInfo(subscription.id(), false, subscription.statement(), subscription.source().name(),
                    List.of(), "RUNNING"));
        }
        queries.sort(Comparator.comparing(QueryInfo::id));
        return queries;
    }

    /** Ends a transient push query (its reader gets {@code message}); false when no such query runs. */
    public boolean closeQuery(String queryId, String message) {
        Subscription subscription = transientQueries.remove(queryId);
        if (subscription == null) {
            return false;
        }
        subscription.end(message);
        return true;
    }

    /**
     * Terminates a query. A persistent query stops feeding its table (the table keeps its rows but is no
     * longer maintained, and its definition no longer restarts the query).
     */
    public synchronized boolean terminate(String queryId) {
        if (closeQuery(queryId, "Query terminated")) {
            return true;
        }
        PersistentAggregate aggregate = aggregates.remove(queryId);
        if (aggregate == null) {
            return false;
        }
        aggregate.stop();
        SourceDefinition sink = aggregate.sink();
        SourceDefinition unmaintained = new SourceDefinition(sink.name(), sink.kind(), sink.columns(), sink.properties(),
                sink.statement(), null);
        db.update("UPDATE " + CATALOG + " SET definition = ? WHERE name = ?", List.of(SourceCodec.encode(unmaintained), sink.name()));
        return true;
    }

    /** Something (a demo generator) to stop when the service closes. */
    public void closeWith(AutoCloseable companion) {
        companions.add(companion);
    }

    /** Ends every feed with {@code message} and stops the persistent queries. */
    public void shutdown(String message) {
        closed = true;
        for (AutoCloseable companion : companions) {
            try {
                companion.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }
        aggregates.values().forEach(PersistentAggregate::stop);
        for (SourceFeed feed : feeds.values()) {
            feed.stop(message);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            shutdown("Server shutting down");
        }
    }

    // ---- storage ---------------------------------------------------------------------------------------

    static String sequenceName(String source) {
        return source + SEQUENCE_COLUMN;
    }

    /** Sources are found case-insensitively, as the engine finds tables. */
    static String normalise(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    private boolean exists(String name, boolean ifNotExists) {
        if (!feeds.containsKey(name)) {
            return false;
        }
        if (ifNotExists) {
            return true;
        }
        SourceDefinition existing = feeds.get(name).definition();
        throw new SluiceException(ErrorCode.SQL_CATALOG_ERROR, "Cannot add " + existing.kind().name().toLowerCase(Locale.ROOT)
                + " '" + name + "': A " + existing.kind().name().toLowerCase(Locale.ROOT) + " with the same name already exists");
    }

    private void createStorage(SourceDefinition definition, List<String> extraColumns) {
        String sequence = sequenceName(definition.name());
        List<String> columns = new ArrayList<>();
        for (SourceColumn column : definition.columns()) {
            columns.add(EngineAccess.quote(column.name()) + " " + column.sqlType()
                    + (definition.kind() == SourceKind.TABLE && column.key() ? " NOT NULL" : ""));
        }
        columns.addAll(extraColumns);
        columns.add(SEQUENCE_COLUMN + " BIGINT NOT NULL DEFAULT nextval('" + sequence.replace("'", "''") + "')");
        if (definition.kind() == SourceKind.TABLE) {
            columns.add("PRIMARY KEY (" + String.join(", ", definition.keyColumns().stream()
                    .map(c -> EngineAccess.quote(c.name())).toList()) + ")");
        }
        db.execute("CREATE SEQUENCE " + EngineAccess.quote(sequence));
        try {
            db.execute("CREATE TABLE " + EngineAccess.quote(definition.name()) + " (" + String.join(", ", columns) + ")");
        } catch (RuntimeException e) {
            db.execute("DROP SEQUENCE IF EXISTS " + EngineAccess.quote(sequence));
            throw e;
        }
        db.update("INSERT INTO " + CATALOG + " (name, definition) VALUES (?, ?)", List.of(definition.name(), SourceCodec.encode(definition)));
    }

    private void startFeed(SourceDefinition definition) {
        feeds.put(normalise(definition.name()), new SourceFeed(definition, db));
    }

    private void startAggregate(SourceDefinition sink) {
        SourceFeed source = feeds.get(normalise(sink.aggregate().source()));
        if (source == null) {
            return;
        }
        PersistentAggregate aggregate = new PersistentAggregate(sink, source.definition(), db, feeds.get(normalise(sink.name())));
        aggregates.put(sink.aggregate().queryId(), aggregate);
        aggregate.start(source);
    }

    private static String scale(String decimalType) {
        int comma = decimalType.indexOf(',');
        return comma < 0 ? "0" : decimalType.substring(comma + 1, decimalType.indexOf(')')).trim();
    }

    private static String fail(String message) {
        throw new SluiceException(ErrorCode.SQL_ERROR, message);
    }
}
