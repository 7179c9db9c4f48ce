package io.sluice.core.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per statement to {@code audit.log} under the data dir and to the log (logger
 * {@code sluice.audit}), and hands each record to further sinks (the engine's {@code sluice.audit} table).
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("sluice.audit");

    private final Path file;
    private final Writer writer;
    private final List<Consumer<AuditRecord>> sinks = new CopyOnWriteArrayList<>();

    public AuditLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    public void addSink(Consumer<AuditRecord> sink) {
        sinks.add(sink);
    }

    public void write(AuditRecord record) {
        String line = record.toJson();
        synchronized (writer) {
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                LOG.error("cannot write the audit log {}", file, e);
            }
        }
        LOG.info(line);
        for (Consumer<AuditRecord> sink : sinks) {
            try {
                sink.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("an audit sink failed", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (writer) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("cannot close the audit log {}", file, e);
            }
        }
    }
}
