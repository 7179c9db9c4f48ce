package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.statement.StatementService;
import io.sluice.testing.SluiceTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The server logs one JSON object per line, and lines written while a statement runs carry its id. */
class StructuredLogTest {

    @TempDir
    Path data;

    @Test
    void statementLogLinesAreJsonWithTheStatementId() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger statements = context.getLogger(StatementService.class);
        Level before = statements.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        statements.addAppender(captured);
        statements.setLevel(Level.DEBUG);
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            String id = SluiceTestServer.json(sluice.post("/sluice/v1/statements",
                    SluiceTestServer.body("sql", "SELECT 1", "waitMs", 5_000))).get("id").asText();
            List<ILoggingEvent> lines = captured.list.stream()
                    .filter(event -> id.equals(event.getMDCPropertyMap().get(StatementService.STATEMENT_ID))).toList();
            assertThat(lines).isNotEmpty();
            for (ILoggingEvent line : lines) {
                String json = new String(encoder.encode(line), StandardCharsets.UTF_8);
                assertThat(json).endsWith("\n").doesNotContain("\n\n");
                JsonNode node = new ObjectMapper().readTree(json);
                assertThat(node.get("level").asText()).isEqualTo("DEBUG");
                assertThat(node.get("mdc").get(StatementService.STATEMENT_ID).asText()).isEqualTo(id);
            }
        } finally {
            statements.detachAppender(captured);
            statements.setLevel(before);
        }
    }

    @Test
    void theShippedConfigurationWritesJson() {
        assertThat(StructuredLogTest.class.getResource("/logback.xml")).isNotNull();
        assertThat(new String(readAll("/logback.xml"), StandardCharsets.UTF_8)).contains("JsonEncoder");
    }

    private static byte[] readAll(String resource) {
        try (var in = StructuredLogTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
