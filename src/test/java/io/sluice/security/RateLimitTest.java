package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AccessControl;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-principal limits: one principal flooding is refused with 429 while another's statements still finish. */
@Tag("security")
class RateLimitTest {

    private static final String SLOW_SQL = "SELECT count(*) FROM range(100000000000) a";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        sluice.server.access().limits(new AccessControl.Limits(2, 1000));
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aFloodingPrincipalIsLimitedAndOthersFinish() {
        List<String> bobs = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int attempt = 0; attempt < 10 && refused == null; attempt++) {
            HttpResponse<String> response = sluice.post("/sluice/v1/statements", body("sql", SLOW_SQL, "waitMs", 0),
                    sluice.otherUserKey);
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                bobs.add(json(response).get("id").asText());
            }
        }
        assertThat(bobs).hasSize(2);
        assertThat(refused).isNotNull();
        assertThat(json(refused).get("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // The admin's statements are not held up by bob's flood.
        for (int index = 0; index < 5; index++) {
            HttpResponse<String> mine = sluice.post("/sluice/v1/query", body("sql", "SELECT " + index + " AS n"));
            assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        }
        // Other protocols render the same refusal in their own shape.
        HttpResponse<String> druid = sluice.post("/druid/v2/sql", body("query", "SELECT 1"), sluice.otherUserKey);
        assertThat(druid.statusCode()).isEqualTo(429);
        for (String id : bobs) {
            sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements/" + id))
                    .header("Authorization", "Bearer " + sluice.otherUserKey).DELETE().build());
        }
    }

    @Test
    void statementsPerMinuteAreATokenBucket() {
        sluice.server.access().limits(new AccessControl.Limits(100, 3));
        try {
            int ok = 0;
            HttpResponse<String> last = null;
            for (int index = 0; index < 5; index++) {
                last = sluice.post("/sluice/v1/query", body("sql", "SELECT 1"), sluice.otherUserKey);
                if (last.statusCode() == 200) {
                    ok++;
                }
            }
            assertThat(ok).isEqualTo(3);
            assertThat(last.statusCode()).isEqualTo(429);
            assertThat(json(last).get("code").asText()).isEqualTo("RATE_LIMITED");
        } finally {
            sluice.server.access().limits(new AccessControl.Limits(2, 1000));
        }
    }
}
