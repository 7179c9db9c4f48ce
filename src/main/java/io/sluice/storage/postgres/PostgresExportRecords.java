package io.sluice.storage.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.export.ExportRecords;
import io.sluice.core.export.ExportResult;
import io.sluice.core.export.ExportedFile;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exports' outcomes in {@code sluice_exports}, one row per statement, so any node shows a statement's export block.
 * Rows go with their statement: the heartbeat's purge of finished statements removes them too (see PostgresNodes).
 */
final class PostgresExportRecords implements ExportRecords {

    static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS sluice_exports (
                statement_id text PRIMARY KEY,
                state text NOT NULL,
                outcome jsonb,
                recorded_at timestamptz NOT NULL DEFAULT now())""");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresDatabase database;

    PostgresExportRecords(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    public void record(String statementId, Entry entry) {
        String outcome = entry.result() != null ? result(entry.result()).toString()
                : entry.error() != null ? error(entry.error()).toString() : null;
        database.call(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO sluice_exports (statement_id, state,"
                    + " outcome) VALUES (?, ?, CAST(? AS jsonb)) ON CONFLICT (statement_id) DO UPDATE SET state = EXCLUDED.state,"
                    + " outcome = EXCLUDED.outcome, recorded_at = now() WHERE sluice_exports.state = 'RUNNING'")) {
                upsert.setString(1, statementId);
                upsert.setString(2, entry.state());
                upsert.setString(3, outcome);
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Entry> find(String statementId) {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT state, outcome::text FROM sluice_exports WHERE statement_id = ?")) {
                select.setString(1, statementId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    String state = row.getString(1);
                    JsonNode outcome = row.getString(2) == null ? null : read(row.getString(2));
                    return Optional.of(switch (state) {
                        case Entry.SUCCEEDED -> new Entry(state, result(statementId, outcome), null);
                        case Entry.FAILED -> new Entry(state, null, error(outcome));
                        default -> new Entry(state, null, null);
                    });
                }
            }
        });
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalStateException("unreadable export record", e);
        }
    }

    private static ObjectNode result(ExportResult result) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode files = node.putArray("files");
        for (ExportedFile file : result.files()) {
            files.addObject().put("key", file.key()).put("url", file.url().toString()).put("bytes", file.bytes()).put("rows", file.rows());
        }
        node.put("rows", result.rows()).put("dataScannedBytes", result.dataScannedBytes())
                .put("executionMillis", result.executionMillis()).put("linksExpireAt", result.linksExpireAt().toEpochMilli());
        return node;
    }

    private static ExportResult result(String statementId, JsonNode node) {
        List<ExportedFile> files = new ArrayList<>();
        for (JsonNode file : node.path("files")) {
            files.add(new ExportedFile(file.path("key").asText(), URI.create(file.path("url").asText()),
                    file.path("bytes").asLong(), file.path("rows").asLong()));
        }
        return new ExportResult(statementId, files, node.path("rows").asLong(), node.path("dataScannedBytes").asLong(),
                node.path("executionMillis").asLong(), Instant.ofEpochMilli(node.path("linksExpireAt").asLong()));
    }

    private static ObjectNode error(SluiceError error) {
        ObjectNode node = JSON.createObjectNode().put("code", error.code().name()).put("message", error.message());
        if (error.sqlState() != null) {
            node.put("sqlState", error.sqlState());
        }
        return node;
    }

    private static SluiceError error(JsonNode node) {
        if (node == null) {
            return SluiceError.of(ErrorCode.INTERNAL_ERROR, "The export failed");
        }
        return new SluiceError(ErrorCode.valueOf(node.path("code").asText()), node.path("message").asText(),
                node.hasNonNull("sqlState") ? node.path("sqlState").asText() : null, null, null);
    }
}
