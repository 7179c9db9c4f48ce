package io.sluice.storage.postgres;

import io.sluice.core.io.SharedDocument;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/** One shared text document (the API keys, the grants) as a versioned row of {@code sluice_documents}. */
final class PostgresDocument implements SharedDocument {

    private final PostgresDatabase database;
    private final String name;

    PostgresDocument(PostgresDatabase database, String name) {
        this.database = database;
        this.name = name;
    }

    @Override
    public Snapshot read() {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version, content FROM sluice_documents WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return new Snapshot(0, List.of());
                    }
                    String content = row.getString(2);
                    return new Snapshot(row.getLong(1), content.isEmpty() ? List.of() : content.lines().toList());
                }
            }
        });
    }

    @Override
    public long version() {
        return database.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT version FROM sluice_documents WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public boolean write(long expectedVersion, List<String> lines) {
        String content = String.join("\n", lines);
        return database.call(connection -> {
            // Version 0 means "never written": the insert wins only if no other node wrote first.
            try (PreparedStatement write = expectedVersion == 0
                    ? connection.prepareStatement("INSERT INTO sluice_documents (name, version, content) VALUES (?, 1, ?)"
                            + " ON CONFLICT DO NOTHING")
                    : connection.prepareStatement("UPDATE sluice_documents SET version = version + 1, content = ?"
                            + " WHERE name = ? AND version = ?")) {
                if (expectedVersion == 0) {
                    write.setString(1, name);
                    write.setString(2, content);
                } else {
                    write.setString(1, content);
                    write.setString(2, name);
                    write.setLong(3, expectedVersion);
                }
                return write.executeUpdate() == 1;
            }
        });
    }
}
