package io.sluice.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.io.SharedDocument;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules the cluster relies on, against a real PostgreSQL: a terminal status never changes again; a
 * request id binds once; a cancel reaches only the running node; an expired lease fails exactly the dead
 * node's active statements; shared documents refuse a write based on a stale version.
 */
class PostgresStatementRepositoryTest {

    private String url;
    private PostgresCluster first;
    private PostgresCluster second;

    @BeforeEach
    void start() {
        url = PostgresTestServer.shared().createDatabase("repository");
        first = PostgresCluster.start(config("first"));
        second = PostgresCluster.start(config("second"));
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private PostgresConfig config(String nodeId) {
        return new PostgresConfig(url, "postgres", "", 2, nodeId, Duration.ofSeconds(2), Duration.ofDays(1));
    }

    @Test
    void aTerminalStatusIsNeverOverwritten() {
        var repository = first.statements();
        assertThat(repository.save(status("s1", StatementState.QUEUED, null))).isTrue();
        assertThat(repository.save(status("s1", StatementState.RUNNING, null))).isTrue();
        SluiceError lost = SluiceError.of(ErrorCode.SERVER_RESTARTED, "node first stopped (lease expired)");
        assertThat(repository.save(status("s1", StatementState.FAILED, lost))).isTrue();
        // A node that was only cut off comes back and reports success: refused.
        assertThat(repository.save(status("s1", StatementState.SUCCEEDED, null))).isFalse();
        StatementStatus stored = second.statements().find("s1").orElseThrow();
        assertThat(stored.state()).isEqualTo(StatementState.FAILED);
        assertThat(stored.error()).isEqualTo(lost);
        assertThat(stored.createdAt()).isEqualTo(CREATED);
    }

    @Test
    void aRequestIdBindsToTheFirstStatementOnly() {
        assertThat(first.statements().claimRequestId("alice", "r1", "s-a")).isEqualTo("s-a");
        assertThat(second.statements().claimRequestId("alice", "r1", "s-b")).isEqualTo("s-a");
        assertThat(second.statements().claimRequestId("bob", "r1", "s-c")).isEqualTo("s-c");
        first.statements().releaseRequestId("alice", "r1", "s-a");
        assertThat(second.statements().claimRequestId("alice", "r1", "s-d")).isEqualTo("s-d");
    }

    @Test
    void aCancelRequestReachesTheNodeRunningTheStatementAndNoOther() {
        first.statements().save(status("s2", StatementState.RUNNING, null));
        second.statements().requestCancel("s2", SluiceError.of(ErrorCode.CANCELLED, "Statement was cancelled"));
        assertThat(second.statements().cancelRequests()).isEmpty();
        assertThat(first.statements().cancelRequests()).extracting(r -> r.statementId()).containsExactly("s2");
        first.statements().save(status("s2", StatementState.CANCELLED, SluiceError.of(ErrorCode.CANCELLED, "Statement was cancelled")));
        assertThat(first.statements().cancelRequests()).isEmpty();
    }

    @Test
    void anExpiredLeaseFailsTheDeadNodesActiveStatementsOnly() throws Exception {
        first.statements().save(status("running-on-first", StatementState.RUNNING, null));
        first.statements().save(status("done-on-first", StatementState.SUCCEEDED, null));
        second.statements().save(status("running-on-second", StatementState.RUNNING, null));
        // The first node dies (its heartbeats stop, else the next beat would undo the update below) and its
        // last heartbeat was a minute ago.
        first.close();
        try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
            connection.createStatement().executeUpdate(
                    "UPDATE sluice_nodes SET heartbeat_at = now() - interval '1 minute' WHERE node_id = 'first'");
        }
        try (PostgresDatabase database = new PostgresDatabase(config("second"))) {
            // The second node's own background sweep may have got there first on a slow machine (after one
            // lease of healthy beats); either way exactly the dead node's running statement is failed.
            assertThat(new PostgresNodes(database, config("second")).sweep()).isBetween(0, 1);
        }
        StatementStatus failed = second.statements().find("running-on-first").orElseThrow();
        assertThat(failed.state()).isEqualTo(StatementState.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.SERVER_RESTARTED);
        assertThat(failed.error().message()).contains("node first stopped (lease expired)");
        assertThat(second.statements().find("done-on-first").orElseThrow().state()).isEqualTo(StatementState.SUCCEEDED);
        assertThat(second.statements().find("running-on-second").orElseThrow().state()).isEqualTo(StatementState.RUNNING);
    }

    @Test
    void tagsAreStoredWithTheStatusAndFindTheStatementsThatCarryThem() {
        Map<String, String> tags = Map.of("druid.sqlQueryId", "q-1", "ncp.projectId", "42", "odd", "quote \" and \\ and é");
        first.statements().save(tagged("t-running", "alice", StatementState.RUNNING, tags));
        first.statements().save(tagged("t-done", "alice", StatementState.SUCCEEDED, Map.of("druid.sqlQueryId", "q-1")));
        second.statements().save(tagged("t-bob", "bob", StatementState.QUEUED, Map.of("druid.sqlQueryId", "q-1")));
        second.statements().save(tagged("t-other", "alice", StatementState.RUNNING, Map.of("druid.sqlQueryId", "q-2")));

        assertThat(second.statements().find("t-running").orElseThrow().tags()).isEqualTo(tags);
        // A later save (the statement's end) leaves the tags as they were.
        first.statements().save(tagged("t-running", "alice", StatementState.SUCCEEDED, Map.of()));
        assertThat(second.statements().find("t-running").orElseThrow().tags()).isEqualTo(tags);

        assertThat(second.statements().findActiveByTag(null, "druid.sqlQueryId", "q-1"))
                .extracting(StatementStatus::id).containsExactlyInAnyOrder("t-bob");
        assertThat(second.statements().findByTag("alice", "druid.sqlQueryId", "q-1"))
                .extracting(StatementStatus::id).containsExactlyInAnyOrder("t-running", "t-done");
        assertThat(second.statements().findActiveByTag("bob", "druid.sqlQueryId", "q-2")).isEmpty();
        assertThat(first.statements().list("alice", "druid", 10)).extracting(StatementStatus::id)
                .containsExactlyInAnyOrder("t-running", "t-done", "t-other");
        assertThat(first.statements().list("alice", "native", 10)).isEmpty();
    }

    @Test
    void aSharedDocumentRefusesAWriteBasedOnAStaleVersion() {
        SharedDocument onFirst = first.document("grants");
        SharedDocument onSecond = second.document("grants");
        assertThat(onFirst.read().version()).isZero();
        assertThat(onFirst.write(0, List.of("user\tcarol"))).isTrue();
        assertThat(onSecond.write(0, List.of("user\tmallory"))).isFalse();
        assertThat(onSecond.read()).isEqualTo(new SharedDocument.Snapshot(1, List.of("user\tcarol")));
        assertThat(onSecond.write(1, List.of("user\tcarol", "user\tdave"))).isTrue();
        assertThat(onFirst.write(1, List.of())).isFalse();
        assertThat(onFirst.version()).isEqualTo(2);
    }

    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456Z");

    private static StatementStatus tagged(String id, String owner, StatementState state, Map<String, String> tags) {
        StatementStatus plain = status(id, state, null);
        return new StatementStatus(id, owner, "druid", "SELECT 1", state, plain.createdAt(), plain.startedAt(),
                plain.endedAt(), plain.rows(), -1, plain.pageCount(), false, false, id, null, null, tags);
    }

    private static StatementStatus status(String id, StatementState state, SluiceError error) {
        boolean terminal = state.isTerminal();
        Instant ended = terminal ? CREATED.plus(2, ChronoUnit.SECONDS) : null;
        return new StatementStatus(id, "alice", "native", "SELECT 1", state, CREATED,
                state == StatementState.QUEUED ? null : CREATED.plusSeconds(1), ended, terminal ? 1 : 0, -1,
                state == StatementState.SUCCEEDED ? 1 : 0, false, false, id, null, error);
    }
}
