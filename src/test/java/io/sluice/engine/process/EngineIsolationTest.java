package io.sluice.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.access.AccessControl;
import io.sluice.core.access.CrashCoolDown;
import io.sluice.server.EngineIsolation;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine in a process of its own, tried as an attacker would with an ordinary key, on a real server with a
 * lowered ceiling (1 GB) so the bombs are safe on a small machine: each memory bomb and a cancel-ignoring statement
 * take down only the engine process; the server's own memory stays flat, other principals keep being served, and
 * a new engine answers within 10 s. kill -9 of the engine in the middle of a stream, an asynchronous statement and
 * an INSERT loses nothing committed and reports nothing as SUCCEEDED that did not finish.
 */
@Tag("security")
class EngineIsolationTest {

    @TempDir
    static Path data;
    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        SluiceConfig defaults = SluiceConfig.defaults(data);
        AccessControl.Limits limits = defaults.principalLimits();
        // bob attacks in every test here; the cool-down that would stop him after three crashes has its own test.
        SluiceConfig config = defaults.withEngineMemoryLimit("1GB")
                .withEngines(defaults.engines().withIsolation(EngineIsolation.defaults().withCancelGrace(Duration.ofSeconds(2))))
                .withPrincipalLimits(new AccessControl.Limits(limits.maxConcurrent(), limits.statementsPerMinute(),
                        limits.maxTimeout(), limits.spoolBytes(), new CrashCoolDown(1000, Duration.ofMinutes(10), Duration.ofMinutes(1))));
        sluice = new SluiceTestServer(config, true);
        sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "CREATE TABLE kept (i INTEGER)"));
        sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "INSERT INTO kept SELECT * FROM range(1000)"));
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void aPlanningTimeMemoryBombKillsOnlyTheEngineProcess() throws Exception {
        long serverBefore = residentBytes(ProcessHandle.current().pid());
        long engineBefore = enginePid();
        HttpResponse<String> bomb = sluice.post("/sluice/v1/query",
                SluiceTestServer.body("sql", "SELECT len(range(250000000))", "timeoutMs", 60000), sluice.otherUserKey);
        JsonNode error = SluiceTestServer.json(bomb);
        assertThat(bomb.statusCode()).as(bomb.body()).isEqualTo(503);
        assertThat(error.path("code").asText()).isEqualTo("ENGINE_RESTARTED");
        assertThat(error.path("message").asText()).contains("memory");
        assertThat(residentBytes(ProcessHandle.current().pid()) - serverBefore).isLessThan(300L * 1024 * 1024);
        assertBackWithin(Duration.ofSeconds(10));
        assertThat(enginePid()).isNotEqualTo(engineBefore);
        assertThat(count("SELECT count(*) FROM kept")).isEqualTo(1000);
    }

    @Test
    void aSortedListBombFailsClearlyAndOthersKeepSucceeding() throws Exception {
        CompletableFuture<HttpResponse<String>> bomb = CompletableFuture.supplyAsync(() -> sluice.post("/sluice/v1/query",
                SluiceTestServer.body("sql", "SELECT list_sort(range(300000000))", "timeoutMs", 60000), sluice.otherUserKey));
        HttpResponse<String> answer = bomb.get();
        assertThat(SluiceTestServer.json(answer).path("code").asText()).as(answer.body())
                .isIn("ENGINE_RESTARTED", "TIMEOUT");
        assertBackWithin(Duration.ofSeconds(10));
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(count("SELECT count(*) FROM kept")).isEqualTo(1000);
        }
    }

    @Test
    void aStatementThatIgnoresItsTimeoutIsStoppedByKillingTheEngineAfterTheGrace() {
        long started = System.nanoTime();
        // repeat() builds its constant while the statement is planned, where DuckDB does not look at a cancel.
        HttpResponse<String> answer = sluice.post("/sluice/v1/query",
                SluiceTestServer.body("sql", "SELECT length(repeat('x', 1500000000))", "timeoutMs", 3000), sluice.otherUserKey);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(SluiceTestServer.json(answer).path("code").asText()).as(answer.body()).isIn("TIMEOUT", "ENGINE_RESTARTED");
        // Timeout 3 s, grace 2 s, and a watchdog tick: far below the 43 s the statement ran for in the server.
        assertThat(millis).isLessThan(8_000);
        assertBackWithin(Duration.ofSeconds(10));
    }

    @Test
    void killingTheEngineMidStreamCutsTheStreamAndLosesNoCommittedRow() throws Exception {
        HttpResponse<InputStream> stream = sluice.postStreaming("/sluice/v1/query?format=ndjson",
                SluiceTestServer.body("sql", "SELECT i, i * 2 AS d FROM range(200000000) t(i)"));
        try (InputStream body = stream.body()) {
            byte[] first = body.readNBytes(1 << 20);
            assertThat(first.length).isEqualTo(1 << 20);
            kill9(enginePid());
            byte[] rest = body.readAllBytes();
            String tail = new String(rest, 0, Math.max(0, rest.length), java.nio.charset.StandardCharsets.UTF_8);
            // A stream cut by a failure has no terminator: the last line is not a whole row followed by a newline.
            assertThat(rest.length == 0 || !tail.endsWith("\n") || tail.contains("ENGINE_RESTARTED")).isTrue();
        } catch (IOException e) {
            // The connection was closed: also a visibly incomplete result.
        }
        assertBackWithin(Duration.ofSeconds(10));
        assertThat(count("SELECT count(*) FROM kept")).isEqualTo(1000);
    }

    @Test
    void killingTheEngineUnderAnAsynchronousStatementFailsItAndNothingIsReportedSucceeded() throws Exception {
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements", SluiceTestServer.body(
                "sql", "SELECT count(*) FROM range(1000000000000::BIGINT)", "waitMs", 0));
        String id = SluiceTestServer.json(submitted).path("id").asText();
        awaitState(id, "RUNNING", Duration.ofSeconds(10));
        Thread.sleep(300);
        kill9(enginePid());
        JsonNode status = awaitEnd(id, Duration.ofSeconds(15));
        assertThat(status.path("state").asText()).isEqualTo("FAILED");
        assertThat(status.path("error").path("code").asText()).isEqualTo("ENGINE_RESTARTED");
        assertBackWithin(Duration.ofSeconds(10));
        // The audit and statement history are the server's, untouched by the engine's death.
        assertThat(sluice.get("/sluice/v1/statements/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void killingTheEngineDuringAnInsertKeepsEveryCommittedRowAndTheInsertIsNotSucceeded() throws Exception {
        sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "CREATE TABLE IF NOT EXISTS big (i BIGINT)"));
        long before = count("SELECT count(*) FROM big");
        HttpResponse<String> submitted = sluice.post("/sluice/v1/statements", SluiceTestServer.body(
                "sql", "INSERT INTO big SELECT i FROM range(3000000000) t(i) WHERE i % 7 = 0", "waitMs", 0));
        String id = SluiceTestServer.json(submitted).path("id").asText();
        awaitState(id, "RUNNING", Duration.ofSeconds(10));
        Thread.sleep(500);
        kill9(enginePid());
        JsonNode status = awaitEnd(id, Duration.ofSeconds(15));
        assertThat(status.path("state").asText()).isNotEqualTo("SUCCEEDED");
        assertBackWithin(Duration.ofSeconds(10));
        // The insert was one transaction: none of its rows, and all of what was there before.
        assertThat(count("SELECT count(*) FROM big")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM kept")).isEqualTo(1000);
    }

    @Test
    void ksqlStreamsKeepTheirRowsAndTakeInsertsAfterTheEngineRestarts() throws Exception {
        HttpResponse<String> created = sluice.post("/ksql", SluiceTestServer.body("ksql",
                "CREATE STREAM survivors (id VARCHAR KEY, n INT) WITH (kafka_topic='survivors', value_format='json');"
                        + "INSERT INTO survivors (id, n) VALUES ('before', 1);", "streamsProperties", java.util.Map.of()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        kill9(enginePid());
        assertBackWithin(Duration.ofSeconds(10));
        // The insert is a statement the engine keeps prepared: it is prepared again on the new engine.
        HttpResponse<String> inserted = sluice.post("/ksql", SluiceTestServer.body("ksql",
                "INSERT INTO survivors (id, n) VALUES ('after', 2);", "streamsProperties", java.util.Map.of()));
        assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);
        HttpResponse<String> listed = sluice.post("/ksql", SluiceTestServer.body("ksql", "SHOW STREAMS;", "streamsProperties", java.util.Map.of()));
        assertThat(listed.body()).contains("SURVIVORS");
        HttpResponse<String> rows = sluice.post("/query", SluiceTestServer.body("sql", "SELECT id, n FROM survivors;",
                "properties", java.util.Map.of("auto.offset.reset", "earliest")));
        assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
        assertThat(rows.body()).contains("\"before\",1").contains("\"after\",2");
    }

    @Test
    void readinessSaysRestartingWhileTheEngineComesBack() throws Exception {
        kill9(enginePid());
        boolean sawRestarting = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/health/ready")).GET().build());
            String status = SluiceTestServer.json(ready).path("engines").path(0).path("status").asText();
            if (status.equals("RESTARTING")) {
                sawRestarting = true;
                assertThat(ready.statusCode()).isEqualTo(503);
            }
            if (status.equals("UP") && sawRestarting) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(sawRestarting).isTrue();
        assertBackWithin(Duration.ofSeconds(10));
    }

    @Test
    void enginesThatAreKilledLeaveNoUnpackedLibrariesBehind() throws Exception {
        for (int i = 0; i < 3; i++) {
            kill9(enginePid());
            assertBackWithin(Duration.ofSeconds(10));
        }
        Path scratch;
        try (var found = Files.walk(data)) {
            scratch = found.filter(path -> path.getFileName().toString().equals("engine-scratch")).findFirst()
                    .orElseThrow(() -> new AssertionError("no engine-scratch directory under " + data));
        }
        // A spare that was just started may still be unpacking; it deletes the library once it has loaded it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Path> left;
        do {
            sleep(100);
            try (var found = Files.walk(scratch)) {
                left = found.filter(path -> !path.equals(scratch)).toList();
            }
        } while ((hasLibrary(left) || countDirectories(left) > liveEngines()) && System.nanoTime() < deadline);
        // DuckDB's driver unpacks a 70 MB library on every start; once loaded it is deleted, and the directories of
        // dead engines are removed, so restarts cannot fill the disk.
        assertThat(left).noneMatch(path -> path.getFileName().toString().startsWith("libduckdb_java"));
        assertThat(countDirectories(left)).isLessThanOrEqualTo(liveEngines());
    }

    private static boolean hasLibrary(List<Path> paths) {
        return paths.stream().anyMatch(path -> path.getFileName().toString().startsWith("libduckdb_java"));
    }

    private static long countDirectories(List<Path> paths) {
        return paths.stream().filter(Files::isDirectory).count();
    }

    private static long liveEngines() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(process -> commandLine(process.pid()).contains(EngineHost.class.getName())).count();
    }

    private static void assertBackWithin(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            // Another principal than the attacker (bob).
            HttpResponse<String> answer = sluice.post("/sluice/v1/query", SluiceTestServer.body("sql", "SELECT 1 AS one", "timeoutMs", 5000));
            if (answer.statusCode() == 200) {
                return;
            }
            last = answer.statusCode() + " " + answer.body();
            sleep(100);
        }
        throw new AssertionError("the engine did not serve statements again within " + limit + "; last answer: " + last);
    }

    private static long count(String sql) {
        HttpResponse<String> answer = sluice.post("/sluice/v1/query?format=json-array", SluiceTestServer.body("sql", sql));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return SluiceTestServer.json(answer).path(0).path(0).asLong();
    }

    private static JsonNode awaitState(String id, String state, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = SluiceTestServer.json(sluice.get("/sluice/v1/statements/" + id));
            if (status.path("state").asText().equals(state)) {
                return status;
            }
            sleep(20);
        }
        throw new AssertionError("statement never " + state + ": " + status);
    }

    private static JsonNode awaitEnd(String id, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = SluiceTestServer.json(sluice.get("/sluice/v1/statements/" + id));
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status.path("state").asText())) {
                return status;
            }
            sleep(50);
        }
        throw new AssertionError("statement did not end: " + status);
    }

    /** The engine process: this server's child running the engine host. */
    static long enginePid() {
        return ProcessHandle.current().descendants()
                .filter(process -> commandLine(process.pid()).contains(EngineHost.class.getName()))
                .filter(process -> holdsTheDatabase(process.pid()))
                .filter(ProcessHandle::isAlive)
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new AssertionError("no engine process"));
    }

    /** The serving engine has the database file open; a warm spare has not opened it yet. */
    private static boolean holdsTheDatabase(long pid) {
        try (var descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return descriptors.anyMatch(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).getFileName().toString().equals("sluice.duckdb");
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void kill9(long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
    }

    static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        return -1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
