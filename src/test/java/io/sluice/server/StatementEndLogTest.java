package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Every statement end, however it ends and whichever protocol ran it, writes one JSON line with the statement's id,
 * principal, protocol, state, rows, bytes, duration and error code, at the level {@code log.statementLevel} names.
 */
class StatementEndLogTest {

    @TempDir
    Path data;

    @Test
    void eachStatementEndIsOneJsonLineWithItsFieldsAtTheConfiguredLevel() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger ends = context.getLogger("sluice.statements");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        ends.addAppender(captured);
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("log.statementLevel", "warn");
        SluiceConfig config = SluiceConfig.fromProperties(properties, data);
        try (SluiceTestServer sluice = new SluiceTestServer(config, false)) {
            String succeeded = SluiceTestServer.json(sluice.post("/sluice/v1/statements",
                    SluiceTestServer.body("sql", "SELECT i, repeat('x', 100) AS s FROM range(1000) t(i)", "waitMs", 10_000)))
                    .get("id").asText();
            JsonNode failure = SluiceTestServer.json(sluice.post("/sluice/v1/statements",
                    SluiceTestServer.body("sql", "SELECT error('boom')", "waitMs", 10_000)));
            String failed = failure.has("id") ? failure.get("id").asText() : failure.get("statementId").asText();
            var streamed = sluice.post("/sluice/v1/query?format=ndjson",
                    SluiceTestServer.body("sql", "SELECT 7 AS n"), sluice.otherUserKey);
            assertThat(streamed.statusCode()).isEqualTo(200);

            Map<String, String> success = lineFor(captured, encoder, succeeded);
            assertThat(success).containsEntry("principal", "admin").containsEntry("protocol", "native")
                    .containsEntry("state", "SUCCEEDED").containsEntry("rows", "1000").doesNotContainKey("errorCode");
            assertThat(Long.parseLong(success.get("bytes"))).isGreaterThan(1000L * 8);
            assertThat(Long.parseLong(success.get("durationMs"))).isNotNegative();
            assertThat(success.get("level")).isEqualTo("WARN");

            Map<String, String> error = lineFor(captured, encoder, failed);
            assertThat(error).containsEntry("state", "FAILED").containsEntry("rows", "0").containsKey("errorCode")
                    .containsEntry("level", "WARN");

            Map<String, String> stream = awaitLine(captured, encoder, fields -> "bob".equals(fields.get("principal")));
            assertThat(stream).containsEntry("state", "SUCCEEDED").containsEntry("rows", "1").containsKey("statementId");
            assertThat(Long.parseLong(stream.get("bytes"))).isPositive();

            assertThat(captured.list.stream().filter(e -> succeeded.equals(fieldsOf(encoder, e).get("statementId"))))
                    .as("exactly one line per statement end").hasSize(1);
        } finally {
            ends.detachAppender(captured);
        }
    }

    @Test
    void theLevelDefaultsToInfoAndRejectsNonsense() {
        assertThat(SluiceConfig.defaults(data).statements().endLogLevel()).isEqualTo(Level.INFO);
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("log.statementLevel", "LOUD");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SluiceConfig.fromProperties(properties, data))
                .hasMessageContaining("log.statementLevel").hasMessageContaining("LOUD");
    }

    private static Map<String, String> lineFor(ListAppender<ILoggingEvent> captured, JsonEncoder encoder, String id)
            throws InterruptedException {
        return awaitLine(captured, encoder, fields -> id.equals(fields.get("statementId")));
    }

    private static Map<String, String> awaitLine(ListAppender<ILoggingEvent> captured, JsonEncoder encoder,
                                                 java.util.function.Predicate<Map<String, String>> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<Map<String, String>> line = List.copyOf(captured.list).stream().map(e -> fieldsOf(encoder, e))
                    .filter(wanted).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            assertThat(System.nanoTime()).as("a statement end line").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The line as the shipped JSON encoder writes it, its key-value pairs and level flattened into one map. */
    private static Map<String, String> fieldsOf(JsonEncoder encoder, ILoggingEvent event) {
        String json = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(json).endsWith("\n").doesNotContain("\n\n");
        JsonNode node;
        try {
            node = SluiceTestServer.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
        Map<String, String> fields = new HashMap<>();
        fields.put("level", node.get("level").asText());
        for (JsonNode pair : node.path("kvpList")) {
            pair.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue().asText()));
        }
        return fields;
    }
}
