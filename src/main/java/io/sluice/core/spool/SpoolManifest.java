package io.sluice.core.spool;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The manifest of a finished result: the canonical schema, the Arrow schema of its pages and the page
 * table. Its presence is what makes a result complete, so it is written last and atomically.
 *
 * <p>Stored as {@link Properties} written to a byte stream, which escapes every character outside
 * printable ASCII (newlines, lone surrogates, '=' included), so any column name survives unchanged.
 * The owner (a principal id, absent in manifests of older versions) says whose spool quota the result
 * counts against. The Arrow schema is kept too (as its IPC flatbuffer message) so that a reader can build its batch
 * before opening a page, and so that an empty result still has typed vectors.
 */
record SpoolManifest(SpooledResult result, Schema arrowSchema, String owner) {

    private static final String FORMAT_VERSION = "1";

    SpoolManifest {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(arrowSchema, "arrowSchema");
    }

    /** A manifest without an owner (results written before owners were recorded, or by tools). */
    SpoolManifest(SpooledResult result, Schema arrowSchema) {
        this(result, arrowSchema, null);
    }

    /**
     * Writes the manifest into {@code resultDirectory}: temporary file, fsync, atomic rename, fsync of the
     * directory. A crash at any point leaves either no manifest or the complete one.
     *
     * @return the size of the manifest file
     */
    long writeTo(Path resultDirectory) throws IOException {
        return writeTo(resultDirectory, true);
    }

    /** @param sync false for a small result: the same atomic rename, without waiting for the disk */
    long writeTo(Path resultDirectory, boolean sync) throws IOException {
        byte[] content = serialize();
        Path temporary = resultDirectory.resolve(SpoolFiles.MANIFEST_TEMPORARY_NAME);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (sync) {
                channel.force(true);
            }
        }
        Files.move(temporary, resultDirectory.resolve(SpoolFiles.MANIFEST_NAME), StandardCopyOption.ATOMIC_MOVE);
        if (sync) {
            SpoolFiles.syncDirectory(resultDirectory);
        }
        return content.length;
    }

    /**
     * Reads a manifest.
     *
     * @throws java.nio.file.NoSuchFileException when there is none (the result is absent or incomplete)
     * @throws IOException when it cannot be read or makes no sense
     */
    static SpoolManifest readFrom(Path resultDirectory) throws IOException {
        byte[] content = Files.readAllBytes(resultDirectory.resolve(SpoolFiles.MANIFEST_NAME));
        try {
            return parse(content);
        } catch (RuntimeException malformed) {
            throw new IOException("damaged manifest in " + resultDirectory + ": " + malformed.getMessage(), malformed);
        }
    }

    byte[] serialize() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT_VERSION);
        properties.setProperty("resultId", result.resultId());
        properties.setProperty("createdAt", result.createdAt().toString());
        properties.setProperty("expiresAt", result.expiresAt().toString());
        properties.setProperty("totalRows", Long.toString(result.totalRows()));
        properties.setProperty("totalBytes", Long.toString(result.totalBytes()));
        if (owner != null) {
            // Whose quota the result counts against, also after a restart.
            properties.setProperty("owner", owner);
        }
        properties.setProperty("arrowSchema", Base64.getEncoder().encodeToString(arrowSchema.serializeAsMessage()));
        ResultSchema schema = result.schema();
        properties.setProperty("columns", Integer.toString(schema.size()));
        for (int i = 0; i < schema.size(); i++) {
            Column column = schema.column(i);
            properties.setProperty("column." + i + ".name", column.name());
            properties.setProperty("column." + i + ".type", column.type().sqlName());
            properties.setProperty("column." + i + ".nullable", Boolean.toString(column.nullable()));
        }
        properties.setProperty("pages", Integer.toString(result.pageCount()));
        for (PageInfo page : result.pages()) {
            String prefix = "page." + page.index() + ".";
            properties.setProperty(prefix + "firstRow", Long.toString(page.firstRow()));
            properties.setProperty(prefix + "rowCount", Long.toString(page.rowCount()));
            properties.setProperty(prefix + "sizeBytes", Long.toString(page.sizeBytes()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // The OutputStream variant (not the Writer one) escapes everything outside printable ASCII.
        properties.store(bytes, null);
        return bytes.toByteArray();
    }

    static SpoolManifest parse(byte[] content) throws IOException {
        Properties properties = new Properties();
        try (InputStream input = new ByteArrayInputStream(content)) {
            properties.load(input);
        }
        if (!FORMAT_VERSION.equals(properties.getProperty("format"))) {
            throw new IllegalArgumentException("unsupported manifest format " + properties.getProperty("format"));
        }
        int columnCount = Integer.parseInt(required(properties, "columns"));
        List<Column> columns = new ArrayList<>(columnCount);
        for (int i = 0; i < columnCount; i++) {
            columns.add(new Column(
                    required(properties, "column." + i + ".name"),
                    SqlTypes.parse(required(properties, "column." + i + ".type")),
                    Boolean.parseBoolean(required(properties, "column." + i + ".nullable"))));
        }
        int pageCount = Integer.parseInt(required(properties, "pages"));
        List<PageInfo> pages = new ArrayList<>(pageCount);
        for (int i = 0; i < pageCount; i++) {
            String prefix = "page." + i + ".";
            pages.add(new PageInfo(i,
                    Long.parseLong(required(properties, prefix + "firstRow")),
                    Long.parseLong(required(properties, prefix + "rowCount")),
                    Long.parseLong(required(properties, prefix + "sizeBytes"))));
        }
        SpooledResult result = new SpooledResult(
                required(properties, "resultId"),
                new ResultSchema(columns),
                pages,
                Long.parseLong(required(properties, "totalRows")),
                Long.parseLong(required(properties, "totalBytes")),
                Instant.parse(required(properties, "createdAt")),
                Instant.parse(required(properties, "expiresAt")));
        Schema arrowSchema = Schema.deserializeMessage(
                ByteBuffer.wrap(Base64.getDecoder().decode(required(properties, "arrowSchema"))));
        return new SpoolManifest(result, arrowSchema, properties.getProperty("owner"));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value;
    }
}
