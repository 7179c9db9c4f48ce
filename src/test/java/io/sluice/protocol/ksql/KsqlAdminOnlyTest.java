package io.sluice.protocol.ksql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams have no per-principal grants yet, so a non-admin gets ksqlDB's 403 error instead of access. */
class KsqlAdminOnlyTest {

    @TempDir
    Path data;

    @Test
    void nonAdminPrincipalsAreRefusedInKsqlShape() {
        try (SluiceTestServer sluice = new SluiceTestServer(SluiceConfig.defaults(data), false)) {
            HttpResponse<String> refused = sluice.post("/ksql", "{\"ksql\": \"SHOW STREAMS;\"}", sluice.otherUserKey);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(SluiceTestServer.json(refused).get("@type").asText()).isNotBlank();
            assertThat(SluiceTestServer.json(refused).get("error_code").asInt()).isEqualTo(40300);
            HttpResponse<String> allowed = sluice.post("/ksql", "{\"ksql\": \"SHOW STREAMS;\"}");
            assertThat(allowed.statusCode()).isEqualTo(200);
        }
    }
}
