package io.sluice.core.statement;

import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import java.time.Duration;
import java.util.Map;
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
 * @param tags what the submitting protocol wants kept with the statement (its own query id, project, output
 *     settings…), opaque to the core: stored with the status, so any node of a cluster can read them, and
 *     searchable with {@link StatementService#cancelTagged}. Keys are {@code <protocol>.<name>} by convention.
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
        ClientConnection client,
        Map<String, String> tags) {

    public StatementRequest(String sql, Parameters parameters, SessionContext session, Duration timeout, long maxRows,
                            String requestId, Duration reuseMaxAge, String protocol) {
        this(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, ClientConnection.UNKNOWN);
    }

    public StatementRequest(String sql, Parameters parameters, SessionContext session, Duration timeout, long maxRows,
                            String requestId, Duration reuseMaxAge, String protocol, ClientConnection client) {
        this(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, client, Map.of());
    }

    public StatementRequest {
        client = client == null ? ClientConnection.UNKNOWN : client;
        tags = StatementTags.copy(tags);
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(protocol, "protocol");
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative");
        }
    }

    public StatementRequest withClient(ClientConnection connection) {
        return new StatementRequest(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, connection, tags);
    }

    /** The same request carrying {@code added} on top of its tags. */
    public StatementRequest withTags(Map<String, String> added) {
        Map<String, String> merged = new java.util.HashMap<>(tags);
        merged.putAll(added);
        return new StatementRequest(sql, parameters, session, timeout, maxRows, requestId, reuseMaxAge, protocol, client, merged);
    }

    public static StatementRequest of(String sql) {
        return new StatementRequest(sql, Parameters.NONE, SessionContext.DEFAULT, null, 0, null, null, "native");
    }
}
