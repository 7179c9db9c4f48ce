package io.sluice.storage.postgres;

import io.sluice.core.engine.OutsideWork;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work nodes started outside themselves (Trino queries), one row per piece in {@code sluice_outside_work} while it
 * runs. When a node's lease expires, the first surviving node to sweep takes its rows ({@code DELETE … RETURNING},
 * so each is stopped once) and stops each piece with the stopper registered for its kind; a node restarted with
 * the same id does the same with what its previous run left. A row of a kind the sweeping node cannot stop (it has
 * no Trino) is left for a node that can.
 */
final class PostgresOutsideWork implements OutsideWork, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresOutsideWork.class);

    static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS sluice_outside_work (
                id bigserial PRIMARY KEY,
                node_id text NOT NULL,
                kind text NOT NULL,
                reference text NOT NULL,
                owner_id text NOT NULL,
                started_at timestamptz NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sluice_outside_work_by_node ON sluice_outside_work (node_id)");

    /** Stops one orphaned piece of work: its reference and owner. */
    @FunctionalInterface
    interface Stopper {
        boolean stop(String reference, String owner);
    }

    private final PostgresDatabase database;
    private final PostgresConfig config;
    private final Map<String, Stopper> stoppers = new ConcurrentHashMap<>();
    /** Rows of work that ended, not yet deleted. */
    private final ConcurrentLinkedQueue<Long> ended = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cluster-outside-work").daemon().factory());

    PostgresOutsideWork(PostgresDatabase database, PostgresConfig config) {
        this.database = database;
        this.config = config;
    }

    void stopWith(String kind, Stopper stopper) {
        stoppers.put(kind, stopper);
    }

    @Override
    public Entry started(String kind, String reference, String owner) {
        long id = database.call(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sluice_outside_work (node_id, kind,"
                    + " reference, owner_id, started_at) VALUES (?, ?, ?, ?, now()) RETURNING id")) {
                insert.setString(1, config.nodeId());
                insert.setString(2, kind);
                insert.setString(3, reference);
                insert.setString(4, owner);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                ended.add(id);
                scheduleFlush(0);
            }
        };
    }

    /**
     * Takes the work of nodes whose lease expired (and, with {@code ownPreviousRun}, this node id's own rows, left
     * by a run that died) and stops it, in the background. Called by the heartbeat after its sweep.
     */
    void stopOrphans(boolean ownPreviousRun) {
        if (stoppers.isEmpty()) {
            return;
        }
        List<String[]> orphans = database.call(connection -> {
            Array kinds = null;
            try (PreparedStatement take = connection.prepareStatement("DELETE FROM sluice_outside_work w WHERE w.kind = ANY (?)"
                    + " AND (w.node_id = ? AND ? OR NOT EXISTS (SELECT 1 FROM sluice_nodes n WHERE n.node_id = w.node_id"
                    + " AND n.heartbeat_at >= now() - make_interval(secs => ?))) RETURNING w.node_id, w.kind, w.reference, w.owner_id")) {
                kinds = connection.createArrayOf("text", stoppers.keySet().toArray());
                take.setArray(1, kinds);
                take.setString(2, config.nodeId());
                take.setBoolean(3, ownPreviousRun);
                take.setDouble(4, config.lease().toMillis() / 1000.0);
                List<String[]> rows = new ArrayList<>();
                try (ResultSet row = take.executeQuery()) {
                    while (row.next()) {
                        rows.add(new String[] {row.getString(1), row.getString(2), row.getString(3), row.getString(4)});
                    }
                }
                return rows;
            } finally {
                if (kinds != null) {
                    kinds.free();
                }
            }
        });
        for (String[] orphan : orphans) {
            background.execute(() -> {
                boolean stopped = stoppers.get(orphan[1]).stop(orphan[2], orphan[3]);
                if (stopped) {
                    LOG.warn("stopped {} {} of node {}, which died while it ran", orphan[1], orphan[2], orphan[0]);
                } else {
                    LOG.warn("could not stop {} {} of node {}, which died while it ran", orphan[1], orphan[2], orphan[0]);
                }
            });
        }
    }

    private void scheduleFlush(long delayMillis) {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                background.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                flushScheduled.set(false);
            }
        }
    }

    private void flush() {
        flushScheduled.set(false);
        List<Long> ids = new ArrayList<>();
        for (Long id = ended.poll(); id != null; id = ended.poll()) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            database.call(connection -> {
                Array array = connection.createArrayOf("bigint", ids.toArray());
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_outside_work WHERE id = ANY (?)")) {
                    delete.setArray(1, array);
                    return delete.executeUpdate();
                } finally {
                    array.free();
                }
            });
        } catch (RuntimeException e) {
            ended.addAll(ids);
            scheduleFlush(1_000);
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
        flush();
    }
}
