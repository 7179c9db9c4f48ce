package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs the protocol fuzzer once answered with a 500, kept as plain regression tests with the 400 they now get. */
@Tag("security")
class FuzzFindingsTest {

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

    @Test
    void anIntegerPastHugeintIsAnInvalidParameter() {
        HttpResponse<String> response = sluice.post("/sluice/v1/query",
                "{\"sql\": \"SELECT :since AS s\", \"parameters\": {\"since\": 10000000000000000000000000000000000000000000000000000000000}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(SluiceTestServer.json(response).get("code").asText()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void aDruidTimestampParameterPastTheEngineRangeIsA400() {
        for (String value : new String[] {"100000000000000000000000000000000000", "-1.0E308"}) {
            HttpResponse<String> response = sluice.post("/druid/v2/sql", "{\"query\": \"SELECT ? AS t\", \"parameters\": "
                    + "[{\"type\": \"TIMESTAMP\", \"value\": " + value + "}]}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("\"errorClass\"").doesNotContain("java.lang");
        }
    }

    @Test
    void aFormEncodedDruidBodyWithABrokenEscapeIsA400() {
        HttpResponse<String> response = sluice.send(HttpRequest.newBuilder(sluice.uri("/druid/v2/sql"))
                .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1 %:( x")).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    }
}
