package io.sluice.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.engine.Engine;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP port: health, metrics and every protocol adapter's routes on Jetty 12 through Javalin, with a
 * bounded pool of platform threads and no response compression (it would delay streamed rows).
 */
public final class SluiceHttpServer implements AutoCloseable {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(SluiceHttpServer.class);
    /** The role that lets a principal who is not an admin read /metrics (a monitoring system's key). */
    public static final String METRICS_ROLE = "METRICS";
    /** Who may read /metrics: admins until the server says more. */
    private volatile java.util.function.Predicate<io.sluice.core.auth.Principal> metricsReaders =
            io.sluice.core.auth.Principal::admin;

    private final Javalin app;
    private final HttpServerConfig config;

    public SluiceHttpServer(HttpServerConfig config, Authentication authentication, Engine engine,
                            PrometheusMeterRegistry meters, List<HttpApi> apis) {
        this(config, authentication, engine, List.of(), meters, apis);
    }

    /**
     * @param dependencies what else the node needs to serve besides its engines (a cluster's PostgreSQL), each
     *     asked on every readiness probe
     */
    public SluiceHttpServer(HttpServerConfig config, Authentication authentication, Engine engine,
                            List<ReadinessCheck> dependencies, PrometheusMeterRegistry meters, List<HttpApi> apis) {
        this.config = Objects.requireNonNull(config, "config");
        AccessLog accessLog = new AccessLog();
        this.app = Javalin.create(javalin -> {
            // Platform threads, not virtual ones: a request spends its time inside DuckDB's native code, and a
            // virtual thread in a native call pins its carrier. With one carrier per core, two long statements
            // would freeze every other request, cancels included.
            javalin.concurrency.useVirtualThreads = false;
            QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()));
            threads.setName("http");
            javalin.jetty.threadPool = threads;
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.http.compressionStrategy = CompressionStrategy.NONE;
            javalin.startup.showJavalinBanner = false;
            HttpRequestMetrics requestMetrics = new HttpRequestMetrics(meters);
            javalin.requestLogger.http((context, durationMs) -> {
                String route = accessLog.routeOf(context);
                requestMetrics.record(context, route, durationMs);
                accessLog.log(context, route, durationMs);
            });
            javalin.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new org.eclipse.jetty.ee10.servlet.FilterHolder(new RequestBodyLimit(config.maxRequestBytes())), "/*",
                    java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
            javalin.jetty.modifyServer(server -> {
                server.setStopTimeout(5_000);
                server.setErrorHandler(new SluiceErrorHandler());
            });
            javalin.jetty.addConnector((server, httpConfiguration) -> connector(server, httpConfiguration, config));
            if (config.managementPort() > 0) {
                javalin.jetty.addConnector((server, httpConfiguration) -> managementConnector(server, config));
            }
            var routes = javalin.routes;
            routes.get("/health/live", context -> context.json(Map.of("status", "UP")));
            routes.get("/health/ready", context -> {
                // Each engine is asked once; the node is ready when all of them answer (a Trino that is down
                // makes the node not ready, and the body says which engine it is). A dependency that only degrades
                // the node (PostgreSQL: see docs/deployment.md) leaves it ready, as DEGRADED with the reason.
                List<EngineHealth> health = engine.components().stream().map(each -> EngineHealth.of(each.name(), each.status())).toList();
                List<DependencyHealth> others = dependencies.stream().map(DependencyHealth::of).toList();
                boolean ready = health.stream().allMatch(EngineHealth::healthy)
                        && others.stream().allMatch(each -> each.healthy() || each.degradesOnly());
                boolean degraded = others.stream().anyMatch(each -> !each.healthy());
                context.status(ready ? 200 : 503).json(new Readiness(!ready ? "DOWN" : degraded ? "DEGRADED" : "UP",
                        health.getFirst(), health, others));
            });
            routes.before(context -> RequestAddress.usePublicUrl(context, config.publicUrl()));
            routes.before(context -> {
                // The management port answers a scraper and probes, nothing else: no API is reachable without a key.
                if (onManagementPort(context) && !context.path().equals("/metrics") && !context.path().startsWith("/health/")) {
                    throw new SluiceException(ErrorCode.NOT_FOUND, "The management port serves /metrics and /health only");
                }
            });
            routes.before("/metrics", context -> {
                if (onManagementPort(context)) {
                    return;
                }
                // Metrics name tables, principals' load and the engine's memory: not for every key holder.
                if (!metricsReaders.test(authentication.require(context))) {
                    throw new SluiceException(ErrorCode.FORBIDDEN, "Reading /metrics needs an admin key or the "
                            + METRICS_ROLE + " role");
                }
            });
            routes.after(context -> countResponseBytes(meters, context));
            routes.after(SluiceHttpServer::retryAfterOnTooManyRequests);
            routes.get("/metrics", context -> {
                // Prometheus's own filter (?name[]=…, repeatable): only the named metrics are collected, so a
                // frequent scrape of a few gauges does not pay for the engine's memory query or thread states.
                // A counter is registered without the _total its samples carry, so both spellings select it.
                java.util.Set<String> names = new java.util.HashSet<>();
                for (String name : context.queryParams("name[]")) {
                    names.add(name);
                    names.add(name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name);
                }
                context.contentType(PROMETHEUS_TEXT).result(names.isEmpty() ? meters.scrape()
                        : meters.scrape(PROMETHEUS_TEXT, names));
            });
            apis.forEach(api -> api.register(routes));
            routes.exception(SluiceException.class, (exception, context) -> {
                if (context.res().isCommitted()) {
                    ResultStreaming.abortResponse(context);
                    return;
                }
                context.res().resetBuffer();
                Authentication.discardBody(context);
                ErrorResponses.write(context, exception.error(), context.attribute("sluice.statementId"));
            });
            routes.exception(HttpResponseException.class, (exception, context) -> {
                ErrorCode code = switch (exception.getStatus()) {
                    case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
                    case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
                    case 404 -> ErrorCode.NOT_FOUND;
                    case 401 -> ErrorCode.UNAUTHENTICATED;
                    default -> ErrorCode.MALFORMED_REQUEST;
                };
                String message = exception.getStatus() == 413
                        ? "The request body is larger than the limit of " + config.maxRequestBytes() + " bytes"
                        : exception.getMessage();
                ErrorResponses.write(context, SluiceError.of(code, message), null);
            });
            routes.exception(Exception.class, (exception, context) -> {
                if (context.res().isCommitted()) {
                    ResultStreaming.abortResponse(context);
                    return;
                }
                LOG.error("unexpected error on {} {}", context.method(), context.path(), exception);
                context.res().resetBuffer();
                ErrorResponses.write(context, SluiceError.of(ErrorCode.INTERNAL_ERROR, "Internal error"), null);
            });
            routes.error(404, context -> {
                if (context.res().getContentType() == null) {
                    ErrorResponses.write(context, SluiceError.of(ErrorCode.NOT_FOUND,
                            "No endpoint " + context.method() + " " + context.path()), null);
                }
            });
        });
        accessLog.routeBy(app.unsafe.internalRouter);
    }

    /**
     * The one port: cleartext HTTP/1.1 and h2c, or — with a key store configured — TLS with ALPN choosing h2 or
     * http/1.1. Either way with the request limits: header and URI size, a deadline for a request's headers,
     * and HTTP/2's concurrent streams and header table.
     */
    private static ServerConnector connector(Server server, HttpConfiguration http, HttpServerConfig config) {
        HttpServerConfig.Limits limits = config.limits();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
        http.addCustomizer((request, responseHeaders) -> {
            String target = request.getHttpURI().getPathQuery();
            if (target != null && target.length() > limits.maxUriBytes()) {
                throw new BadMessageException(414, "URI too long");
            }
            return request;
        });
        ServerConnector connector;
        if (config.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http), http2(new HTTP2CServerConnectionFactory(http), limits));
        } else {
            http.setSecureScheme("https");
            http.addCustomizer(new SecureRequestCustomizer());
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol("http/1.1");
            connector = new ServerConnector(server, new SslConnectionFactory(sslContext(config.tls()), alpn.getProtocol()),
                    alpn, http2(new HTTP2ServerConnectionFactory(http), limits), new HttpConnectionFactory(http));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeoutMillis());
        // The JDK's default listen backlog is 50: a burst of connections (a thousand push-query subscribers, a
        // load balancer's pool refilling) overflows it and the kernel resets the surplus. The kernel caps this
        // at net.core.somaxconn.
        connector.setAcceptQueueSize(4096);
        connector.addBean(new SlowRequestGuard(connector, limits.headerTimeoutMillis()));
        return connector;
    }

    private static <T extends AbstractHTTP2ServerConnectionFactory> T http2(T factory, HttpServerConfig.Limits limits) {
        factory.setMaxConcurrentStreams(limits.h2MaxConcurrentStreams());
        factory.setMaxDecoderTableCapacity(limits.h2MaxHeaderTableBytes());
        return factory;
    }

    private static SslContextFactory.Server sslContext(HttpServerConfig.Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore().toAbsolutePath().toString());
        ssl.setKeyStoreType(tls.keystoreType());
        ssl.setKeyStorePassword(tls.keystorePassword());
        if (tls.keyPassword() != null) {
            ssl.setKeyManagerPassword(tls.keyPassword());
        }
        // HTTP/2 forbids the TLS 1.2 cipher suites on its block list; Jetty's list for h2 keeps to the allowed ones.
        ssl.setCipherComparator(org.eclipse.jetty.http2.HTTP2Cipher.COMPARATOR);
        // One certificate: a client that reaches the server by an address the certificate does not name is the
        // client's business (it checks the name), not a reason for the server to refuse the request.
        ssl.setSniRequired(false);
        return ssl;
    }

    /** Records, not maps: their fields come out in a fixed order, which clients and docs can rely on. */
    /** {@code status}: UP, DOWN, or RESTARTING while an engine process that died is replaced. */
    record EngineHealth(boolean healthy, String name, String status) {
        static EngineHealth of(String name, String status) {
            return new EngineHealth(status.equals("UP"), name, status);
        }
    }

    /**
     * {@code engine} is the default engine (as before several engines existed); {@code engines} lists them all;
     * {@code dependencies} the shared stores a cluster node needs (empty on a single node). {@code status}: UP,
     * DEGRADED (ready, but a dependency that only degrades the node is down) or DOWN (not ready).
     */
    record Readiness(String status, EngineHealth engine, List<EngineHealth> engines, List<DependencyHealth> dependencies) {
    }

    /** A dependency's state; {@code reason} says what is wrong, and is left out while it answers. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record DependencyHealth(boolean healthy, String name, String status, String reason,
                            @com.fasterxml.jackson.annotation.JsonIgnore boolean degradesOnly) {
        static DependencyHealth of(ReadinessCheck check) {
            java.util.Optional<String> problem = check.problem().get();
            return new DependencyHealth(problem.isEmpty(), check.name(), problem.isEmpty() ? "UP" : "DOWN",
                    problem.orElse(null), check.degradesOnly());
        }
    }

    /**
     * Something besides the engines that must answer for the node to be ready: {@code problem} says what is wrong
     * (empty while it answers; it must not block). With {@code degradesOnly} the node stays ready without it.
     */
    public record ReadinessCheck(String name, java.util.function.Supplier<java.util.Optional<String>> problem,
                                 boolean degradesOnly) {
    }

    /**
     * Every 429, in whatever protocol's shape, says when to come back: HTTP asks it of a 429, and the vendor
     * adapters render their own bodies without it. A second is the admission queue's and the rate bucket's scale.
     */
    private static void retryAfterOnTooManyRequests(io.javalin.http.Context context) {
        if (context.statusCode() == 429 && context.res().getHeader("Retry-After") == null && !context.res().isCommitted()) {
            context.header("Retry-After", "1");
        }
    }

    /** One counter per protocol, looked up once: the registry's own lookup locks, and this runs per request. */
    private final java.util.Map<String, io.micrometer.core.instrument.Counter> responseBytes =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Bytes of response content by protocol (the first path segment names it), for every request. */
    private void countResponseBytes(io.micrometer.core.instrument.MeterRegistry meters, io.javalin.http.Context context) {
        try {
            long bytes = org.eclipse.jetty.server.Response.getContentBytesWritten(
                    org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(context.req())
                            .getServletContextResponse());
            responseBytes.computeIfAbsent(protocolOf(context.path()),
                    protocol -> meters.counter("sluice_http_response_bytes", "protocol", protocol)).increment(bytes);
        } catch (RuntimeException e) {
            LOG.debug("cannot count response bytes", e);
        }
    }

    static String protocolOf(String path) {
        if (path.startsWith("/sluice/")) {
            return "native";
        }
        if (path.startsWith("/druid/")) {
            return "druid";
        }
        if (path.startsWith("/api/v2/statements")) {
            return "snowflake";
        }
        if (path.startsWith("/api/v2/queries")) {
            return "ncp";
        }
        if (path.startsWith("/api/v1/sql-query")) {
            return "nekt";
        }
        if (path.startsWith("/v1/statement")) {
            return "trino";
        }
        return switch (path) {
            case "/query", "/query-stream", "/ksql", "/inserts-stream", "/close-query" -> "ksql";
            default -> "other";
        };
    }

    private boolean onManagementPort(io.javalin.http.Context context) {
        return config.managementPort() > 0 && context.req().getLocalPort() == config.managementPort();
    }

    /** Plain HTTP/1.1 on the management port: a scraper inside the network, no TLS, no HTTP/2, few connections. */
    private static ServerConnector managementConnector(Server server, HttpServerConfig config) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.managementPort());
        connector.setIdleTimeout(config.idleTimeoutMillis());
        return connector;
    }

    /** Who may read /metrics on the main port: admins by default; the server adds holders of {@link #METRICS_ROLE}. */
    public void metricsReaders(java.util.function.Predicate<io.sluice.core.auth.Principal> readers) {
        this.metricsReaders = java.util.Objects.requireNonNull(readers, "readers");
    }

    public SluiceHttpServer start() {
        app.start();
        LOG.info("Sluice listening on port {}", port());
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
