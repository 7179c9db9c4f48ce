package io.sluice.storage;

import io.sluice.core.export.ExportConfig;
import io.sluice.core.export.ExportStorage;
import io.sluice.storage.local.LocalStorage;
import io.sluice.storage.s3.S3Config;
import io.sluice.storage.s3.S3Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import io.sluice.core.io.ConfigNumbers;
import java.util.Properties;

/**
 * The export configuration as the server reads it: which store ({@code local} or {@code s3}), the
 * store-independent rules, and each store's settings. Keys are listed in {@link #KEYS} and the README.
 */
public record ExportSettings(String store, ExportConfig export, String localPublicUrl, S3Config s3) {

    public static final List<String> KEYS = List.of("export.store", "export.retentionSeconds",
            "export.quotaBytesPerUser", "export.splitBytes", "export.linkTtlSeconds", "export.local.publicUrl",
            "export.s3.bucket", "export.s3.prefix", "export.s3.region", "export.s3.endpoint", "export.s3.accessKey",
            "export.s3.secretKey", "export.s3.pathStyle", "export.s3.partSizeBytes");

    public ExportSettings {
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(s3, "s3");
        store = store == null ? "local" : store.trim().toLowerCase(Locale.ROOT);
        if (!store.equals("local") && !store.equals("s3")) {
            throw new IllegalArgumentException("export.store must be 'local' or 's3', got '" + store + "'");
        }
        localPublicUrl = localPublicUrl == null ? "" : localPublicUrl.trim();
    }

    public static ExportSettings defaults() {
        return new ExportSettings("local", ExportConfig.defaults(), "", S3Config.defaults());
    }

    public ExportSettings withExport(ExportConfig config) {
        return new ExportSettings(store, config, localPublicUrl, s3);
    }

    public ExportSettings withS3(S3Config config) {
        return new ExportSettings("s3", export, localPublicUrl, config);
    }

    /** Reads the export.* keys over the defaults. */
    public static ExportSettings fromProperties(Properties properties) {
        ExportSettings defaults = defaults();
        ExportConfig export = defaults.export();
        S3Config s3 = defaults.s3();
        return new ExportSettings(
                properties.getProperty("export.store", defaults.store()),
                new ExportConfig(
                        Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, "export.retentionSeconds", export.retention().toSeconds())),
                        ConfigNumbers.wholeNumber(properties, "export.quotaBytesPerUser", export.quotaBytesPerPrincipal()),
                        ConfigNumbers.wholeNumber(properties, "export.splitBytes", export.splitBytes()),
                        Duration.ofSeconds(ConfigNumbers.wholeNumber(properties, "export.linkTtlSeconds", export.linkTtl().toSeconds()))),
                properties.getProperty("export.local.publicUrl", defaults.localPublicUrl()),
                new S3Config(
                        properties.getProperty("export.s3.bucket", s3.bucket()),
                        properties.getProperty("export.s3.prefix", s3.prefix()),
                        properties.getProperty("export.s3.region", s3.region()),
                        properties.getProperty("export.s3.endpoint", s3.endpoint()),
                        properties.getProperty("export.s3.accessKey", s3.accessKey()),
                        properties.getProperty("export.s3.secretKey", s3.secretKey()),
                        Boolean.parseBoolean(properties.getProperty("export.s3.pathStyle", String.valueOf(s3.pathStyle()))),
                        ConfigNumbers.wholeNumber(properties, "export.s3.partSizeBytes", s3.partSizeBytes())));
    }

    /** Opens the configured store; local files go under {@code dataDirectory/exports}. */
    public ExportStorage openStorage(Path dataDirectory, Clock clock) {
        return store.equals("s3") ? new S3Storage(s3) : new LocalStorage(dataDirectory.resolve("exports"), localPublicUrl, clock);
    }
}
