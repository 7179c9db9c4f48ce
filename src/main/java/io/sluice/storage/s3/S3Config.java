package io.sluice.storage.s3;

import java.util.Objects;

/**
 * Where and how to reach an S3-compatible store.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:9000}; empty for AWS's own endpoint of the region
 * @param accessKey empty to use the AWS default credential chain (environment, profile, instance role)
 * @param pathStyle true for {@code endpoint/bucket/key} addressing (MinIO, s3proxy, Ceph), false for
 *     virtual-hosted {@code bucket.endpoint/key}
 * @param partSizeBytes multipart part size (S3's minimum is 5 MiB for every part but the last)
 */
public record S3Config(String bucket, String prefix, String region, String endpoint, String accessKey,
                       String secretKey, boolean pathStyle, long partSizeBytes) {

    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    public S3Config {
        Objects.requireNonNull(region, "region");
        prefix = normalisePrefix(prefix);
        endpoint = endpoint == null ? "" : endpoint.trim();
        accessKey = accessKey == null ? "" : accessKey;
        secretKey = secretKey == null ? "" : secretKey;
        if (partSizeBytes < MIN_PART_SIZE) {
            throw new IllegalArgumentException("export.s3.partSizeBytes must be at least " + MIN_PART_SIZE);
        }
    }

    public static S3Config defaults() {
        return new S3Config("", "sluice-exports/", "us-east-1", "", "", "", false, 8L * 1024 * 1024);
    }

    private static String normalisePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return "";
        }
        String trimmed = prefix.trim().replaceAll("^/+", "");
        return trimmed.endsWith("/") ? trimmed : trimmed + "/";
    }
}
