package io.sluice.protocol.ksql;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.NodeClientSuite;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real npm client, {@code ksqldb-client} 1.0.5 (locked in src/test/npm/ksqldb/package-lock.json), driven
 * through its public API against a Sluice started here: each scenario in src/test/npm/ksqldb/scenarios.mjs is one
 * test (see {@link NodeClientSuite}).
 */
class KsqldbClientConformanceTest {

    private static final NodeClientSuite SUITE = new NodeClientSuite(Path.of("src", "test", "npm", "ksqldb"), "ksqldb-client");
    /** Small enough that the oversized-body scenario sends little, large enough for every other request. */
    private static final long MAX_REQUEST_BYTES = 256 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        sluice = new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), MAX_REQUEST_BYTES,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), false);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> ksqldbClientScenarios() throws Exception {
        return SUITE.scenarios(Map.of(
                "SLUICE_PORT", Integer.toString(sluice.server.port()),
                "SLUICE_KEY", SluiceTestServer.ADMIN_KEY,
                "SLUICE_MAX_REQUEST_BYTES", Long.toString(MAX_REQUEST_BYTES)), 15);
    }
}
