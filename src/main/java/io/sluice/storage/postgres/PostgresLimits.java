package io.sluice.storage.postgres;

import io.sluice.core.access.CrashCoolDown;
import io.sluice.core.access.SharedLimits;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-principal limits of a cluster, in PostgreSQL: one row per statement that holds a slot (with its node), a
 * token bucket per principal, recent engine crashes and cool-downs. A claim is one call of a database function
 * ({@code sluice_claim_slot}), so a statement costs one round trip; a principal's claims are serialised by an
 * advisory lock on its name, so two nodes cannot both take the last slot.
 *
 * <p>Node death: a claim counts only slots of nodes whose heartbeat is within the lease, and deletes the others
 * (the principal's only), so the slots of a killed node are released when its lease expires, without a sweeper.
 * Releases are queued and written by a background thread, or carried by this node's next claim, whichever comes
 * first; a release the database could not take is retried, and a restarted node drops what its previous run held.
 */
final class PostgresLimits implements SharedLimits, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLimits.class);

    /** First key of the advisory locks on principals' limits (the second is the hash of the principal). */
    private static final int LOCK_SPACE = 0x51CE_0002;

    static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS sluice_principal_slots (
                statement_id text PRIMARY KEY,
                owner_id text NOT NULL,
                node_id text NOT NULL,
                claimed_at timestamptz NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sluice_principal_slots_by_owner ON sluice_principal_slots (owner_id)",
            "CREATE INDEX IF NOT EXISTS sluice_principal_slots_by_node ON sluice_principal_slots (node_id)",
            """
            CREATE TABLE IF NOT EXISTS sluice_rate_buckets (
                owner_id text PRIMARY KEY,
                tokens double precision NOT NULL,
                refilled_at timestamptz NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sluice_engine_crashes (
                owner_id text NOT NULL,
                crashed_at timestamptz NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sluice_engine_crashes_by_owner ON sluice_engine_crashes (owner_id, crashed_at)",
            """
            CREATE TABLE IF NOT EXISTS sluice_cool_downs (
                owner_id text PRIMARY KEY,
                ends_at timestamptz NOT NULL)""",
            // Times are the database's now(), so the nodes' clocks do not matter. The bucket refills continuously
            // (a full minute's worth may come at once, as on a single node); a refusal leaves it untouched.
            """
            CREATE OR REPLACE FUNCTION sluice_claim_slot(p_owner text, p_statement text, p_node text, p_max integer,
                    p_per_minute integer, p_lease_seconds double precision, p_released text[])
                RETURNS TABLE (outcome text, cool_down_until timestamptz) LANGUAGE plpgsql AS $$
            DECLARE
                cooling timestamptz;
                held integer;
                available double precision;
            BEGIN
                IF cardinality(p_released) > 0 THEN
                    DELETE FROM sluice_principal_slots WHERE statement_id = ANY (p_released);
                END IF;
                PERFORM pg_advisory_xact_lock(%d, hashtext(p_owner));
                SELECT c.ends_at INTO cooling FROM sluice_cool_downs c WHERE c.owner_id = p_owner AND c.ends_at > now();
                IF cooling IS NOT NULL THEN
                    RETURN QUERY SELECT 'COOLING_DOWN'::text, cooling;
                    RETURN;
                END IF;
                DELETE FROM sluice_principal_slots s WHERE s.owner_id = p_owner AND NOT EXISTS (SELECT 1 FROM sluice_nodes n
                    WHERE n.node_id = s.node_id AND n.heartbeat_at >= now() - make_interval(secs => p_lease_seconds));
                SELECT count(*) INTO held FROM sluice_principal_slots s WHERE s.owner_id = p_owner;
                IF held >= p_max THEN
                    RETURN QUERY SELECT 'TOO_MANY_RUNNING'::text, NULL::timestamptz;
                    RETURN;
                END IF;
                INSERT INTO sluice_rate_buckets (owner_id, tokens, refilled_at) VALUES (p_owner, p_per_minute, now())
                    ON CONFLICT (owner_id) DO NOTHING;
                SELECT least(p_per_minute::double precision,
                        b.tokens + extract(epoch FROM now() - b.refilled_at) * p_per_minute / 60.0)
                    INTO available FROM sluice_rate_buckets b WHERE b.owner_id = p_owner;
                IF available < 1 THEN
                    RETURN QUERY SELECT 'TOO_MANY_PER_MINUTE'::text, NULL::timestamptz;
                    RETURN;
                END IF;
                UPDATE sluice_rate_buckets b SET tokens = available - 1, refilled_at = now() WHERE b.owner_id = p_owner;
                INSERT INTO sluice_principal_slots (statement_id, owner_id, node_id, claimed_at)
                    VALUES (p_statement, p_owner, p_node, now()) ON CONFLICT (statement_id) DO NOTHING;
                RETURN QUERY SELECT 'GRANTED'::text, NULL::timestamptz;
            END
            $$""".formatted(LOCK_SPACE));

    private final PostgresDatabase database;
    private final PostgresConfig config;
    /** Slots of statements that ended, not yet deleted in the database. */
    private final ConcurrentLinkedQueue<String> released = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ScheduledExecutorService releaser = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cluster-slot-release").daemon().factory());

    PostgresLimits(PostgresDatabase database, PostgresConfig config) {
        this.database = database;
        this.config = config;
    }

    /** At start: slots a previous run of this node id held belong to statements that will never end. */
    void forgetPreviousRun() {
        database.call(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_principal_slots WHERE node_id = ?")) {
                delete.setString(1, config.nodeId());
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public Claim claim(String principalId, String statementId, int maxRunning, int perMinute) {
        List<String> carried = drainReleased();
        try {
            return database.call(connection -> {
                Array releasedIds = connection.createArrayOf("text", carried.toArray());
                try (PreparedStatement claim = connection.prepareStatement(
                        "SELECT outcome, cool_down_until FROM sluice_claim_slot(?, ?, ?, ?, ?, ?, ?)")) {
                    claim.setString(1, principalId);
                    claim.setString(2, statementId);
                    claim.setString(3, config.nodeId());
                    claim.setInt(4, maxRunning);
                    claim.setInt(5, perMinute);
                    claim.setDouble(6, config.lease().toMillis() / 1000.0);
                    claim.setArray(7, releasedIds);
                    try (ResultSet row = claim.executeQuery()) {
                        row.next();
                        Outcome outcome = Outcome.valueOf(row.getString(1));
                        Timestamp until = row.getTimestamp(2);
                        return outcome == Outcome.GRANTED ? Claim.GRANTED
                                : new Claim(outcome, until == null ? null : until.toInstant());
                    }
                } finally {
                    releasedIds.free();
                }
            });
        } catch (RuntimeException e) {
            released.addAll(carried);
            scheduleFlush(1_000);
            throw e;
        }
    }

    @Override
    public void release(String statementId) {
        released.add(statementId);
        scheduleFlush(0);
    }

    @Override
    public Optional<Instant> crashed(String principalId, CrashCoolDown policy) {
        return database.transaction(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))");
                 PreparedStatement record = connection.prepareStatement(
                         "INSERT INTO sluice_engine_crashes (owner_id, crashed_at) VALUES (?, now())");
                 PreparedStatement count = connection.prepareStatement("WITH old AS (DELETE FROM sluice_engine_crashes"
                         + " WHERE owner_id = ? AND crashed_at < now() - make_interval(secs => ?))"
                         + " SELECT count(*) FROM sluice_engine_crashes WHERE owner_id = ?"
                         + " AND crashed_at >= now() - make_interval(secs => ?)");
                 PreparedStatement forget = connection.prepareStatement("DELETE FROM sluice_engine_crashes WHERE owner_id = ?");
                 PreparedStatement coolDown = connection.prepareStatement("INSERT INTO sluice_cool_downs (owner_id, ends_at)"
                         + " VALUES (?, now() + make_interval(secs => ?)) ON CONFLICT (owner_id) DO UPDATE"
                         + " SET ends_at = EXCLUDED.ends_at RETURNING ends_at")) {
                lock.setInt(1, LOCK_SPACE);
                lock.setString(2, principalId);
                lock.execute();
                record.setString(1, principalId);
                record.executeUpdate();
                double window = policy.window().toMillis() / 1000.0;
                count.setString(1, principalId);
                count.setDouble(2, window);
                count.setString(3, principalId);
                count.setDouble(4, window);
                long crashes;
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    crashes = row.getLong(1);
                }
                if (crashes < policy.crashes()) {
                    return Optional.<Instant>empty();
                }
                // The count starts again: after the cool-down the principal gets the same number of chances.
                forget.setString(1, principalId);
                forget.executeUpdate();
                coolDown.setString(1, principalId);
                coolDown.setDouble(2, policy.coolDown().toMillis() / 1000.0);
                try (ResultSet row = coolDown.executeQuery()) {
                    row.next();
                    return Optional.of(row.getTimestamp(1).toInstant());
                }
            }
        });
    }

    private List<String> drainReleased() {
        List<String> ids = new ArrayList<>();
        for (String id = released.poll(); id != null; id = released.poll()) {
            ids.add(id);
        }
        return ids;
    }

    private void scheduleFlush(long delayMillis) {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                releaser.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                flushScheduled.set(false);
            }
        }
    }

    /** Deletes the released slots; when the database is away, keeps them and tries again a second later. */
    private void flush() {
        flushScheduled.set(false);
        List<String> ids = drainReleased();
        if (ids.isEmpty()) {
            return;
        }
        try {
            delete(ids);
        } catch (RuntimeException e) {
            released.addAll(ids);
            LOG.debug("could not release {} cluster slot(s) yet: {}", ids.size(), e.getMessage());
            scheduleFlush(1_000);
        }
    }

    private void delete(List<String> ids) {
        database.call(connection -> {
            Array array = connection.createArrayOf("text", ids.toArray());
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM sluice_principal_slots WHERE statement_id = ANY (?)")) {
                delete.setArray(1, array);
                return delete.executeUpdate();
            } finally {
                array.free();
            }
        });
    }

    /** Writes the last releases (best effort: a node that cannot is past its lease soon, which releases them too). */
    @Override
    public void close() {
        releaser.shutdownNow();
        List<String> ids = drainReleased();
        if (!ids.isEmpty()) {
            try {
                delete(ids);
            } catch (RuntimeException e) {
                LOG.debug("could not release {} cluster slot(s) at shutdown: {}", ids.size(), e.getMessage());
            }
        }
    }
}
