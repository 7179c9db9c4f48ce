package io.sluice.storage.s3;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.spool.SharedResultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The cluster's spooled results in an S3 bucket: {@code <prefix><resultId>/<file>}, one object per page file
 * and one for the manifest. Files stream from and to disk, so memory does not grow with page size. The
 * ordering that makes results appear whole (manifest last) is the spool's; S3 gives read-after-write
 * consistency for new objects, which is what a reader on another node relies on.
 */
public final class S3ResultStore implements SharedResultStore, AutoCloseable {

    private final S3Config config;
    private final String prefix;
    private final S3Client client;

    /** Results under {@code prefix} (e.g. {@code sluice-spool/}) in the bucket of {@code config}. */
    public S3ResultStore(S3Config config, String prefix) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.bucket() == null || config.bucket().isBlank()) {
            throw new IllegalArgumentException("export.s3.bucket is required in cluster mode (spooled results live there)");
        }
        String trimmed = prefix == null ? "" : prefix.trim().replaceAll("^/+", "");
        this.prefix = trimmed.isEmpty() || trimmed.endsWith("/") ? trimmed : trimmed + "/";
        this.client = S3Clients.client(config);
    }

    private String key(String resultId, String fileName) {
        return prefix + resultId + "/" + fileName;
    }

    @Override
    public void upload(String resultId, String fileName, Path source) {
        try {
            client.putObject(b -> b.bucket(config.bucket()).key(key(resultId, fileName))
                    .contentType("application/octet-stream"), RequestBody.fromFile(source));
        } catch (SdkException e) {
            throw unavailable("could not store " + fileName + " of result " + resultId, e);
        }
    }

    @Override
    public boolean download(String resultId, String fileName, Path target) {
        try {
            Files.deleteIfExists(target);
            client.getObject(b -> b.bucket(config.bucket()).key(key(resultId, fileName)), ResponseTransformer.toFile(target));
            return true;
        } catch (NoSuchKeyException absent) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw unavailable("could not read " + fileName + " of result " + resultId, e);
        } catch (SdkException e) {
            throw unavailable("could not read " + fileName + " of result " + resultId, e);
        } catch (java.io.IOException e) {
            throw new SluiceException(SluiceError.of(ErrorCode.INTERNAL_ERROR, "could not write " + target), e);
        }
    }

    @Override
    public void delete(String resultId) {
        try {
            List<ObjectIdentifier> objects = client.listObjectsV2Paginator(b -> b.bucket(config.bucket())
                    .prefix(prefix + resultId + "/")).contents().stream()
                    .map(S3Object::key).map(key -> ObjectIdentifier.builder().key(key).build()).toList();
            // The manifest first: the result stops being readable before its pages go.
            for (ObjectIdentifier object : objects.stream()
                    .sorted((a, b) -> Boolean.compare(!a.key().endsWith("/manifest.properties"),
                            !b.key().endsWith("/manifest.properties"))).toList()) {
                client.deleteObject(b -> b.bucket(config.bucket()).key(object.key()));
            }
        } catch (SdkException e) {
            throw unavailable("could not delete result " + resultId, e);
        }
    }

    /**
     * Why results cannot be kept in the bucket now (it does not exist, access is denied, S3 does not answer), or
     * empty when it answers a HEAD request: asked for readiness, so a node without its bucket is not ready.
     */
    public java.util.Optional<String> bucketProblem() {
        String where = "S3 bucket " + config.bucket() + (config.endpoint().isEmpty() ? "" : " at " + config.endpoint());
        try {
            client.headBucket(b -> b.bucket(config.bucket()));
            return java.util.Optional.empty();
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return java.util.Optional.of(where + switch (e.statusCode()) {
                case 404 -> " does not exist";
                case 403 -> " refuses this node's credentials (403)";
                default -> " answered " + e.statusCode();
            });
        } catch (SdkException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return java.util.Optional.of(where + " cannot be reached: " + message);
        }
    }

    private SluiceException unavailable(String what, SdkException e) {
        String message = e.getMessage() == null ? "unknown error" : e.getMessage().lines().findFirst().orElse("");
        return new SluiceException(SluiceError.of(ErrorCode.STORAGE_UNAVAILABLE, "The shared result store (S3 bucket "
                + config.bucket() + ") failed: " + what + ": " + message), e);
    }

    @Override
    public void close() {
        client.close();
    }
}
