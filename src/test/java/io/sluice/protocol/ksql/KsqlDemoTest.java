package io.sluice.protocol.ksql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's riderLocations stream gets a new location every second, as the ksqlDB quickstart shows. */
class KsqlDemoTest {

    @TempDir
    Path data;

    @Test
    void theQuickstartPushQueryShowsLiveRiderLocations() throws Exception {
        try (SluiceTestServer sluice = SluiceTestServer.start(data)) {
            KsqlClient ksql = new KsqlClient(sluice);
            try (KsqlClient.Stream stream = ksql.query("SELECT * FROM riderLocations EMIT CHANGES LIMIT 2;", "latest")) {
                assertThat(stream.next()).contains("\"schema\":\"`PROFILEID` STRING, `LATITUDE` DOUBLE, `LONGITUDE` DOUBLE\"");
                assertThat(stream.next()).matches("\\{\"row\":\\{\"columns\":\\[\"[0-9a-f]{8}\",37\\.[0-9]+,-122\\.[0-9]+]}},");
                assertThat(stream.next()).startsWith("{\"row\"");
                assertThat(stream.next()).isEqualTo("{\"finalMessage\":\"Limit Reached\"}]");
            }
        }
    }
}
