package io.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.spool.ResultSpool;
import io.sluice.core.spool.SpoolConfig;
import io.sluice.core.statement.StatementService;
import io.sluice.demo.DemoData;
import io.sluice.engine.duckdb.DuckDbConfig;
import io.sluice.engine.duckdb.DuckDbEngine;
import io.sluice.core.export.Exporter;
import io.sluice.core.io.Closing;
import io.sluice.format.ExportFileEncoders;
import io.sluice.format.FormatOptions;
import io.sluice.http.ExportDownloads;
import io.sluice.protocol.nekt.NektApi;
import io.sluice.http.Authentication;
import io.sluice.http.SluiceHttpServer;
import io.sluice.protocol.druid.DruidApi;
import io.sluice.protocol.druid.DruidFunctions;
import io.sluice.protocol.nativeapi.NativeApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Wires one Sluice node: engine, spool, statement service, authentication and the HTTP port with every
 * protocol adapter. Closing it shuts down in reverse order (HTTP first, so nothing new arrives).
 */
public final class SluiceServer implements AutoCloseable {

    public static final Principal ADMIN = new Principal("admin", "admin", true);
    /** Start and stop lines, on a logger of their own so operators can keep them when silencing the rest. */
    private static final org.slf4j.Logger LIFECYCLE = org.slf4j.LoggerFactory.getLogger("sluice.lifecycle");
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Held from before the engine opens until everything is closed; see {@link DataDirectoryLock}. */
    private DataDirectoryLock dataLock;
    /** Only a server that started logs stopping: a failed start has said why on its own. */
    private volatile boolean started;

    private final BufferAllocator allocator;
    private final io.sluice.engine.duckdb.DuckDbDatabase engine;
    /** Every statement goes through this: it picks DuckDB or Trino by catalog (see {@link EngineSettings}). */
    private final io.sluice.core.engine.RoutingEngine engines;
    private final ResultSpool spool;
    private final StatementService statements;
    private final ApiKeyStore keys;
    private final SluiceHttpServer http;
    private final Exporter exporter;
    private final io.sluice.core.access.AccessControl access;
    /** Cluster mode only (null on a single node): shared state in PostgreSQL, results in S3. */
    private final io.sluice.storage.postgres.PostgresCluster cluster;
    private final io.sluice.storage.s3.S3ResultStore sharedResults;
    private final java.util.concurrent.ScheduledExecutorService sharedRefresh;
    /** Cluster mode only: whether the results bucket answers, asked every few seconds for readiness. */
    private final PeriodicCheck bucketCheck;
    /**
     * Lent to the text encoders so one large NDJSON/JSON/CSV result renders on two cores. Half the cores:
     * every helped result already keeps its own thread, the engine and a read-ahead reader busy.
     */
    private final io.sluice.format.TextRenderHelpers renderHelpers =
            io.sluice.format.TextRenderHelpers.start(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));

    private SluiceServer(SluiceConfig config, boolean demo) {
        Path data = config.dataDirectory();
        createDirectories(data);
        Clock clock = Clock.systemUTC();
        this.allocator = new RootAllocator(config.memoryLimitBytes());
        this.engine = openEngine(config, data);
        if (demo) {
            DemoData.install(engine::executeTrusted);
        }
        DruidFunctions.installStatements().forEach(engine::executeTrusted);
        // Settled once: a node without a configured id gets a generated one, and every part must use the same.
        io.sluice.storage.postgres.PostgresConfig clusterConfig = config.cluster().enabled()
                ? config.cluster().postgres(config.statements().retention()) : null;
        this.engines = routing(clusterConfig == null ? engine : new io.sluice.engine.duckdb.NodeLocalCatalogs(engine,
                config.cluster().nodeLocalCatalogs(), clusterConfig.nodeId(), DUCKDB_DEFAULT_CATALOG), config.engines());
        this.spool = new ResultSpool(SpoolConfig.defaults(data.resolve("spool"))
                .withPageRows(config.spoolPageRows()).withQuotaBytes(config.spoolQuotaBytes())
                .withRetention(config.statements().retention()), allocator, clock);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(meters);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(meters);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(meters);
        io.micrometer.core.instrument.Gauge.builder("sluice_spool_bytes", spool, ResultSpool::bytesInUse)
                .description("Disk bytes held by spooled results").baseUnit("bytes").register(meters);
        io.micrometer.core.instrument.Gauge.builder("sluice_arrow_memory_bytes", allocator, BufferAllocator::getAllocatedMemory)
                .description("Arrow memory held by results in flight").baseUnit("bytes").register(meters);
        io.micrometer.core.instrument.Gauge.builder("sluice_engine_memory_bytes", engine, e -> e.memoryBytes(false))
                .description("Memory DuckDB's buffer manager holds (duckdb_memory())").baseUnit("bytes").register(meters);
        io.micrometer.core.instrument.Gauge.builder("sluice_engine_temporary_bytes", engine, e -> e.memoryBytes(true))
                .description("Bytes DuckDB spilled to its temporary directory").baseUnit("bytes").register(meters);
        io.sluice.core.access.AccessStore accessStore;
        io.sluice.core.auth.PublicKeyStore publicKeys;
        io.sluice.core.statement.StatementRepository statementRepository;
        if (config.cluster().enabled()) {
            if (!config.export().store().equals("s3")) {
                throw new IllegalArgumentException("cluster mode keeps results in S3: set export.store=s3 and export.s3.*");
            }
            try {
                this.cluster = io.sluice.storage.postgres.PostgresCluster.start(clusterConfig);
            } catch (RuntimeException e) {
                // PostgreSQL unreachable or refusing: the node does not start, and gives back what it opened.
                closeQuietly(engine);
                closeQuietly(renderHelpers);
                closeQuietly(allocator);
                throw e;
            }
            this.sharedResults = new io.sluice.storage.s3.S3ResultStore(config.export().s3(), config.cluster().spoolPrefix());
            this.bucketCheck = new PeriodicCheck("s3", sharedResults::bucketProblem, java.time.Duration.ofSeconds(2));
            // Results are recorded while they are published, so a survivor removes the pages a dead node left half-way.
            io.sluice.core.spool.TrackedResultStore trackedResults =
                    new io.sluice.core.spool.TrackedResultStore(sharedResults, cluster.outsideWork());
            spool.shareThrough(trackedResults);
            cluster.stopOrphanedWorkWith(io.sluice.core.spool.TrackedResultStore.KIND,
                    (resultId, owner) -> trackedResults.removeIfPartial(resultId));
            spool.keepAccountsIn(cluster.spoolLedger());
            // Trino queries are recorded while they run, so a survivor stops those of a node that died.
            for (io.sluice.core.engine.Engine component : engines.engines()) {
                if (component instanceof io.sluice.engine.trino.TrinoEngine trino) {
                    trino.recordQueriesIn(cluster.outsideWork());
                    cluster.stopOrphanedWorkWith(io.sluice.engine.trino.TrinoEngine.QUERY, trino::stopQuery);
                }
            }
            statementRepository = cluster.statements();
            io.sluice.core.auth.MasterKey masterKey = io.sluice.core.auth.MasterKey.load(
                    Optional.ofNullable(System.getenv(io.sluice.core.auth.MasterKey.ENVIRONMENT_VARIABLE)),
                    data.resolve("security").resolve("master.key"));
            try {
                requireSameClusterSettings(config, masterKey);
            } catch (RuntimeException e) {
                // The node does not start: give back what it opened (the engine is a process of its own).
                closeQuietly(cluster);
                closeQuietly(bucketCheck);
                closeQuietly(sharedResults);
                closeQuietly(engine);
                closeQuietly(renderHelpers);
                closeQuietly(allocator);
                throw e;
            }
            this.keys = new ApiKeyStore(cluster.document("api-keys"), masterKey);
            accessStore = new io.sluice.core.access.AccessStore(cluster.document("access"));
            publicKeys = new io.sluice.core.auth.PublicKeyStore(cluster.document("rsa-public-keys"));
            this.sharedRefresh = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("cluster-refresh").daemon().factory());
            // Keys and grants changed on other nodes arrive within this period (a version check each time).
            sharedRefresh.scheduleWithFixedDelay(() -> {
                try {
                    keys.refresh();
                    accessStore.refresh();
                    publicKeys.refresh();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(SluiceServer.class).debug("cluster refresh failed", e);
                }
            }, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            this.cluster = null;
            this.sharedResults = null;
            this.sharedRefresh = null;
            this.bucketCheck = null;
            statementRepository = io.sluice.core.statement.StatementRepository.local(data.resolve("statements"));
            this.keys = new ApiKeyStore(data.resolve("security").resolve("api-keys.tsv"));
            accessStore = new io.sluice.core.access.AccessStore(data.resolve("security").resolve("access.tsv"));
            publicKeys = new io.sluice.core.auth.PublicKeyStore(data.resolve("security").resolve("rsa-public-keys.tsv"));
        }
        // Streams first: statements run on an engine that tells the streams' change feeds what they wrote.
        io.sluice.core.streams.StreamService streams = new io.sluice.core.streams.StreamService(engine, allocator);
        io.sluice.core.engine.Engine observedEngine = streams.observing(engines);
        this.statements = cluster == null
                ? new StatementService(observedEngine, spool, statementRepository, config.statements(), allocator, meters, clock)
                : new StatementService(observedEngine, spool, statementRepository, cluster.reuseIndex(), config.statements(),
                        allocator, meters, clock);
        this.access = AccessWiring.guard(statements, engine, engines, keys, publicKeys, accessStore, data, clock,
                config.auditRetention(), cluster == null ? null : cluster.audit());
        access.limits(config.principalLimits());
        if (cluster != null) {
            access.shareLimitsThrough(cluster.limits());
        }
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Authentication authentication = new Authentication(keys);
        FormatOptions formats = FormatOptions.defaults().withAllocator(allocator).withTempDirectory(tempDirectory(data))
                .withRenderHelpers(renderHelpers);
        io.micrometer.core.instrument.FunctionCounter.builder("sluice_render_helper_blocks", renderHelpers,
                        io.sluice.format.TextRenderHelpers::blocksRenderedByHelpers)
                .description("Blocks of rows of large text results rendered by a helper thread").register(meters);
        if (demo) {
            io.sluice.demo.RiderLocations.start(streams);
        }
        this.exporter = new Exporter(statements, config.export().openStorage(data, clock),
                new ExportFileEncoders(formats), config.export().export(), clock);
        if (cluster != null) {
            // Exports are recorded while they write, so a survivor removes the files of an export a dead node left.
            exporter.recordRunsIn(cluster.outsideWork());
            exporter.shareOutcomesThrough(cluster.exportRecords());
            cluster.stopOrphanedWorkWith(Exporter.RUN, (prefix, owner) -> exporter.removeFilesUnder(prefix));
        }
        long exportQuota = config.export().export().quotaBytesPerPrincipal();
        exporter.quotas(principal -> access.exportQuotaBytes(principal, exportQuota));
        io.micrometer.core.instrument.FunctionCounter.builder("sluice_export_bytes", exporter, Exporter::bytesWritten)
                .description("Bytes of files written by exports").baseUnit("bytes").register(meters);
        // PostgreSQL only degrades a node: an outage hits every node alike, and the paths that need no shared state
        // (admins' streaming queries) keep working, so balancers keep the nodes (docs/deployment.md, readiness).
        List<SluiceHttpServer.ReadinessCheck> dependencies = cluster == null ? List.of() : List.of(
                new SluiceHttpServer.ReadinessCheck("postgresql", cluster::problem, true),
                new SluiceHttpServer.ReadinessCheck("s3", bucketCheck::problem, false));
        this.http = new SluiceHttpServer(config.http(), authentication, engines, dependencies, meters, List.of(
                new NativeApi(statements, authentication, json, formats, clock, exporter),
                new io.sluice.protocol.ncp.NcpApi(statements, authentication, replayGuard(clock), json, clock),
                new io.sluice.protocol.snowflake.SnowflakeApi(statements, authentication, publicKeys, json, clock, config.statements().maxTimeout(), config.snowflakeSyncWait()),
                new NektApi(exporter, authentication, json), new ExportDownloads(exporter.signedFiles()),
                new DruidApi(statements, authentication, json),
                new io.sluice.protocol.trino.TrinoApi(statements, authentication, json, clock, config.trinoClientTimeout()),
                new io.sluice.protocol.ksql.KsqlApi(streams, statements, authentication),
                new io.sluice.protocol.admin.AdminApi(access, authentication, json),
                new io.sluice.console.ConsoleApi(authentication, engines, access, allocator)));
        http.metricsReaders(principal -> principal.admin() || access.holdsRole(principal, SluiceHttpServer.METRICS_ROLE));
    }

    /**
     * Where once-only credentials (NCP signatures) are remembered: the cluster's database, so a request captured on
     * one node is refused on every other, or this node's memory. A quarter of a million live signatures fit (a
     * signature stays until its timestamp is five minutes old: about 800 signed requests a second, sustained);
     * past that, new ones are refused with 429 until old ones expire.
     */
    private io.sluice.core.auth.ReplayGuard replayGuard(Clock clock) {
        return cluster != null ? cluster.replayGuard(clock) : new io.sluice.core.auth.MemoryReplayGuard(250_000, clock);
    }

    /** Starts a node; with {@code demo} the demo tables are (re)created first. */
    public static SluiceServer start(SluiceConfig config, boolean demo) {
        DataDirectoryLock dataLock = DataDirectoryLock.acquire(config.dataDirectory());
        SluiceServer server;
        try {
            server = new SluiceServer(config, demo);
        } catch (RuntimeException | Error e) {
            dataLock.close();
            throw e;
        }
        server.dataLock = dataLock;
        try {
            server.http.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        server.started = true;
        LIFECYCLE.atInfo().addKeyValue("port", server.port()).addKeyValue("dataDirectory", config.dataDirectory().toAbsolutePath())
                .addKeyValue("pid", ProcessHandle.current().pid()).log("Sluice started on port {}", server.port());
        return server;
    }

    public int port() {
        return http.port();
    }

    public io.sluice.core.access.AccessControl access() {
        return access;
    }

    /** The node's result spool (what each principal holds in it, for operators and tests). */
    public ResultSpool spool() {
        return spool;
    }

    public ApiKeyStore keys() {
        return keys;
    }

    /** Makes sure the key from SLUICE_ADMIN_API_KEY exists, or issues a new admin key when none is given. */
    public ApiKey ensureAdminKey(Optional<String> configuredKey) {
        if (configuredKey.isPresent()) {
            ApiKey key = ApiKey.parse(configuredKey.get()).orElseThrow(() -> new IllegalArgumentException(
                    "SLUICE_ADMIN_API_KEY must look like <keyId>.<secret> (key id of 3+ letters/digits, secret of 16+ characters)"));
            keys.register(key, ADMIN);
            return key;
        }
        return keys.issue(ADMIN);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long stopping = System.nanoTime();
        if (started) {
            LIFECYCLE.info("Sluice stopping: no new requests; running statements get the shutdown grace period");
        }
        closeQuietly(http);
        closeQuietly(exporter);
        closeQuietly(statements);
        closeQuietly(renderHelpers);
        if (sharedRefresh != null) {
            sharedRefresh.shutdownNow();
        }
        closeQuietly(cluster);
        closeQuietly(bucketCheck);
        closeQuietly(sharedResults);
        closeQuietly(access.audit());
        closeQuietly(engines);
        closeQuietly(allocator);
        if (dataLock != null) {
            closeQuietly(dataLock);
        }
        if (started) {
            LIFECYCLE.info("Sluice stopped after {} ms", (System.nanoTime() - stopping) / 1_000_000);
        }
    }

    /**
     * A node with another master key would seal keys the others cannot open (and fail NCP signatures only there);
     * one with another bucket or prefix would keep results the others cannot find. Either is refused at start.
     */
    private void requireSameClusterSettings(SluiceConfig config, io.sluice.core.auth.MasterKey masterKey) {
        cluster.requireSameSetting("master-key-fingerprint", masterKey.fingerprint(),
                "this node's master key (SLUICE_MASTER_KEY, or data/security/master.key when unset)");
        cluster.requireSameSetting("s3-results", "s3://" + config.export().s3().bucket() + "/" + config.cluster().spoolPrefix(),
                "this node's result store (export.s3.bucket " + config.export().s3().bucket() + ", cluster.s3.prefix "
                        + config.cluster().spoolPrefix() + ")");
    }

    /** DuckDB serves every catalog; a configured Trino takes its catalogs. */
    /**
     * DuckDB in a supervised process of its own under the configured memory ceiling (the default), or in this process
     * with that much for DuckDB's memory_limit.
     */
    private static io.sluice.engine.duckdb.DuckDbDatabase openEngine(SluiceConfig config, Path data) {
        DuckDbConfig duckDb = DuckDbConfig.defaults(data.resolve("engine")).withThreads(config.engineThreads())
                .withAttachedCatalogs(DemoData.CATALOGS);
        long limit = EngineIsolation.bytes(config.engineMemoryLimit());
        EngineIsolation isolation = config.engines().isolation();
        if (!isolation.separateProcess()) {
            return new DuckDbEngine(duckDb.withMemoryLimit(Math.max(1, limit / (1024 * 1024)) + "MB"));
        }
        return new io.sluice.engine.process.ProcessEngine(duckDb, io.sluice.engine.process.ProcessSettings.forThisJvm(
                limit, isolation.cancelGrace(), isolation.startTimeout(), isolation.cgroups(), isolation.warmSpare()));
    }

    /** The catalog of DuckDB's own database file ({@code sluice.duckdb}), where unqualified names resolve. */
    private static final String DUCKDB_DEFAULT_CATALOG = "sluice";

    /** {@code statementEngine} is DuckDB as statements see it (in a cluster, behind {@code NodeLocalCatalogs}). */
    private static io.sluice.core.engine.RoutingEngine routing(io.sluice.core.engine.Engine statementEngine,
                                                               EngineSettings settings) {
        java.util.Map<String, io.sluice.core.engine.Engine> byCatalog = new java.util.LinkedHashMap<>();
        settings.trino().ifPresent(trinoConfig -> {
            io.sluice.engine.trino.TrinoEngine trino = new io.sluice.engine.trino.TrinoEngine(trinoConfig);
            trinoConfig.catalogs().forEach(catalog -> byCatalog.put(catalog, trino));
        });
        return new io.sluice.core.engine.RoutingEngine(statementEngine, byCatalog);
    }

    private static Path tempDirectory(Path data) {
        Path temp = data.resolve("tmp");
        createDirectories(temp);
        return temp;
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        Closing.quietly(closeable,
                failure -> org.slf4j.LoggerFactory.getLogger(SluiceServer.class).warn("error while shutting down", failure));
    }
}
