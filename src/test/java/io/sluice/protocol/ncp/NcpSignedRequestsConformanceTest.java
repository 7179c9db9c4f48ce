package io.sluice.protocol.ncp;

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
 * Sluice's NCP Data Query API driven by requests signed with an implementation of NCP API Gateway signature v2 of
 * its own (src/test/npm/ncp/signer.mjs, node:crypto, written from the reference text), so that Sluice's verifier is
 * checked against the scheme rather than against Sluice's signer: each scenario in src/test/npm/ncp/scenarios.mjs is
 * one test, against a Sluice with the demo data started here.
 */
class NcpSignedRequestsConformanceTest {

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
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), true);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> signedRequestScenarios() throws Exception {
        return new NodeClientSuite(Path.of("src", "test", "npm", "ncp"), "NCP signature v2")
                .scenarios(Map.of("SLUICE_PORT", Integer.toString(sluice.server.port()), "SLUICE_KEY", SluiceTestServer.ADMIN_KEY,
                        "SLUICE_MAX_REQUEST_BYTES", Long.toString(MAX_REQUEST_BYTES)), 11);
    }
}
