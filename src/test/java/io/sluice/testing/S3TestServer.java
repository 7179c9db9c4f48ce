package io.sluice.testing;

import io.sluice.storage.s3.S3Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3-compatible server (s3proxy over a directory) with one bucket, on a free port. */
public final class S3TestServer implements AutoCloseable {

    public static final String IDENTITY = "sluice-test";
    public static final String CREDENTIAL = "sluice-test-secret-0123456789";
    public static final String BUCKET = "sluice";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    public S3TestServer(Path directory) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", Files.createDirectories(directory).toString());
        context = ContextBuilder.newBuilder("filesystem").credentials(IDENTITY, CREDENTIAL)
                .overrides(properties).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(20);
        }
    }

    public S3Config config(String prefix) {
        return new S3Config(BUCKET, prefix, "us-east-1", "http://127.0.0.1:" + proxy.getPort(), IDENTITY, CREDENTIAL,
                true, S3Config.MIN_PART_SIZE);
    }

    /** Keys of every object in the bucket under {@code prefix}. */
    public java.util.List<String> keys(String prefix) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (var entry : context.getBlobStore().list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder
                .prefix(prefix).recursive())) {
            keys.add(entry.getName());
        }
        return keys;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
