package io.sluice.core.statement;

import io.sluice.core.error.SluiceError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per statement end, whatever ended it (success, failure, cancel, timeout, disconnect, shutdown), with its
 * fields as key-value pairs so a log shipper indexes them without parsing the message. A logger of its own
 * ({@value #LOGGER}) so operators can route or silence these lines apart from the server's other messages.
 */
final class StatementEndLog {

    static final String LOGGER = "sluice.statements";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final Level level;

    StatementEndLog(Level level) {
        this.level = level;
    }

    /** @param resultBytes Arrow bytes of the rows the statement produced (0 for a reused result) */
    void ended(StatementStatus status, long resultBytes) {
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        long durationMs = status.endedAt() == null ? 0 : status.elapsedMillis(status.endedAt());
        SluiceError error = status.error();
        LoggingEventBuilder line = LOG.atLevel(level)
                .addKeyValue("statementId", status.id())
                .addKeyValue("principal", status.ownerId())
                .addKeyValue("protocol", status.protocol())
                .addKeyValue("state", status.state().name())
                .addKeyValue("rows", status.rows())
                .addKeyValue("bytes", resultBytes)
                .addKeyValue("durationMs", durationMs);
        if (error != null) {
            line = line.addKeyValue("errorCode", error.code().name());
        }
        // Under the statement's id in the MDC too, like every other line about it, whichever thread ends it.
        String previous = MDC.get(StatementService.STATEMENT_ID);
        MDC.put(StatementService.STATEMENT_ID, status.id());
        try {
            line.log("statement {} after {} ms: {} rows, {} bytes{}", status.state(), durationMs, status.rows(),
                    resultBytes, error == null ? "" : " [" + error.code() + "]");
        } finally {
            if (previous == null) {
                MDC.remove(StatementService.STATEMENT_ID);
            } else {
                MDC.put(StatementService.STATEMENT_ID, previous);
            }
        }
    }
}
