package io.sluice.core.statement;

import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import java.time.Duration;
import java.util.Objects;

/**
 * A statement as a protocol adapter hands it to the core.
 *
 * @param timeout how long the statement may run in all (queueing included); null for the server default
 * @param maxRows the most rows to keep; 0 for no limit. Rows past it are dropped and the status says so.
 * @param requestId idempotency key: the same key from the same principal returns the same statement; may be null
 * @param reuseMaxAge when not null, a finished identical result no older than this may be returned instead
 *     of running the statement again
 * @param protocol which API submitted it (for metrics, audit and listings)
 * @param client who sent it, for the audit ({@link ClientConnection#UNKNOWN} when not known)
 */
public record StatementRequest(
        String sql,
        Parameters parameters,
        SessionContext session,
        Duration timeout,
        long maxRows,
        String requestId,
        Duration reuseMaxAge,
        String protocol,
        ClientConnection client) {

    public StatementRequest(String sql, Parameters parameters, SessionContext session, Duration timeout, long maxRows,
                            String requestId, Duration reuseMaxAge, String protocol) {
        this(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, ClientConnection.UNKNOWN);
    }

    public StatementRequest {
        client = client == null ? ClientConnection.UNKNOWN : client;
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(protocol, "protocol");
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative");
        }
    }

    public StatementRequest withClient(ClientConnection connection) {
        return new StatementRequest(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, connection);
    }

    public static StatementRequest of(String sql) {
        return new StatementRequest(sql, Parameters.NONE, SessionContext.DEFAULT, null, 0, null, null, "native");
    }
}
