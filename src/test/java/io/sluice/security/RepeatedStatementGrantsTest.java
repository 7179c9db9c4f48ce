package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement text that ran before is checked and run in one step, against what it touched last time: the engine
 * (in its own process, as by default) runs it only if it still touches exactly that. These are the ways the
 * remembered answer could go stale, tried by an ordinary user whose grants or whose view changed in between.
 */
@Tag("security")
class RepeatedStatementGrantsTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static String u1;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        for (String sql : new String[] {
                "CREATE TABLE open_rows AS SELECT 1 AS v",
                "CREATE TABLE other_rows AS SELECT 2 AS v",
                "CREATE TABLE secret_rows AS SELECT 42 AS v",
                "CREATE VIEW shown AS SELECT * FROM open_rows",
                "CREATE USER u1",
                "CREATE ROLE readers",
                "GRANT ROLE readers TO USER u1",
                "GRANT SELECT ON TABLE open_rows TO ROLE readers",
                "GRANT SELECT ON TABLE other_rows TO ROLE readers"}) {
            assertThat(admin(sql).statusCode()).as(sql).isEqualTo(200);
        }
        u1 = json(admin("CREATE API KEY FOR USER u1")).get(0).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private static HttpResponse<String> admin(String sql) {
        return sluice.post("/sluice/v1/query", body("sql", sql), SluiceTestServer.ADMIN_KEY);
    }

    private static HttpResponse<String> asU1(String sql) {
        return sluice.post("/sluice/v1/query?format=json-array", body("sql", sql), u1);
    }

    @Test
    void aViewReplacedBetweenTwoRunsOfTheSameTextIsCheckedAgain() {
        String sql = "SELECT v FROM shown";
        for (int run = 0; run < 3; run++) {
            HttpResponse<String> answer = asU1(sql);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(json(answer).get(0).get(0).asInt()).isEqualTo(1);
        }
        assertThat(admin("CREATE OR REPLACE VIEW shown AS SELECT * FROM secret_rows").statusCode()).isEqualTo(200);

        // Refused as a table the grants hide is refused (as if missing), and none of the secret's rows come back.
        HttpResponse<String> after = asU1(sql);
        assertThat(after.statusCode()).as(after.body()).isIn(400, 403);
        assertThat(after.body()).contains("not authorized").doesNotContain("[42]").doesNotContain("secret_rows");
    }

    @Test
    void aRevokeBetweenTwoRunsOfTheSameTextTakesEffect() {
        String sql = "SELECT v FROM other_rows";
        for (int run = 0; run < 3; run++) {
            assertThat(asU1(sql).statusCode()).isEqualTo(200);
        }
        assertThat(admin("REVOKE SELECT ON TABLE other_rows FROM ROLE readers").statusCode()).isEqualTo(200);

        HttpResponse<String> after = asU1(sql);
        assertThat(after.statusCode()).as(after.body()).isIn(400, 403);
        assertThat(after.body()).contains("not authorized").doesNotContain("[2]");
    }
}
