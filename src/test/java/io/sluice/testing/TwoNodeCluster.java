package io.sluice.testing;

import io.sluice.server.SluiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Two Sluice nodes, {@link #a} and {@link #b}, sharing a fresh database of the test PostgreSQL and one s3proxy
 * bucket, with a three-second lease: what the cluster tests run against. Closing stops both nodes, then S3.
 */
public final class TwoNodeCluster implements AutoCloseable {

    public final String database;
    public final S3TestServer s3;
    public final SluiceTestServer a;
    public final SluiceTestServer b;

    private TwoNodeCluster(String database, S3TestServer s3, SluiceTestServer a, SluiceTestServer b) {
        this.database = database;
        this.s3 = s3;
        this.a = a;
        this.b = b;
    }

    /** {@code databaseName} names the PostgreSQL database; {@code tweak} adjusts each node's configuration. */
    public static TwoNodeCluster start(String databaseName, Path directory, UnaryOperator<SluiceConfig> tweak)
            throws Exception {
        String database = PostgresTestServer.shared().createDatabase(databaseName);
        S3TestServer s3 = new S3TestServer(directory.resolve("s3"));
        ClusterTestNodes nodes = new ClusterTestNodes(database, s3, directory, Duration.ofSeconds(3));
        SluiceTestServer a = null;
        try {
            a = new SluiceTestServer(tweak.apply(nodes.config("a")), false);
            return new TwoNodeCluster(database, s3, a, new SluiceTestServer(tweak.apply(nodes.config("b")), false));
        } catch (Exception e) {
            if (a != null) {
                a.close();
            }
            s3.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            a.close();
            b.close();
        } finally {
            s3.close();
        }
    }
}
