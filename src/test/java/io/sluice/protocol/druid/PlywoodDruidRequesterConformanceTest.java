package io.sluice.protocol.druid;

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
 * The real npm client {@code plywood-druid-requester} 3.0.2 (locked in src/test/npm/plywood/package-lock.json), the
 * requester plywood, Turnilo and Pivot reach Druid with, driven through its public API against a Sluice with the
 * demo data started here: each scenario in src/test/npm/plywood/scenarios.mjs is one test.
 */
class PlywoodDruidRequesterConformanceTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String readerKey;

    @BeforeAll
    static void start() {
        sluice = DruidToolkitConformanceTest.smallBodies(data);
        readerKey = DruidToolkitConformanceTest.userGrantedWikipedia(sluice);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> plywoodDruidRequesterScenarios() throws Exception {
        return new NodeClientSuite(Path.of("src", "test", "npm", "plywood"), "plywood-druid-requester")
                .scenarios(Map.of("SLUICE_PORT", Integer.toString(sluice.server.port()), "SLUICE_KEY", SluiceTestServer.ADMIN_KEY,
                        "SLUICE_READER_KEY", readerKey, "SLUICE_MAX_REQUEST_BYTES",
                        Long.toString(DruidToolkitConformanceTest.MAX_REQUEST_BYTES)), 15);
    }
}
