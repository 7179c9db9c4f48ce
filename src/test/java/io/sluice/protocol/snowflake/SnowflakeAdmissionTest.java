package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.statement.StatementConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admission control refusing a statement is Snowflake's 429 {"code":"390505","message":"Too many requests."}. */
class SnowflakeAdmissionTest {

    @TempDir
    Path data;

    @Test
    void aFullServerAnswers429() {
        StatementConfig oneAtATime = new StatementConfig(1, 0, Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofSeconds(1));
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data).withStatements(oneAtATime), false)) {
            HttpResponse<String> slow = SqlApiContract.check(sluice.post("/api/v2/statements?async=true",
                    "{\"statement\": \"SELECT count(*) FROM range(100000000000) a\"}"));
            assertThat(slow.statusCode()).isEqualTo(202);
            HttpResponse<String> refused = SqlApiContract.check(sluice.post("/api/v2/statements", "{\"statement\": \"SELECT 1\"}"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.body()).isEqualTo("{\"code\":\"390505\",\"message\":\"Too many requests.\"}");
            String handle = SluiceTestServer.json(slow).get("statementHandle").asText();
            assertThat(SqlApiContract.check(sluice.post("/api/v2/statements/" + handle + "/cancel", "")).statusCode()).isEqualTo(200);
        }
    }
}
