package io.sluice.protocol.nativeapi;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /sluice/v1/statements: the caller's own statements; an admin's ?all=true lists everyone's with owner and SQL. */
class StatementListingTest {

    private static final String SLOW_SQL = "SELECT sum(a.range * b.range) FROM range(300000) a CROSS JOIN range(300000) b";

    @TempDir
    static Path data;

    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void adminsSeeEveryonesStatementsOnlyWhenAskingForAll() {
        String mine = json(sluice.post("/sluice/v1/statements", body("sql", "SELECT 1 AS one", "waitMs", 5000))).get("id").asText();
        String bobs = json(sluice.post("/sluice/v1/statements", body("sql", SLOW_SQL, "waitMs", 0), sluice.otherUserKey)).get("id").asText();
        try {
            List<String> adminOwn = ids(sluice.get("/sluice/v1/statements"));
            assertThat(adminOwn).contains(mine).doesNotContain(bobs);

            JsonNode everyone = json(sluice.get("/sluice/v1/statements?all=true")).get("statements");
            JsonNode bob = find(everyone, bobs);
            assertThat(bob).isNotNull();
            assertThat(bob.get("owner").asText()).isEqualTo("bob");
            assertThat(bob.get("sql").asText()).isEqualTo(SLOW_SQL);
            assertThat(bob.get("state").asText()).isIn("QUEUED", "RUNNING");
            assertThat(find(everyone, mine).get("owner").asText()).isEqualTo("admin");
            // Instants are ISO-8601 text, as the OpenAPI document says, in listings as in every answer.
            assertThat(bob.get("createdAt").isTextual()).as(bob.toString()).isTrue();
            assertThat(bob.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            JsonNode status = json(sluice.get("/sluice/v1/statements/" + mine));
            assertThat(status.get("endedAt").isTextual()).as(status.toString()).isTrue();

            // Others never see anyone else's, with or without the flag.
            assertThat(ids(sluice.get("/sluice/v1/statements?all=true", sluice.otherUserKey))).contains(bobs).doesNotContain(mine);
            // Listing is not ownership: the admin still cannot cancel bob's statement.
            assertThat(sluice.delete("/sluice/v1/statements/" + bobs).statusCode()).isEqualTo(404);
        } finally {
            sluice.send(HttpRequest.newBuilder(sluice.uri("/sluice/v1/statements/" + bobs))
                    .header("Authorization", "Bearer " + sluice.otherUserKey).DELETE().build());
        }
    }

    private static List<String> ids(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(response).get("statements").forEach(statement -> ids.add(statement.get("id").asText()));
        return ids;
    }

    private static JsonNode find(JsonNode statements, String id) {
        for (JsonNode statement : statements) {
            if (statement.get("id").asText().equals(id)) {
                return statement;
            }
        }
        return null;
    }
}
