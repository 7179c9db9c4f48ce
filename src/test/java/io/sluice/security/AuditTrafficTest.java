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
                    + " WHERE event = 'STATEMENT' AND statement_id = '" + record.get("statementId").asText() + "'\"}");
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

    /**
     * Pages read after the statement ran are audited too: one RESULT_READ record per read with the reader, the
     * statement id, the page, the rows and every byte of the response that carried them, in every protocol.
     */
    @Test
    void laterReadsOfPagesAreAuditedOnePerRead() throws Exception {
        // 25,000 rows in pages of 10,000: three pages.
        String sql = "SELECT n, 'paged-read ' || n AS label FROM range(25000) t(n)";
        JsonNode submitted = json(sluice.post("/sluice/v1/statements", SluiceTestServer.body("sql", sql, "waitMs", 30_000),
                sluice.otherUserKey));
        assertThat(submitted.get("state").asText()).as(submitted.toString()).isEqualTo("SUCCEEDED");
        String id = submitted.get("id").asText();

        HttpResponse<String> page1 = sluice.get("/sluice/v1/statements/" + id + "/results?page=1&format=csv", sluice.otherUserKey);
        assertThat(page1.statusCode()).isEqualTo(200);
        JsonNode read = awaitRead(id, "native", 1);
        assertThat(read.get("principal").asText()).isEqualTo("bob");
        assertThat(read.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(read.get("rows").asLong()).isEqualTo(10_000);
        assertThat(read.get("bytesSent").asLong()).isEqualTo(page1.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(read.get("outcome").asText()).isEqualTo("READ");

        // The same statement read through Snowflake's partitions (a page each) …
        String handle = json(sluice.post("/api/v2/statements", SluiceTestServer.body("statement", sql), sluice.otherUserKey))
                .get("statementHandle").asText();
        HttpResponse<String> partition = sluice.get("/api/v2/statements/" + handle + "?partition=2", sluice.otherUserKey);
        assertThat(partition.statusCode()).as(partition.body()).isEqualTo(200);
        JsonNode snowflake = awaitRead(null, "snowflake", 2);
        assertThat(snowflake.get("rows").asLong()).isEqualTo(5_000);
        assertThat(snowflake.get("bytesSent").asLong()).isEqualTo(partition.body().getBytes(StandardCharsets.UTF_8).length);

        // … and Druid's durable-storage pages.
        String queryId = json(sluice.post("/druid/v2/sql/statements", SluiceTestServer.body("query", sql,
                "context", java.util.Map.of("executionMode", "ASYNC", "selectDestination", "durableStorage")), sluice.otherUserKey))
                .get("queryId").asText();
        for (int attempt = 0; attempt < 300; attempt++) {
            if (json(sluice.get("/druid/v2/sql/statements/" + queryId, sluice.otherUserKey)).get("state").asText().equals("SUCCESS")) {
                break;
            }
            Thread.sleep(100);
        }
        HttpResponse<String> druidPage = sluice.get("/druid/v2/sql/statements/" + queryId + "/results?page=0", sluice.otherUserKey);
        assertThat(druidPage.statusCode()).as(druidPage.body()).isEqualTo(200);
        JsonNode druid = awaitRead(queryId.substring("query-".length()), "druid", 0);
        assertThat(druid.get("rows").asLong()).isEqualTo(10_000);
        assertThat(druid.get("bytesSent").asLong()).isEqualTo(druidPage.body().getBytes(StandardCharsets.UTF_8).length);

        // … and NCP's offset reads (a row range: no page), once the query finished.
        String execution = json(sluice.post("/api/v2/queries/async", SluiceTestServer.body("query", sql), sluice.otherUserKey))
                .get("id").asText();
        HttpResponse<String> rows = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            rows = sluice.get("/api/v2/queries/" + execution + "?offset=100&pageSize=7", sluice.otherUserKey);
            if (json(rows).get("isFinished").asBoolean()) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(json(rows).get("data").size()).as(rows.body()).isEqualTo(7);
        JsonNode ncp = awaitRead(execution, "ncp", null);
        assertThat(ncp.get("rows").asLong()).isEqualTo(7);
        assertThat(ncp.get("bytesSent").asLong()).isEqualTo(rows.body().getBytes(StandardCharsets.UTF_8).length);

        // Admins find the reads in sluice.audit by event and page.
        JsonNode row = null;
        for (int attempt = 0; attempt < 150 && row == null; attempt++) {
            JsonNode found = json(sluice.post("/sluice/v1/query", "{\"sql\": \"SELECT principal, page, rows, bytes_sent FROM sluice.audit"
                    + " WHERE event = 'RESULT_READ' AND statement_id = '" + id + "' AND page = 1\"}"));
            row = found.isEmpty() ? null : found.get(0);
            if (row == null) {
                Thread.sleep(100);
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("principal").asText()).isEqualTo("bob");
        assertThat(row.get("bytes_sent").asLong()).isEqualTo(page1.body().getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * The audit file's RESULT_READ record of {@code page} (null: a row range) through {@code protocol}, of
     * {@code statementId} unless that is null.
     */
    private static JsonNode awaitRead(String statementId, String protocol, Integer page) throws IOException, InterruptedException {
        Path file = data.resolve("audit").resolve("audit.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode record = SluiceTestServer.JSON.readTree(line);
                    if ("RESULT_READ".equals(record.path("event").asText()) && protocol.equals(record.get("protocol").asText())
                            && (page == null ? record.get("page").isNull() : record.get("page").asInt(-1) == page)
                            && (statementId == null || statementId.equals(record.get("statementId").asText()))) {
                        return record;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no audit record of a read of page " + page + " through " + protocol);
    }

    /**
     * The audit file's record of how the statement whose SQL contains {@code marker} ended, once the writer wrote it
     * (its STARTED record comes before, without the bytes).
     */
    private static JsonNode awaitRecord(String marker) throws IOException, InterruptedException {
        Path file = data.resolve("audit").resolve("audit.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(file)) {
                Optional<String> line = Files.readAllLines(file).stream()
                        .filter(text -> text.contains(marker) && text.contains("\"event\":\"STATEMENT\"")).findFirst();
                if (line.isPresent()) {
                    return SluiceTestServer.JSON.readTree(line.get());
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no audit record for " + marker);
    }
}
