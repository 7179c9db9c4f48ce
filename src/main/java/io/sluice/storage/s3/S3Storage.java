package io.sluice.storage.s3;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.ExportStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Exported files in an S3-compatible bucket, written with multipart uploads (one part per
 * {@link S3Config#partSizeBytes()} of data, held in memory one part at a time; a file smaller than one
 * part is a single PUT). An object exists only once its upload completes, so a failed export leaves no
 * object behind (its multipart upload is aborted). Links are SigV4 presigned GETs.
 */
public final class S3Storage implements ExportStorage {

    private static final Duration MAX_TTL = Duration.ofDays(7);

    private final S3Config config;
    private final S3Client client;
    private final S3Presigner presigner;

    public S3Storage(S3Config config) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.bucket() == null || config.bucket().isBlank()) {
            throw new IllegalArgumentException("export.s3.bucket is required when export.store=s3");
        }
        this.client = S3Clients.client(config);
        var presignerBuilder = S3Presigner.builder().region(Region.of(config.region()))
                .credentialsProvider(S3Clients.credentials(config)).serviceConfiguration(S3Clients.service(config));
        if (!config.endpoint().isEmpty()) {
            presignerBuilder.endpointOverride(URI.create(config.endpoint()));
        }
        this.presigner = presignerBuilder.build();
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Duration maxLinkTtl() {
        return MAX_TTL;
    }

    private String objectKey(String key) {
        return config.prefix() + key;
    }

    @Override
    public Upload create(String key, String contentType) {
        return new MultipartUpload(objectKey(key), contentType);
    }

    /** Buffers one part; the multipart upload starts when the first part is full. */
    private final class MultipartUpload extends OutputStream implements Upload {
        private final String key;
        private final String contentType;
        private final byte[] buffer;
        private int filled;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private boolean done;

        MultipartUpload(String key, String contentType) {
            this.key = key;
            this.contentType = contentType;
            this.buffer = new byte[Math.toIntExact(config.partSizeBytes())];
        }

        @Override
        public OutputStream stream() {
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (done) {
                throw new IOException("upload of " + key + " already ended");
            }
            while (length > 0) {
                int copy = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, copy);
                filled += copy;
                offset += copy;
                length -= copy;
                if (filled == buffer.length) {
                    try {
                        uploadPart();
                    } catch (SdkException e) {
                        throw new IOException("S3 part upload failed: " + e.getMessage(), e);
                    }
                }
            }
        }

        private void uploadPart() {
            if (uploadId == null) {
                uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key).contentType(contentType))
                        .uploadId();
            }
            int number = parts.size() + 1;
            String etag = client.uploadPart(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(number)
                    .contentLength((long) filled), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled))).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        }

        @Override
        public void commit() {
            try {
                if (uploadId == null) {
                    client.putObject(b -> b.bucket(config.bucket()).key(key).contentType(contentType)
                            .contentLength((long) filled), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled)));
                } else {
                    if (filled > 0) {
                        uploadPart();
                    }
                    client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                }
                done = true;
            } catch (SdkException e) {
                abort();
                throw unavailable(e);
            }
        }

        @Override
        public void abort() {
            done = true;
            if (uploadId != null) {
                try {
                    client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // the bucket's lifecycle rule for incomplete uploads is the last resort
                }
                uploadId = null;
            }
        }

        @Override
        public void close() {
            // Closing the stream neither commits nor aborts.
        }
    }

    @Override
    public URI link(String key, Duration ttl) {
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("S3 presigned links last at most 7 days");
        }
        try {
            return presigner.presignGetObject(b -> b.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(config.bucket()).key(objectKey(key)))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        try {
            List<StoredObject> objects = new ArrayList<>();
            for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(config.bucket())
                    .prefix(objectKey(prefix))).contents()) {
                objects.add(new StoredObject(object.key().substring(config.prefix().length()), object.size(),
                        object.lastModified()));
            }
            return objects;
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            client.deleteObject(b -> b.bucket(config.bucket()).key(objectKey(key)));
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private SluiceException unavailable(SdkException e) {
        return new SluiceException(SluiceError.of(ErrorCode.STORAGE_UNAVAILABLE, "the S3 export store (bucket "
                + config.bucket() + ") failed: " + firstLine(e.getMessage())), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }
}
