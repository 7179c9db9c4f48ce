package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 10: {@code SELECT 1} through every API a client may use, as that API's client runs it, from the first
 * request to the rows: one POST where the API answers a finished statement inline, the whole chain where it does
 * not (Druid's statements API: submit, then fetch the results; Trino: follow {@code nextUri} to the end). The last
 * round of benchmarks measured {@code /sluice/v1/query} only and hid a 5× gap on the statement APIs.
 */
final class EveryApiLatency {

    private static final Pattern QUERY_ID = Pattern.compile("\"queryId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z]+)\"");
    private static final Pattern NEXT_URI = Pattern.compile("\"nextUri\"\\s*:\\s*\"https?://[^/\"]+([^\"]+)\"");

    /** The targets for every statement API: p50 at concurrency 1, rate and p99 at 32. */
    static final double TARGET_P50_MILLIS = 0.5;
    static final double TARGET_RATE = 5_000;
    static final double TARGET_P99_MILLIS = 50;

    private record Api(String name, SocketLoad.Exchange exchange) {
    }

    private final ServerProcess server;
    private final int serverWarmupSeconds;
    private final int warmupSeconds;
    private final int seconds;

    EveryApiLatency(ServerProcess server, int serverWarmupSeconds, int warmupSeconds, int seconds) {
        this.server = server;
        this.serverWarmupSeconds = serverWarmupSeconds;
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
    }

    List<String> measure(HttpLoad http, WrkLoad wrk) throws Exception {
        // A one-row ksqlDB table for the pull query, as a ksqlDB client would look up a key.
        http.post("/ksql", "{\"ksql\": \"CREATE TABLE bench_kv (id VARCHAR PRIMARY KEY, v INT) WITH "
                + "(kafka_topic='bench_kv', value_format='json'); INSERT INTO bench_kv (id, v) VALUES ('a', 1);\"}");
        List<String> lines = new ArrayList<>(List.of("## 10. Small statements through every API", "",
                "`SELECT 1` from the first request to the rows, as each API's client runs it: one POST where the API "
                        + "answers a finished statement inline; Druid's statements API submits and then fetches "
                        + "`/results`; Trino follows `nextUri` to the end; the ksqlDB row is a pull query on a "
                        + "one-row table; Nekt exports every result to a file in the local store and answers its link. "
                        + "Client: raw keep-alive HTTP/1.1 sockets, one platform thread per connection, in the "
                        + "benchmark's JVM; the first row repeats `/sluice/v1/query` with wrk (C) to show what this "
                        + "client costs. The server is warmed up for " + serverWarmupSeconds + " s first, then each row gets " + warmupSeconds
                        + " s of warm-up and " + seconds + " s measured per concurrency.",
                "",
                "| API | c=1 p50 ms | c=1 p99 ms | c=1 statements/s | c=32 p50 ms | c=32 p99 ms | c=32 statements/s | requests per statement | targets (p50 ≤ 0.5 ms; ≥ 5,000/s, p99 ≤ 50 ms) |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|"));
        if (wrk != null) {
            String body = "'{\"sql\": \"SELECT 1\"}'";
            // The server's JIT first (as section 3 and 11 do): the first rows measured cold otherwise.
            wrk.post("/sluice/v1/query", body, 32, serverWarmupSeconds);
            WrkLoad.Result one = wrk.post("/sluice/v1/query", body, 1, seconds);
            WrkLoad.Result many = wrk.post("/sluice/v1/query", body, 32, seconds);
            lines.add(row("`/sluice/v1/query` (wrk)", one.p50Millis(), one.p99Millis(), one.perSecond(),
                    many.p50Millis(), many.p99Millis(), many.perSecond(), 1));
        }
        SocketLoad load = new SocketLoad("127.0.0.1", server.port);
        for (Api api : apis()) {
            SocketLoad.Result one = load.run(api.exchange(), 1, warmupSeconds, seconds);
            SocketLoad.Result many = load.run(api.exchange(), 32, warmupSeconds, seconds);
            lines.add(row(api.name(), one.p50Millis(), one.p99Millis(), one.perSecond(), many.p50Millis(),
                    many.p99Millis(), many.perSecond(), (double) many.requests() / many.statements()));
        }
        lines.add("");
        return lines;
    }

    private static String row(String name, double p50, double p99, double rate, double p50Many, double p99Many,
            double rateMany, double requests) {
        boolean latency = p50 <= TARGET_P50_MILLIS;
        boolean throughput = rateMany >= TARGET_RATE && p99Many <= TARGET_P99_MILLIS;
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %,.0f | %.2f | %.2f | %,.0f | %.1f | %s |", name, p50, p99,
                rate, p50Many, p99Many, rateMany, requests,
                (latency ? "p50 met" : "p50 missed") + ", " + (throughput ? "c=32 met" : "c=32 missed"));
    }

    private List<Api> apis() {
        Map<String, String> json = Map.of("Authorization", "Bearer " + ServerProcess.KEY, "Content-Type", "application/json");
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + ServerProcess.KEY);
        return List.of(
                single("`/sluice/v1/query`", SocketLoad.Request.post("/sluice/v1/query", json, "{\"sql\": \"SELECT 1\"}")),
                single("`/sluice/v1/statements`", SocketLoad.Request.post("/sluice/v1/statements", json, "{\"sql\": \"SELECT 1\"}")),
                single("Snowflake `/api/v2/statements`", SocketLoad.Request.post("/api/v2/statements", json, "{\"statement\": \"SELECT 1\"}")),
                single("NCP `/api/v2/queries`", SocketLoad.Request.post("/api/v2/queries", json, "{\"query\": \"SELECT 1\"}")),
                single("Druid `/druid/v2/sql`", SocketLoad.Request.post("/druid/v2/sql", json, "{\"query\": \"SELECT 1\"}")),
                new Api("Druid `/druid/v2/sql/statements` + `/results`", druidStatements(json, bearer)),
                new Api("Trino `/v1/statement` + `nextUri`", trino(bearer)),
                single("ksqlDB pull query `/query-stream`", SocketLoad.Request.post("/query-stream", json,
                        "{\"sql\": \"SELECT * FROM bench_kv WHERE id = 'a';\"}")),
                single("Nekt `/api/v1/sql-query/` (CSV export)", SocketLoad.Request.post("/api/v1/sql-query/", json,
                        "{\"sql\": \"SELECT 1\", \"mode\": \"csv\"}")));
    }

    private static Api single(String name, SocketLoad.Request request) {
        return new Api(name, new SocketLoad.Exchange() {
            @Override
            public SocketLoad.Request first() {
                return request;
            }

            @Override
            public SocketLoad.Request next(String answer) {
                return null;
            }
        });
    }

    /** Submit asynchronously; poll the status while it runs; then fetch the rows, as Druid's own console does. */
    private static SocketLoad.Exchange druidStatements(Map<String, String> json, Map<String, String> bearer) {
        return new SocketLoad.Exchange() {
            @Override
            public SocketLoad.Request first() {
                return SocketLoad.Request.post("/druid/v2/sql/statements", json,
                        "{\"query\": \"SELECT 1\", \"context\": {\"executionMode\": \"ASYNC\"}}");
            }

            @Override
            public SocketLoad.Request next(String answer) {
                Matcher id = QUERY_ID.matcher(answer);
                if (!id.find()) {
                    return null;
                }
                Matcher state = STATE.matcher(answer);
                String path = "/druid/v2/sql/statements/" + id.group(1);
                return state.find() && !state.group(1).equals("SUCCESS")
                        ? SocketLoad.Request.get(path, bearer) : SocketLoad.Request.get(path + "/results", bearer);
            }
        };
    }

    private static SocketLoad.Exchange trino(Map<String, String> bearer) {
        Map<String, String> fixed = bearer;
        return new SocketLoad.Exchange() {
            @Override
            public SocketLoad.Request first() {
                return SocketLoad.Request.post("/v1/statement", fixed, "SELECT 1");
            }

            @Override
            public SocketLoad.Request next(String answer) {
                Matcher next = NEXT_URI.matcher(answer);
                return next.find() ? SocketLoad.Request.get(next.group(1), fixed) : null;
            }
        };
    }
}
