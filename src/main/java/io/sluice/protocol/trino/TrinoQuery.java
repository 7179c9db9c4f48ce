package io.sluice.protocol.trino;

import io.sluice.core.auth.Principal;

/**
 * One query a Trino client is polling: the statement it reads ({@code id}, which is also the Trino query id), the
 * secret slug in its nextUri, and where the client is. {@code expectedToken} is the token of the nextUri last
 * handed out; the last answer is remembered (its first row and row count) so a repeated GET gets it again.
 * Guarded by its own monitor: one client polls one query.
 */
final class TrinoQuery {

    private final String id;
    private final String slug;
    private final Principal principal;
    private final ClientSession session;
    private final String updateType;
    private volatile long lastSeenNanos = System.nanoTime();

    long expectedToken = 1;
    /** The first row of the next page. */
    long nextOffset;
    /** The last answer: its first row, its row count (-1: it carried no rows), and whether it had a nextUri. */
    long lastOffset;
    int lastRows = -1;
    boolean lastHadNext = true;
    /** The client sent DELETE: later answers say USER_CANCELED. */
    volatile boolean cancelledByClient;

    TrinoQuery(String id, String slug, Principal principal, ClientSession session, String updateType) {
        this.id = id;
        this.slug = slug;
        this.principal = principal;
        this.session = session;
        this.updateType = updateType;
    }

    String id() {
        return id;
    }

    String slug() {
        return slug;
    }

    Principal principal() {
        return principal;
    }

    ClientSession session() {
        return session;
    }

    String updateType() {
        return updateType;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    void touch() {
        lastSeenNanos = System.nanoTime();
    }
}
