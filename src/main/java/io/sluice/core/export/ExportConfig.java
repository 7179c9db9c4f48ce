package io.sluice.core.export;

import java.time.Duration;
import java.util.Objects;

/**
 * How exports behave whatever the store.
 *
 * @param retention how long exported files are kept before they are deleted
 * @param quotaBytesPerPrincipal the most bytes of exported files one principal may hold at once
 * @param splitBytes default largest file (uncompressed Arrow bytes of its rows) before a new file starts
 * @param linkTtl how long download links stay valid
 */
public record ExportConfig(Duration retention, long quotaBytesPerPrincipal, long splitBytes, Duration linkTtl) {

    public ExportConfig {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(linkTtl, "linkTtl");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("export retention must be positive");
        }
        if (quotaBytesPerPrincipal <= 0 || splitBytes <= 0) {
            throw new IllegalArgumentException("export quota and split size must be positive");
        }
        if (linkTtl.isNegative() || linkTtl.isZero() || linkTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("export link lifetime must be between 1 second and 7 days");
        }
    }

    /** 24 h retention, 10 GiB per principal, 256 MiB files, 1 h links. */
    public static ExportConfig defaults() {
        return new ExportConfig(Duration.ofHours(24), 10L * 1024 * 1024 * 1024, 256L * 1024 * 1024, Duration.ofHours(1));
    }
}
