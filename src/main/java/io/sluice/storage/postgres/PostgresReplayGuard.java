package io.sluice.storage.postgres;

import io.sluice.core.auth.ReplayGuard;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link ReplayGuard}: one row per used token in {@code sluice_used_tokens}, whose primary key
 * makes the first insert win on whichever node it arrives. Rows past their expiry are deleted at most once a
 * {@link #CLEANUP_PERIOD} by the node that notices the period is over; until then an expired row is harmless
 * (its credential is refused for its age before this guard is asked).
 */
final class PostgresReplayGuard implements ReplayGuard {

    static final Duration CLEANUP_PERIOD = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(PostgresReplayGuard.class);

    private final PostgresDatabase database;
    private final Clock clock;
    private final AtomicLong lastCleanupMillis = new AtomicLong();

    PostgresReplayGuard(PostgresDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String token, Instant expiresAt) {
        cleanUpWhenDue();
        return database.call(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sluice_used_tokens (token, expires_at)"
                    + " VALUES (?, ?) ON CONFLICT (token) DO NOTHING")) {
                insert.setString(1, token);
                insert.setTimestamp(2, Timestamp.from(expiresAt));
                return insert.executeUpdate() == 1;
            }
        });
    }

    private void cleanUpWhenDue() {
        long now = clock.millis();
        long last = lastCleanupMillis.get();
        if (now - last < CLEANUP_PERIOD.toMillis() || !lastCleanupMillis.compareAndSet(last, now)) {
            return;
        }
        try {
            int deleted = database.call(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM sluice_used_tokens WHERE expires_at < ?")) {
                    delete.setTimestamp(1, Timestamp.from(Instant.ofEpochMilli(now)));
                    return delete.executeUpdate();
                }
            });
            LOG.debug("forgot {} expired once-only tokens", deleted);
        } catch (RuntimeException e) {
            LOG.debug("could not forget expired once-only tokens yet", e);
        }
    }
}
