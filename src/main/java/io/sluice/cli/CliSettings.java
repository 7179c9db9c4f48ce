package io.sluice.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the client connects and with which key: a flag wins over the environment ({@code SLUICE_URL},
 * {@code SLUICE_API_KEY}), which wins over the config file ({@code ~/.sluice/config}, properties with
 * {@code url=} and {@code key=}), which wins over the default URL {@code http://localhost:8080}.
 */
record CliSettings(String url, String key) {

    static final String DEFAULT_URL = "http://localhost:8080";

    static CliSettings resolve(String urlFlag, String keyFlag, Path configFile, Map<String, String> environment) {
        Properties file = read(configFile);
        String url = first(urlFlag, environment.get("SLUICE_URL"), file.getProperty("url")).orElse(DEFAULT_URL);
        String key = first(keyFlag, environment.get("SLUICE_API_KEY"), file.getProperty("key")).orElse(null);
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return new CliSettings(url, key);
    }

    static Path defaultConfigFile(Path home) {
        return home.resolve(".sluice").resolve("config");
    }

    private static Optional<String> first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return Optional.of(candidate.trim());
            }
        }
        return Optional.empty();
    }

    private static Properties read(Path configFile) {
        Properties properties = new Properties();
        if (configFile != null && Files.isRegularFile(configFile)) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + configFile, e);
            }
        }
        return properties;
    }
}
