package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each audit record says where the statement came from and how many bytes went back, in the file and in sluice.audit. */
@Tag("security")
class AuditTrafficTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aStreamedStatementIsAuditedWithTheClientAddressAndTheBytesItSent() throws Exception {
        HttpResponse<String> response = sluice.post("/sluice/v1/query?format=csv",
                "{\"sql\": \"SELECT n, 'row ' || n AS label FROM range(5000) t(n)\"}", sluice.otherUserKey);
        assertThat(response.statusCode()).isEqualTo(200);
        long bodyBytes = response.body().getBytes(StandardCharsets.UTF_8).length;
        JsonNode record = awaitRecord("row ' || n AS label");
        assertThat(record.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(record.get("bytesSent").asLong()).isEqualTo(bodyBytes);
        assertThat(record.get("principal").asText()).isEqualTo("bob");

        // The same in the admin-only table, once its writer (one insert a second) caught up.
        JsonNode row = null;
        for (int attempt = 0; attempt < 150 && row == null; attempt++) {
            HttpResponse<String> rows = sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT remote_address, bytes_sent FROM sluice.audit"
                    + " WHERE statement_id = '" + record.get("statementId").asText() + "'\"}");
            JsonNode found = json(rows);
            row = found.isEmpty() ? null : found.get(0);
            if (row == null) {
                Thread.sleep(100);
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("remote_address").asText()).isEqualTo("127.0.0.1");
        assertThat(row.get("bytes_sent").asLong()).isEqualTo(bodyBytes);
    }

    @Test
    void otherProtocolsAuditTheirClientToo() throws Exception {
        HttpResponse<String> response = sluice.post("/druid/v2/sql", "{\"query\": \"SELECT 'druid-audit' AS marker\"}", sluice.otherUserKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode record = awaitRecord("druid-audit");
        assertThat(record.get("protocol").asText()).isEqualTo("druid");
        assertThat(record.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(record.get("bytesSent").asLong()).isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
    }

    /** The audit file's record of the statement whose SQL contains {@code marker}, once the writer wrote it. */
    private static JsonNode awaitRecord(String marker) throws IOException, InterruptedException {
        Path file = data.resolve("audit").resolve("audit.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(file)) {
                Optional<String> line = Files.readAllLines(file).stream().filter(text -> text.contains(marker)).findFirst();
                if (line.isPresent()) {
                    return SluiceTestServer.JSON.readTree(line.get());
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no audit record for " + marker);
    }
}
