package io.sluice.server;

import io.sluice.core.statement.StatementConfig;
import io.sluice.http.HttpServerConfig;
import io.sluice.storage.ExportSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.sluice.core.io.ConfigNumbers;
import java.util.Properties;

/**
 * Everything a Sluice server is configured with. Read from a properties file ({@code --config}); command
 * line flags override it. Every key, with its default, is listed in the README.
 */
public record SluiceConfig(
        Path dataDirectory,
        HttpServerConfig http,
        StatementConfig statements,
        String engineMemoryLimit,
        int engineThreads,
        long spoolQuotaBytes,
        long spoolPageRows,
        long memoryLimitBytes,
        ExportSettings export,
        Duration snowflakeSyncWait,
        io.sluice.core.access.AccessControl.Limits principalLimits,
        io.sluice.storage.ClusterSettings cluster,
        EngineSettings engines,
        Duration trinoClientTimeout,
        Duration auditRetention) {

    /** How long the Snowflake API answers synchronously before it hands back a statement handle (202). */
    static final Duration DEFAULT_SNOWFLAKE_SYNC_WAIT = Duration.ofSeconds(45);
    /** How long a Trino client may leave its query unpolled before it is abandoned (Trino's query.client.timeout). */
    static final Duration DEFAULT_TRINO_CLIENT_TIMEOUT = Duration.ofMinutes(5);
    /** How long rotated audit files are kept (see AuditLog). */
    static final Duration DEFAULT_AUDIT_RETENTION = io.sluice.core.access.AuditLog.Retention.DEFAULT.keep();

    public static SluiceConfig defaults(Path dataDirectory) {
        StatementConfig statements = StatementConfig.defaults();
        return new SluiceConfig(dataDirectory, HttpServerConfig.defaults(), statements, EngineIsolation.DEFAULT_MEMORY_LIMIT,
                Runtime.getRuntime().availableProcessors(), 10L * 1024 * 1024 * 1024, 10_000, 1024L * 1024 * 1024,
                ExportSettings.defaults(), DEFAULT_SNOWFLAKE_SYNC_WAIT, principalLimitsFor(statements),
                io.sluice.storage.ClusterSettings.defaults(), EngineSettings.defaults(), DEFAULT_TRINO_CLIENT_TIMEOUT,
                DEFAULT_AUDIT_RETENTION);
    }

    /**
     * A principal may have as many statements at once as the engine has running slots: more would only wait, and a
     * flood should be refused (429) while others are still admitted, not queued for minutes.
     */
    private static io.sluice.core.access.AccessControl.Limits principalLimitsFor(StatementConfig statements) {
        return io.sluice.core.access.AccessControl.Limits.DEFAULT.withMaxConcurrent(statements.maxRunning());
    }

    public SluiceConfig withPort(int port) {
        return new SluiceConfig(dataDirectory, http.withPort(port), statements, engineMemoryLimit, engineThreads,
                spoolQuotaBytes, spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withDataDirectory(Path directory) {
        return new SluiceConfig(directory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withStatements(StatementConfig statementConfig) {
        return new SluiceConfig(dataDirectory, http, statementConfig, engineMemoryLimit, engineThreads,
                spoolQuotaBytes, spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withHttp(HttpServerConfig httpConfig) {
        return new SluiceConfig(dataDirectory, httpConfig, statements, engineMemoryLimit, engineThreads,
                spoolQuotaBytes, spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withExport(ExportSettings settings) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, settings, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withSnowflakeSyncWait(Duration wait) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, wait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withCluster(io.sluice.storage.ClusterSettings settings) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, settings, engines, trinoClientTimeout, auditRetention);
    }

    /** The engine's memory ceiling, e.g. {@code 1GB} or {@code 50%} of the host (see {@link EngineIsolation#bytes}). */
    public SluiceConfig withEngineMemoryLimit(String limit) {
        return new SluiceConfig(dataDirectory, http, statements, limit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withEngines(EngineSettings settings) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, settings, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withPrincipalLimits(io.sluice.core.access.AccessControl.Limits limits) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, limits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    public SluiceConfig withTrinoClientTimeout(Duration timeout) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                spoolPageRows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, timeout, auditRetention);
    }

    public SluiceConfig withSpoolPageRows(long rows) {
        return new SluiceConfig(dataDirectory, http, statements, engineMemoryLimit, engineThreads, spoolQuotaBytes,
                rows, memoryLimitBytes, export, snowflakeSyncWait, principalLimits, cluster, engines, trinoClientTimeout, auditRetention);
    }

    /** Reads a properties file over the defaults. Unknown keys are an error, so typos do not go unnoticed. */
    public static SluiceConfig load(Path file, Path defaultDataDirectory) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file, e);
        }
        return fromProperties(properties, defaultDataDirectory);
    }

    static SluiceConfig fromProperties(Properties properties, Path defaultDataDirectory) {
        SluiceConfig defaults = defaults(defaultDataDirectory);
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "'; known keys: " + KEYS);
            }
        }
        StatementConfig statements = defaults.statements();
        HttpServerConfig http = defaults.http();
        StatementConfig configuredStatements = new StatementConfig(
                intValue(properties, "statements.maxRunning", statements.maxRunning()),
                intValue(properties, "statements.maxQueued", statements.maxQueued()),
                duration(properties, "statements.defaultTimeoutSeconds", statements.defaultTimeout()),
                duration(properties, "statements.maxTimeoutSeconds", statements.maxTimeout()),
                duration(properties, "statements.retentionSeconds", statements.retention()),
                duration(properties, "statements.shutdownGraceSeconds", statements.shutdownGrace()),
                intValue(properties, "statements.streamingHistory", statements.streamingHistory()),
                share(properties, "statements.maxShareWhileOthersWait", statements.maxShareWhileOthersWait()),
                logLevel(properties, "log.statementLevel", statements.endLogLevel()));
        io.sluice.core.access.CrashCoolDown crashes = io.sluice.core.access.CrashCoolDown.DEFAULT;
        return new SluiceConfig(
                Path.of(properties.getProperty("data.dir", defaultDataDirectory.toString())),
                new HttpServerConfig(
                        properties.getProperty("http.host", http.host()),
                        intValue(properties, "http.port", http.port()),
                        ConfigNumbers.wholeNumber(properties, "http.maxRequestBytes", http.maxRequestBytes()),
                        ConfigNumbers.wholeNumber(properties, "http.idleTimeoutMs", http.idleTimeoutMillis()),
                        intValue(properties, "http.maxThreads", http.maxThreads()),
                        new HttpServerConfig.Limits(
                                intValue(properties, "http.maxRequestHeaderBytes", http.limits().maxRequestHeaderBytes()),
                                intValue(properties, "http.maxUriBytes", http.limits().maxUriBytes()),
                                ConfigNumbers.wholeNumber(properties, "http.headerTimeoutMs", http.limits().headerTimeoutMillis()),
                                intValue(properties, "http.h2.maxConcurrentStreams", http.limits().h2MaxConcurrentStreams()),
                                intValue(properties, "http.h2.maxHeaderTableBytes", http.limits().h2MaxHeaderTableBytes())),
                        tls(properties),
                        properties.getProperty("http.publicUrl", http.publicUrl()),
                        intValue(properties, "http.managementPort", http.managementPort())),
                configuredStatements,
                properties.getProperty("engine.memoryLimit", defaults.engineMemoryLimit()),
                intValue(properties, "engine.threads", defaults.engineThreads()),
                ConfigNumbers.wholeNumber(properties, "spool.quotaBytes", defaults.spoolQuotaBytes()),
                ConfigNumbers.wholeNumber(properties, "spool.pageRows", defaults.spoolPageRows()),
                ConfigNumbers.wholeNumber(properties, "memory.limitBytes", defaults.memoryLimitBytes()),
                ExportSettings.fromProperties(properties),
                duration(properties, "snowflake.syncWaitSeconds", defaults.snowflakeSyncWait()),
                new io.sluice.core.access.AccessControl.Limits(
                        intValue(properties, "limits.principalConcurrent", configuredStatements.maxRunning()),
                        intValue(properties, "limits.principalPerMinute", defaults.principalLimits().statementsPerMinute()),
                        Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, "limits.principalMaxTimeoutSeconds", 0)),
                        ConfigNumbers.wholeNumber(properties, "limits.principalSpoolBytes", defaults.principalLimits().spoolBytes()),
                        new io.sluice.core.access.CrashCoolDown(
                                intValue(properties, "limits.engineCrashesBeforeCoolDown", crashes.crashes()),
                                duration(properties, "limits.engineCrashWindowSeconds", crashes.window()),
                                duration(properties, "limits.engineCoolDownSeconds", crashes.coolDown()))),
                io.sluice.storage.ClusterSettings.fromProperties(properties),
                EngineSettings.fromProperties(properties),
                duration(properties, "trino.clientTimeoutSeconds", defaults.trinoClientTimeout()),
                auditRetention(properties, defaults.auditRetention()));
    }

    private static Duration auditRetention(Properties properties, Duration defaultValue) {
        long days = ConfigNumbers.wholeNumber(properties, "audit.retentionDays", defaultValue.toDays());
        if (days <= 0) {
            throw new IllegalArgumentException("audit.retentionDays must be at least 1, got " + days);
        }
        return Duration.ofDays(days);
    }

    static final java.util.List<String> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of("data.dir", "http.host", "http.port",
            "http.maxRequestBytes", "http.idleTimeoutMs", "http.maxThreads", "http.maxRequestHeaderBytes", "http.maxUriBytes",
            "http.headerTimeoutMs", "http.h2.maxConcurrentStreams", "http.h2.maxHeaderTableBytes", "http.tls.keystore",
            "http.tls.keystorePassword", "http.tls.keyPassword", "http.tls.keystoreType", "http.publicUrl", "http.managementPort", "statements.maxRunning", "statements.maxQueued",
            "statements.defaultTimeoutSeconds", "statements.maxTimeoutSeconds", "statements.retentionSeconds",
            "statements.shutdownGraceSeconds", "statements.streamingHistory", "statements.maxShareWhileOthersWait", "engine.memoryLimit", "engine.threads", "spool.quotaBytes",
            "spool.pageRows", "memory.limitBytes", "snowflake.syncWaitSeconds", "limits.principalConcurrent", "limits.principalPerMinute",
            "limits.principalMaxTimeoutSeconds", "limits.principalSpoolBytes", "limits.engineCrashesBeforeCoolDown",
            "limits.engineCrashWindowSeconds", "limits.engineCoolDownSeconds", "trino.clientTimeoutSeconds", "log.statementLevel",
            "audit.retentionDays"),
            java.util.stream.Stream.of(ExportSettings.KEYS, io.sluice.storage.ClusterSettings.KEYS, EngineSettings.KEYS)
                    .flatMap(java.util.List::stream)).toList();

    /**
     * TLS is on when {@code http.tls.keystore} names a key store. Passwords may also come from the environment
     * (SLUICE_TLS_KEYSTORE_PASSWORD, SLUICE_TLS_KEY_PASSWORD), so they need not sit in a file.
     */
    private static HttpServerConfig.Tls tls(Properties properties) {
        String keystore = properties.getProperty("http.tls.keystore");
        String password = properties.getProperty("http.tls.keystorePassword", System.getenv("SLUICE_TLS_KEYSTORE_PASSWORD"));
        String keyPassword = properties.getProperty("http.tls.keyPassword", System.getenv("SLUICE_TLS_KEY_PASSWORD"));
        String type = properties.getProperty("http.tls.keystoreType", "PKCS12");
        if (keystore == null || keystore.isBlank()) {
            return null;
        }
        if (password == null) {
            throw new IllegalArgumentException("http.tls.keystore needs http.tls.keystorePassword (or SLUICE_TLS_KEYSTORE_PASSWORD)");
        }
        return new HttpServerConfig.Tls(Path.of(keystore.trim()), password, keyPassword, type.trim());
    }

    /** A share between 0 (exclusive) and 1, as a decimal ({@code 0.5}) or a percentage ({@code 50%}). */
    private static double share(Properties properties, String key, double defaultValue) {
        String text = properties.getProperty(key);
        if (text == null) {
            return defaultValue;
        }
        String trimmed = text.trim();
        try {
            double value = trimmed.endsWith("%")
                    ? Double.parseDouble(trimmed.substring(0, trimmed.length() - 1).trim()) / 100
                    : Double.parseDouble(trimmed);
            if (value > 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("configuration key '" + key + "' must be a share above 0 and at most 1 "
                + "(e.g. 0.5 or 50%), got '" + text + "'");
    }

    /** A log level by name (TRACE, DEBUG, INFO, WARN, ERROR; any case). */
    private static org.slf4j.event.Level logLevel(Properties properties, String key, org.slf4j.event.Level defaultValue) {
        String text = properties.getProperty(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return org.slf4j.event.Level.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration key '" + key + "' must be one of TRACE, DEBUG, INFO, WARN, "
                    + "ERROR, got '" + text + "'");
        }
    }

    private static int intValue(Properties properties, String key, int defaultValue) {
        return Math.toIntExact(ConfigNumbers.wholeNumber(properties, key, defaultValue));
    }


    private static Duration duration(Properties properties, String key, Duration defaultValue) {
        return Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, key, defaultValue.toSeconds()));
    }
}
