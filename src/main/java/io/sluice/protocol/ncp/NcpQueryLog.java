package io.sluice.protocol.ncp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Data Query shows about a query that the core does not keep (its project, whether reuse was asked,
 * the catalog and schema it ran with), keyed by statement id. Kept in memory and appended to a small file so
 * the history survives a restart like the statements themselves; entries of statements the core no longer
 * has are simply never asked for.
 */
final class NcpQueryLog {

    private static final Logger LOG = LoggerFactory.getLogger(NcpQueryLog.class);

    record Entry(Long projectId, boolean isReuse, String dataSource, String database) {
        NcpErrors.SessionNames session() {
            return new NcpErrors.SessionNames(dataSource, database);
        }
    }

    private final Path file;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    NcpQueryLog(Path file) {
        this.file = file;
        load();
    }

    Optional<Entry> find(String statementId) {
        return Optional.ofNullable(entries.get(statementId));
    }

    void record(String statementId, Entry entry) {
        entries.put(statementId, entry);
        String line = String.join("\t", statementId, entry.projectId() == null ? "" : entry.projectId().toString(),
                Boolean.toString(entry.isReuse()), escape(entry.dataSource()), escape(entry.database())) + "\n";
        synchronized (this) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // The query itself is unaffected; only its history would lack the project after a restart.
                LOG.warn("cannot append to the NCP query log {}", file, e);
            }
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", -1);
                if (fields.length < 5) {
                    continue;
                }
                try {
                    entries.put(fields[0], new Entry(fields[1].isEmpty() ? null : Long.valueOf(fields[1]),
                            Boolean.parseBoolean(fields[2]), unescape(fields[3]), unescape(fields[4])));
                } catch (NumberFormatException e) {
                    LOG.warn("skipping a damaged line of {}", file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NCP query log " + file, e);
        }
    }

    /** Names may hold any character; tabs, newlines and backslashes are escaped, null is an empty field. */
    private static String escape(String text) {
        if (text == null) {
            return "";
        }
        return "=" + text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String field) {
        if (field.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (int index = 1; index < field.length(); index++) {
            char c = field.charAt(index);
            if (c == '\\' && index + 1 < field.length()) {
                char next = field.charAt(++index);
                text.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
