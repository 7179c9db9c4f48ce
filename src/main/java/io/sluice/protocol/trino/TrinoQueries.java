package io.sluice.protocol.trino;

import io.sluice.core.auth.Principal;
import io.sluice.core.statement.StatementService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Trino queries clients are polling, by id: which statement each one reads, where its client is in the
 * result, and when the client last asked. A query whose client has not polled for the client timeout is
 * abandoned, as Trino's {@code query.client.timeout} does: its statement is stopped, the query forgotten, and
 * a late nextUri answered 410 Gone. Kept in this node's memory (a client polls the node it started on).
 */
final class TrinoQueries {

    /** How many forgotten query ids are remembered to answer 410 rather than 404. */
    private static final int EXPIRED_REMEMBERED = 10_000;

    private final StatementService statements;
    private final Duration clientTimeout;
    private final Map<String, TrinoQuery> queries = new ConcurrentHashMap<>();
    private final Map<String, Boolean> expired = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > EXPIRED_REMEMBERED;
                }
            });
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("trino-client-timeout").daemon().factory());

    TrinoQueries(StatementService statements, Duration clientTimeout) {
        this.statements = statements;
        this.clientTimeout = clientTimeout;
        long period = Math.max(100, Math.min(5_000, clientTimeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::abandonIdle, period, period, TimeUnit.MILLISECONDS);
    }

    TrinoQuery register(Principal principal, String statementId, ClientSession session, String updateType) {
        byte[] secret = new byte[12];
        random.nextBytes(secret);
        TrinoQuery query = new TrinoQuery(statementId, "s" + HexFormat.of().formatHex(secret), principal, session,
                updateType);
        queries.put(statementId, query);
        return query;
    }

    /** The query behind a nextUri, or 404 (never known, wrong slug, someone else's) / 410 (forgotten). */
    TrinoQuery find(String id, String slug, Principal principal) {
        TrinoQuery query = queries.get(id);
        if (query == null || !query.slug().equals(slug) || !query.principal().id().equals(principal.id())) {
            if (query == null && expired.containsKey(id)) {
                throw new TrinoRequestException(410, TrinoErrors.Standard.ABANDONED_QUERY,
                        "Query " + id + " is gone: its client stopped polling for longer than "
                                + clientTimeout.toSeconds() + " s and it was abandoned");
            }
            throw new TrinoRequestException(404, TrinoErrors.Standard.NOT_FOUND, "Query not found: " + id);
        }
        query.touch();
        return query;
    }

    /** The caller's query by id alone, or null (for the kill endpoint, which has no slug). */
    TrinoQuery find(String id, Principal principal) {
        TrinoQuery query = queries.get(id);
        return query != null && query.principal().id().equals(principal.id()) ? query : null;
    }

    private void abandonIdle() {
        long now = System.nanoTime();
        for (TrinoQuery query : queries.values()) {
            if (now - query.lastSeenNanos() < clientTimeout.toNanos()) {
                continue;
            }
            queries.remove(query.id());
            expired.put(query.id(), Boolean.TRUE);
            try {
                statements.abandon(query.principal(), query.id(), "Query abandoned: its client stopped polling for "
                        + clientTimeout.toSeconds() + " s");
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(TrinoQueries.class).debug("cannot abandon {}", query.id(), e);
            }
        }
    }
}
