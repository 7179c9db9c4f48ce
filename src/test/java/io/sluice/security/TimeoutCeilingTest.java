package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statement-time ceilings per principal: from configuration (limits.principalMaxTimeoutSeconds) and per role
 * (ALTER ROLE r SET STATEMENT_TIMEOUT_IN_SECONDS = n). A statement asking for more is stopped at the ceiling.
 */
@Tag("security")
class TimeoutCeilingTest {

    private static final String ENDLESS = "SELECT count(*) FROM range(100000000000) a";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private static void admin(String sql) {
        HttpResponse<String> response = sluice.post("/sluice/v1/query", "{\"sql\": \"" + sql + "\"}");
        assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
    }

    /** Bob asks for ten minutes and waits up to 20 s for the answer. */
    private static JsonNode bobRunsAnEndlessStatement() {
        HttpResponse<String> response = sluice.post("/sluice/v1/statements",
                "{\"sql\": \"" + ENDLESS + "\", \"timeoutMs\": 600000, \"waitMs\": 20000}", sluice.otherUserKey);
        return json(response);
    }

    @Test
    void aRoleCeilingStopsItsMembersStatements() throws java.io.IOException {
        admin("CREATE ROLE IF NOT EXISTS brief");
        admin("ALTER ROLE brief SET STATEMENT_TIMEOUT_IN_SECONDS = 1");
        admin("GRANT ROLE brief TO USER bob");
        try {
            JsonNode answer = bobRunsAnEndlessStatement();
            assertThat(answer.path("code").asText()).as(answer.toString()).isEqualTo("TIMEOUT");
            assertThat(answer.get("message").asText()).contains("1000 ms");
            // The ceiling is kept with the other access rules and comes off again.
            assertThat(java.nio.file.Files.readString(data.resolve("security").resolve("access.tsv"))).contains("role-timeout\tbrief\t1");
            admin("ALTER ROLE brief UNSET STATEMENT_TIMEOUT_IN_SECONDS");
            assertThat(sluice.server.access().maxTimeout(new io.sluice.core.auth.Principal("bob", "bob", false))).isNull();
        } finally {
            admin("REVOKE ROLE brief FROM USER bob");
        }
    }

    @Test
    void theConfiguredCeilingAppliesToEveryPrincipal() {
        sluice.server.access().limits(new AccessControl.Limits(64, 60_000, Duration.ofSeconds(1)));
        try {
            JsonNode answer = bobRunsAnEndlessStatement();
            assertThat(answer.path("code").asText()).as(answer.toString()).isEqualTo("TIMEOUT");
            assertThat(answer.get("message").asText()).contains("1000 ms");
        } finally {
            sluice.server.access().limits(AccessControl.Limits.DEFAULT);
        }
    }

    @Test
    void onlyAdminsSetCeilings() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query",
                "{\"sql\": \"ALTER ROLE brief SET STATEMENT_TIMEOUT_IN_SECONDS = 100000\"}", sluice.otherUserKey);
        assertThat(response.statusCode()).isEqualTo(403);
    }
}
