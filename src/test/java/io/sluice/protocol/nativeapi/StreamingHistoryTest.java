package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.statement.StatementConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished streaming statements are listed up to a cap, oldest forgotten first, so memory stays bounded. */
class StreamingHistoryTest {

    @TempDir
    Path data;

    @Test
    void onlyTheNewestStreamingStatementsStayListed() {
        StatementConfig defaults = StatementConfig.defaults();
        StatementConfig capped = new StatementConfig(defaults.maxRunning(), defaults.maxQueued(), defaults.defaultTimeout(),
                defaults.maxTimeout(), defaults.retention(), defaults.shutdownGrace(), 5);
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data).withStatements(capped), false)) {
            String spooled = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT 0 AS kept", "waitMs", 5_000))).get("id").asText();
            List<String> streamed = new ArrayList<>();
            for (int index = 0; index < 20; index++) {
                streamed.add(sluice.post("/sluice/v1/query", body("sql", "SELECT " + index)).headers()
                        .firstValue("X-Sluice-Statement-Id").orElseThrow());
            }
            List<String> listed = new ArrayList<>();
            for (JsonNode statement : json(sluice.get("/sluice/v1/statements?limit=1000")).get("statements")) {
                listed.add(statement.get("id").asText());
            }
            assertThat(listed).contains(spooled).containsAll(streamed.subList(15, 20)).doesNotContainAnyElementsOf(streamed.subList(0, 15));
            assertThat(sluice.get("/sluice/v1/statements/" + streamed.get(0)).statusCode()).isEqualTo(404);
        }
    }
}
