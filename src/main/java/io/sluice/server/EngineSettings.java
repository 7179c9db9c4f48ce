package io.sluice.server;

import io.sluice.engine.trino.TrinoConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import io.sluice.core.io.ConfigNumbers;
import java.util.Properties;

/**
 * Which engines serve which catalogs. The embedded DuckDB always runs and serves every catalog not named here;
 * {@code engines.trino.url} adds a Trino cluster for the catalogs in {@code engines.trino.catalogs}.
 *
 * @param trino the Trino engine's settings, empty when no Trino is configured
 * @param isolation where DuckDB runs: a supervised process of its own by default
 */
public record EngineSettings(Optional<TrinoConfig> trino, EngineIsolation isolation) {

    static final List<String> KEYS = List.of("engines.trino.url", "engines.trino.catalogs", "engines.trino.user",
            "engines.trino.batchRows", "engines.trino.batchBytes", "engines.trino.requestTimeoutSeconds",
            "engine.isolation", "engine.cancelGraceMs", "engine.startTimeoutMs", "engine.cgroups", "engine.warmSpare");

    public static EngineSettings defaults() {
        return new EngineSettings(Optional.empty(), EngineIsolation.defaults());
    }

    public EngineSettings withIsolation(EngineIsolation settings) {
        return new EngineSettings(trino, settings);
    }

    public static EngineSettings trino(TrinoConfig config) {
        return new EngineSettings(Optional.of(config), EngineIsolation.defaults());
    }

    static EngineSettings fromProperties(Properties properties) {
        String url = properties.getProperty("engines.trino.url", "").trim();
        List<String> catalogs = Arrays.stream(properties.getProperty("engines.trino.catalogs", "").split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        if (url.isEmpty()) {
            if (!catalogs.isEmpty()) {
                throw new IllegalArgumentException("engines.trino.catalogs is set but engines.trino.url is not");
            }
            return defaults().withIsolation(EngineIsolation.fromProperties(properties));
        }
        if (catalogs.isEmpty()) {
            throw new IllegalArgumentException("engines.trino.url is set but engines.trino.catalogs names no catalog");
        }
        return new EngineSettings(Optional.of(new TrinoConfig(url, catalogs, properties.getProperty("engines.trino.user", "sluice").trim(),
                Math.toIntExact(ConfigNumbers.wholeNumber(properties, "engines.trino.batchRows", TrinoConfig.DEFAULT_BATCH_ROWS)),
                ConfigNumbers.wholeNumber(properties, "engines.trino.batchBytes", TrinoConfig.DEFAULT_BATCH_BYTES), Duration.ofSeconds(5),
                Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, "engines.trino.requestTimeoutSeconds",
                        TrinoConfig.DEFAULT_REQUEST_TIMEOUT.toSeconds())))), EngineIsolation.fromProperties(properties));
    }
}
