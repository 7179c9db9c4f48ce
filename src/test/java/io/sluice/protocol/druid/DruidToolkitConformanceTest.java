package io.sluice.protocol.druid;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.NodeClientSuite;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real npm client {@code @druid-toolkit/query} 0.22.24 (locked in src/test/npm/druid-toolkit/package-lock.json),
 * driven through its public API against a Sluice with the demo data started here: each scenario in
 * src/test/npm/druid-toolkit/scenarios.mjs is one test. A user granted only {@code wikipedia} checks what Druid's
 * INFORMATION_SCHEMA shows someone who is not an admin.
 */
class DruidToolkitConformanceTest {

    /** Small enough that the oversized-body scenario sends little, large enough for every other request. */
    static final long MAX_REQUEST_BYTES = 256 * 1024;

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String readerKey;

    @BeforeAll
    static void start() {
        sluice = smallBodies(data);
        readerKey = userGrantedWikipedia(sluice);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> druidToolkitScenarios() throws Exception {
        return new NodeClientSuite(Path.of("src", "test", "npm", "druid-toolkit"), "@druid-toolkit/query")
                .scenarios(Map.of("SLUICE_PORT", Integer.toString(sluice.server.port()), "SLUICE_KEY", SluiceTestServer.ADMIN_KEY,
                        "SLUICE_READER_KEY", readerKey, "SLUICE_MAX_REQUEST_BYTES", Long.toString(MAX_REQUEST_BYTES)), 15);
    }

    /** A Sluice with the demo data and a request body limit of {@link #MAX_REQUEST_BYTES}. */
    static SluiceTestServer smallBodies(Path data) {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        HttpServerConfig http = defaults.http();
        return new SluiceTestServer(defaults.withHttp(new HttpServerConfig(http.host(), http.port(), MAX_REQUEST_BYTES,
                http.idleTimeoutMillis(), http.maxThreads(), http.limits(), http.tls())), true);
    }

    /** The key of a new user whose one grant is SELECT on wikipedia. */
    static String userGrantedWikipedia(SluiceTestServer sluice) {
        for (String sql : new String[] {"CREATE USER wiki_reader", "CREATE ROLE wiki_readers",
                "GRANT ROLE wiki_readers TO USER wiki_reader", "GRANT SELECT ON TABLE wikipedia TO ROLE wiki_readers"}) {
            HttpResponse<String> response = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", sql));
            assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
        }
        HttpResponse<String> key = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "CREATE API KEY FOR USER wiki_reader"));
        return SluiceTestServer.json(key).get(0).get("api_key").asText();
    }
}
