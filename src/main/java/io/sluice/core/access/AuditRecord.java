package io.sluice.core.access;

import java.time.Instant;
import java.util.List;

/**
 * One audited statement: who ran it, from where (when known), through which protocol, what it was (SHA-256 of
 * the text, and the text unless turned off), what it touched and how it ended.
 *
 * @param bytesSent for a statement, response bytes sent on the exchange that submitted it, as counted when it ended:
 *     the whole result for a streamed statement; for an asynchronous one what its submission had answered by then.
 *     For a result read, every byte of the response that carried it
 * @param event {@link #STATEMENT} (how a statement ended, or its refusal), {@link #STARTED} (a statement reached the
 *     engine: outcome RUNNING, no tables yet), {@link #ENGINE_CRASH_SUSPECT} (the statement was running when its engine
 *     died) or {@link #RESULT_READ} (a later read of a stored result: rows read, no SQL)
 * @param page the page a result read asked for; null for a statement, a row range or the whole result
 */
public record AuditRecord(Instant time, String principal, boolean admin, String remoteAddress, String protocol,
                          String statementId, String sqlSha256, String sql, List<String> tables, String outcome,
                          String errorCode, long rows, long durationMillis, long bytesSent, String event, Integer page) {

    /** A statement ran (or was refused): one record per statement. */
    public static final String STATEMENT = "STATEMENT";
    /** A statement was handed to the engine: written before the engine runs it, so a statement that crashes it is known. */
    public static final String STARTED = "STARTED";
    /** A statement was running on an engine that died: its principal is one of the suspects. */
    public static final String ENGINE_CRASH_SUSPECT = "ENGINE_CRASH_SUSPECT";
    /** A stored result was read: one record per request that read pages, rows or all of a result. */
    public static final String RESULT_READ = "RESULT_READ";

    /** The record of a statement. */
    public AuditRecord(Instant time, String principal, boolean admin, String remoteAddress, String protocol,
                       String statementId, String sqlSha256, String sql, List<String> tables, String outcome,
                       String errorCode, long rows, long durationMillis, long bytesSent) {
        this(time, principal, admin, remoteAddress, protocol, statementId, sqlSha256, sql, tables, outcome, errorCode,
                rows, durationMillis, bytesSent, STATEMENT, null);
    }

    /** The record as one line of JSON. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "time", time.toString()).append(',');
        field(json, "principal", principal).append(',');
        json.append("\"admin\":").append(admin).append(',');
        field(json, "remoteAddress", remoteAddress).append(',');
        field(json, "protocol", protocol).append(',');
        field(json, "statementId", statementId).append(',');
        field(json, "sqlSha256", sqlSha256).append(',');
        field(json, "sql", sql).append(',');
        json.append("\"tables\":[");
        for (int i = 0; i < tables.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            string(json, tables.get(i));
        }
        json.append("],");
        field(json, "outcome", outcome).append(',');
        field(json, "errorCode", errorCode).append(',');
        json.append("\"rows\":").append(rows).append(',');
        json.append("\"durationMs\":").append(durationMillis).append(',');
        json.append("\"bytesSent\":").append(bytesSent).append(',');
        field(json, "event", event).append(',');
        json.append("\"page\":").append(page == null ? "null" : page.toString());
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        if (value == null) {
            return json.append("null");
        }
        string(json, value);
        return json;
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
