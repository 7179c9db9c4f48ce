package io.sluice.protocol.ncp;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History, results and signing keys survive a restart of Sluice on the same data directory. */
class NcpHistoryRestartTest {

    @TempDir
    Path data;

    @Test
    void historyAndResultsOutliveARestart() {
        String id;
        try (SluiceTestServer first = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            NcpClient ncp = new NcpClient(first, SluiceTestServer.ADMIN_KEY);
            id = json(ncp.post("/api/v2/queries", body("query", "SELECT 42 AS answer", "projectId", 9,
                    "isReuse", true, "reuseMaxAge", 10))).get("id").asText();
        }
        try (SluiceTestServer second = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            NcpClient ncp = new NcpClient(second, SluiceTestServer.ADMIN_KEY);
            JsonNode history = json(ncp.get("/api/v2/queries"));
            JsonNode entry = history.get("queryList").get(0);
            assertThat(entry.get("id").asText()).isEqualTo(id);
            assertThat(entry.get("projectId").asLong()).isEqualTo(9);
            assertThat(entry.get("isReuse").asBoolean()).isTrue();
            assertThat(entry.get("status").asText()).isEqualTo("FINISHED");
            assertThat(json(ncp.get("/api/v2/queries/" + id)).get("data").toString()).isEqualTo("[[42]]");
        }
    }
}
