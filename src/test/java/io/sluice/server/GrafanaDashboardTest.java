package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric docs/grafana-dashboard.json queries is one a running Sluice exposes on /metrics. */
class GrafanaDashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:sluice|http_server|jvm)_[a-z0-9_]+)");

    @TempDir
    Path data;

    @Test
    void everyMetricTheDashboardQueriesExists() throws Exception {
        JsonNode dashboard = SluiceTestServer.JSON.readTree(Files.readString(Path.of("docs/grafana-dashboard.json")));
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets")).as("panel %s has queries", panel.get("title")).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                Matcher names = METRIC.matcher(target.get("expr").asText());
                while (names.find()) {
                    queried.add(names.group(1));
                }
            }
        }
        assertThat(queried).contains("http_server_requests_seconds_count", "sluice_statement_duration_seconds_bucket");

        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            // Counters and histograms appear once something was counted.
            assertThat(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", "SELECT 1", "waitMs", 5_000))
                    .statusCode()).isEqualTo(200);
            Set<String> exposed = sluice.get("/metrics").body().lines().filter(line -> !line.startsWith("#"))
                    .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
            assertThat(exposed).containsAll(queried);
        }
    }
}
