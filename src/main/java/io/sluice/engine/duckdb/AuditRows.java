package io.sluice.engine.duckdb;

import io.sluice.core.access.AuditRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Audit records as rows of the table {@code sluice.audit}: the one place that knows its column order, so the
 * in-process engine and the engine process append the same rows (the latter receives them as plain values).
 */
final class AuditRows {

    /**
     * The table's columns in order: the CREATE's, then bytes_sent, event and page, which ALTERs add at the end in that
     * order to tables made by older versions (the appender fills columns by position).
     */
    static final List<String> COLUMNS = List.of("time", "principal", "admin", "remote_address", "protocol",
            "statement_id", "sql_sha256", "sql", "tables", "outcome", "error_code", "rows", "duration_ms",
            "bytes_sent", "event", "page");

    private AuditRows() {
    }

    /** The record's values in {@link #COLUMNS} order, of the types {@link #append} takes. */
    static List<Object> row(AuditRecord record) {
        return Arrays.asList(record.time(), record.principal(), record.admin(), record.remoteAddress(),
                record.protocol(), record.statementId(), record.sqlSha256(), record.sql(), record.tables(),
                record.outcome(), record.errorCode(), record.rows(), record.durationMillis(), record.bytesSent(),
                record.event(), record.page() == null ? null : record.page().longValue());
    }

    /**
     * Through DuckDB's appender: an INSERT of up to 5,000 rows of bound parameters cost the engine about as much CPU
     * as the statements being audited. The time is stored as UTC, like the log file.
     */
    static void append(DuckDBConnection connection, List<List<Object>> rows) throws SQLException {
        try (DuckDBAppender appender = connection.createAppender("main", "audit")) {
            for (List<Object> row : rows) {
                if (row.size() != COLUMNS.size()) {
                    throw new IllegalArgumentException("an audit row has " + COLUMNS.size() + " values, not " + row.size());
                }
                appender.beginRow();
                for (Object value : row) {
                    appendValue(appender, value);
                }
                appender.endRow();
            }
        }
    }

    private static void appendValue(DuckDBAppender appender, Object value) throws SQLException {
        switch (value) {
            case null -> appender.appendNull();
            case Instant time -> appender.appendEpochMicros(
                    Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000));
            case String text -> appender.append(text);
            case Boolean flag -> appender.append(flag.booleanValue());
            case Long number -> appender.append(number.longValue());
            case Integer number -> appender.append(number.longValue());
            case List<?> list -> appender.append(list.stream().map(String::valueOf).toList());
            default -> throw new IllegalArgumentException("no audit column takes a " + value.getClass().getSimpleName());
        }
    }
}
