package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.body;
import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure that is the server's (an engine's "IO Error", a damaged spool file) is a 5xx with a generic message in
 * every protocol's shape: its own text names paths, result ids and engine internals, which go to the log only
 * (issue 19, item 5).
 */
@Tag("security")
class InternalErrorDisclosureTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = new SluiceTestServer(SluiceConfig.defaults(data), false);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aDamagedSpoolFileIsAGeneric500() throws Exception {
        String sql = "SELECT i, repeat('x', 50) AS s FROM range(5000) t(i)";
        String nativeId = json(sluice.post("/sluice/v1/statements", body("sql", sql, "waitMs", 30_000))).get("id").asText();
        String ncpId = json(sluice.post("/api/v2/queries/async", body("query", sql))).get("id").asText();
        awaitFinished(List.of(nativeId, ncpId));
        damageEverySpooledPage();
        // (Druid and Snowflake stream a stored result as they read it, so a damaged page there cuts the response.)

        record Read(String path, int status, String shapeField) {
        }
        for (Read read : List.of(
                new Read("/sluice/v1/statements/" + nativeId + "/results?format=json", 500, "message"),
                new Read("/api/v2/queries/" + ncpId + "?offset=0&pageSize=10", 500, "detail"))) {
            HttpResponse<String> response = sluice.get(read.path());
            String what = read.path() + ": " + response.body();
            assertThat(response.statusCode()).as(what).isEqualTo(read.status());
            assertThat(json(response).get(read.shapeField()).asText()).as(what).contains("Internal error");
            assertThat(response.body()).as(what).doesNotContain("damaged").doesNotContain(data.toString())
                    .doesNotContain("page ").doesNotContain("\tat ");
        }
        assertThat(sluice.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void anEngineFailureNeverNamesTheEnginesFiles() {
        // DuckDB refuses to open its own database file a second time ("Unique file handle conflict … the database
        // file <path> is already attached"); whether this is refused before the engine or fails inside it, the
        // answer names no path.
        String database = data.resolve("engine").resolve("sluice.duckdb").toString();
        for (String path : List.of("/sluice/v1/query", "/druid/v2/sql", "/api/v2/statements", "/api/v2/queries")) {
            String field = switch (path) {
                case "/sluice/v1/query" -> "sql";
                case "/api/v2/statements" -> "statement";
                default -> "query";
            };
            HttpResponse<String> response = sluice.post(path, body(field, "FROM '" + database + "'"));
            String what = path + ": " + response.body();
            assertThat(response.statusCode()).as(what).isBetween(400, 599);
            assertThat(response.body()).as(what).doesNotContain(database).doesNotContain("sluice.duckdb")
                    .doesNotContain("Unique file handle");
        }
    }

    private static void damageEverySpooledPage() throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("spool"))) {
            for (Path page : files.filter(file -> file.getFileName().toString().matches("page-\\d+\\.arrow")).toList()) {
                try (FileChannel channel = FileChannel.open(page, StandardOpenOption.WRITE)) {
                    channel.truncate(Math.max(0, channel.size() / 2));
                }
            }
        }
    }

    private static void awaitFinished(List<String> ids) throws InterruptedException {
        for (int attempt = 0; attempt < 400; attempt++) {
            long running = 0;
            for (var statement : json(sluice.get("/sluice/v1/statements?limit=50")).get("statements")) {
                String state = statement.get("state").asText();
                if (state.equals("QUEUED") || state.equals("RUNNING")) {
                    running++;
                }
            }
            if (running == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("statements did not finish: " + ids);
    }
}
