package io.sluice.core.statement;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * How earlier versions kept statement statuses, read now only to move them into the {@link StatementLog}:
 * one small file each, replaced atomically (write, fsync, rename) so that a
 * kill -9 leaves either the old or the new status, never a torn one.
 */
final class StatementStore implements StatementRepository {

    private static final String TAG_PREFIX = "tag.";

    private final Path directory;

    StatementStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    @Override
    public boolean save(StatementStatus status) {
        return save(status, true);
    }

    @Override
    public boolean save(StatementStatus status, boolean sync) {
        Properties properties = new Properties();
        put(properties, "id", status.id());
        put(properties, "owner", status.ownerId());
        put(properties, "protocol", status.protocol());
        put(properties, "sql", status.sql());
        put(properties, "state", status.state().name());
        put(properties, "createdAt", status.createdAt());
        put(properties, "startedAt", status.startedAt());
        put(properties, "endedAt", status.endedAt());
        put(properties, "rows", status.rows());
        put(properties, "updateCount", status.updateCount());
        put(properties, "pageCount", status.pageCount());
        put(properties, "truncated", status.truncated());
        put(properties, "reused", status.reused());
        put(properties, "resultId", status.resultId());
        put(properties, "requestId", status.requestId());
        if (status.error() != null) {
            put(properties, "error.code", status.error().code().name());
            put(properties, "error.message", status.error().message());
            put(properties, "error.sqlState", status.error().sqlState());
            if (status.error().position() != null) {
                put(properties, "error.line", status.error().position().line());
                put(properties, "error.column", status.error().position().column());
            }
        }
        status.tags().forEach((name, value) -> properties.setProperty(TAG_PREFIX + name, value));
        java.io.StringWriter text = new java.io.StringWriter();
        try {
            properties.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format statement " + status.id(), e);
        }
        io.sluice.core.io.AtomicFiles.writeString(file(status.id()), text.toString(), sync);
        return true;
    }

    @Override
    public List<StatementStatus> loadAll() {
        List<StatementStatus> statuses = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : files.toList()) {
                String name = path.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(path);
                } else if (name.endsWith(".properties")) {
                    statuses.add(read(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read statements from " + directory, e);
        }
        return statuses;
    }

    @Override
    public void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete statement " + id, e);
        }
    }

    private Path file(String id) {
        return directory.resolve(id + ".properties");
    }

    private static StatementStatus read(Path path) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        SluiceError error = null;
        String code = properties.getProperty("error.code");
        if (code != null) {
            SluiceError.Position position = properties.getProperty("error.line") == null ? null
                    : new SluiceError.Position(Integer.parseInt(properties.getProperty("error.line")),
                    Integer.parseInt(properties.getProperty("error.column")));
            error = new SluiceError(ErrorCode.valueOf(code), properties.getProperty("error.message", ""),
                    properties.getProperty("error.sqlState"), position);
        }
        java.util.Map<String, String> tags = new java.util.HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(TAG_PREFIX)) {
                tags.put(key.substring(TAG_PREFIX.length()), properties.getProperty(key));
            }
        }
        return new StatementStatus(
                properties.getProperty("id"),
                properties.getProperty("owner"),
                properties.getProperty("protocol", "native"),
                properties.getProperty("sql", ""),
                StatementState.valueOf(properties.getProperty("state")),
                instant(properties, "createdAt"),
                instant(properties, "startedAt"),
                instant(properties, "endedAt"),
                Long.parseLong(properties.getProperty("rows", "0")),
                Long.parseLong(properties.getProperty("updateCount", "-1")),
                Integer.parseInt(properties.getProperty("pageCount", "0")),
                Boolean.parseBoolean(properties.getProperty("truncated")),
                Boolean.parseBoolean(properties.getProperty("reused")),
                properties.getProperty("resultId"),
                properties.getProperty("requestId"),
                error,
                tags);
    }

    private static Instant instant(Properties properties, String key) {
        String value = properties.getProperty(key);
        return value == null ? null : Instant.parse(value);
    }

    private static void put(Properties properties, String key, Object value) {
        if (value != null) {
            properties.setProperty(key, value.toString());
        }
    }
}
