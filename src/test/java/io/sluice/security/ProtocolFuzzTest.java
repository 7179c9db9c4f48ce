package io.sluice.security;

import static io.sluice.testing.SluiceTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every protocol's request parser against a real server: for each endpoint, generated bodies (mutated
 * valid requests, wrong types, huge numbers, deep nesting, invalid UTF-8, cut-off JSON, noise), query values,
 * path ids, content types and headers, for a bounded number of tries and time. No answer may be a 5xx other than
 * 503/504 (the server busy, a statement's own timeout), carry a stack trace, or take longer than the per-request
 * timeout; the server must still be healthy afterwards.
 *
 * <p>Budget (CI): {@code sluice.fuzz.cases} tries (default 40) and {@code sluice.fuzz.millisPerTarget} (default
 * 2,000) per endpoint, whichever ends first. The seed is printed; {@code -Dsluice.fuzz.seed=N} replays a run.
 */
@Tag("security")
class ProtocolFuzzTest {

    private static final long SEED = Long.getLong("sluice.fuzz.seed", System.nanoTime());
    private static final int CASES = Integer.getInteger("sluice.fuzz.cases", 40);
    private static final long MILLIS_PER_TARGET = Long.getLong("sluice.fuzz.millisPerTarget", 2_000);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern STACK_FRAME = Pattern.compile("\\bat (java|javax|jdk|io|org|com|sun)\\.[\\w.$]+\\(|java\\.lang\\.|\\.java:\\d+\\)");

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<String, String> IDS = new java.util.HashMap<>();

    /** One endpoint: how to call it and what a valid request looks like. */
    record Target(String name, String method, String path, List<String> queryNames, List<String> templates, Auth auth) {
    }

    /** How a target authenticates; the last two fuzz the credential itself (NCP signature headers, a Snowflake JWT). */
    enum Auth { BEARER, BASIC, API_KEY_HEADER, NCP_SIGNATURE, SNOWFLAKE_JWT }

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
        System.out.println("ProtocolFuzzTest seed " + SEED + " (-Dsluice.fuzz.seed=" + SEED + " replays it)");
        IDS.put("{id}", json(sluice.post("/sluice/v1/statements", "{\"sql\": \"SELECT * FROM range(30) t(n)\", \"waitMs\": 10000}"))
                .get("id").asText());
        IDS.put("{queryId}", json(sluice.post("/druid/v2/sql/statements",
                "{\"query\": \"SELECT 1 AS x\", \"context\": {\"executionMode\": \"ASYNC\"}}")).get("queryId").asText());
        IDS.put("{handle}", json(sluice.post("/api/v2/statements", "{\"statement\": \"SELECT 1 AS x\"}")).get("statementHandle").asText());
        IDS.put("{executionId}", json(sluice.post("/api/v2/queries", "{\"query\": \"SELECT 1 AS x\"}")).get("id").asText());
        IDS.put("{name}", "bob");
        IDS.put("{role}", "fuzzers");
        sluice.post("/sluice/v1/admin/roles", "{\"name\": \"fuzzers\"}");
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    static List<Target> targets() {
        String nativeStatement = "{\"sql\": \"SELECT ? AS a, $2 AS b\", \"parameters\": [1, {\"type\": \"DECIMAL(10,2)\", \"value\": \"1.5\"}],"
                + " \"waitMs\": 1000, \"timeoutMs\": 10000, \"maxRows\": 10, \"timeZone\": \"UTC\", \"requestId\": \"r1\","
                + " \"reuse\": {\"maxAgeSeconds\": 60}}";
        String nativeNamed = "{\"sql\": \"SELECT :since AS s\", \"parameters\": {\"since\": {\"type\": \"TIMESTAMP\", \"value\": \"2015-09-12T12:00:00\"}},"
                + " \"export\": {\"format\": \"csv\", \"compression\": \"gzip\", \"delimiter\": \";\", \"header\": true, \"splitBytes\": 1000000}}";
        String nativeQuery = "{\"sql\": \"SELECT * FROM wikipedia LIMIT 3\", \"format\": \"ndjson\", \"parameters\": [], \"catalog\": \"sluice\", \"schema\": \"main\"}";
        String druid = "{\"query\": \"SELECT channel, count(*) AS n FROM wikipedia WHERE __time >= ? GROUP BY 1 LIMIT 2\", \"resultFormat\": \"array\","
                + " \"header\": true, \"typesHeader\": true, \"sqlTypesHeader\": true, \"parameters\": [{\"type\": \"TIMESTAMP\", \"value\": \"2015-09-12 00:00:00\"}],"
                + " \"context\": {\"sqlQueryId\": \"q1\", \"sqlTimeZone\": \"UTC\", \"timeout\": 10000, \"sqlOuterLimit\": 5, \"sqlStringifyArrays\": false}}";
        String druidAsync = "{\"query\": \"SELECT 1 AS x\", \"context\": {\"executionMode\": \"ASYNC\", \"selectDestination\": \"durableStorage\"}}";
        String snowflake = "{\"statement\": \"SELECT ? AS a, ? AS b\", \"timeout\": 10, \"database\": \"sluice\", \"schema\": \"main\","
                + " \"bindings\": {\"1\": {\"type\": \"FIXED\", \"value\": \"1\"}, \"2\": {\"type\": \"TEXT\", \"value\": \"x\"}},"
                + " \"parameters\": {\"MULTI_STATEMENT_COUNT\": \"1\", \"TIMEZONE\": \"UTC\", \"DATE_OUTPUT_FORMAT\": \"YYYY-MM-DD\", \"ROWS_PER_RESULTSET\": 10}}";
        String snowflakeMulti = "{\"statement\": \"SELECT 1; SELECT 2\", \"parameters\": {\"MULTI_STATEMENT_COUNT\": 2}}";
        String ncp = "{\"query\": \"SELECT * FROM public_data.korea_trade_insurance.exchange_rate WHERE currency_code = ?\", \"executionParameters\": [\"CNY\"],"
                + " \"timeout\": 10, \"isReuse\": false, \"reuseMaxAge\": 60, \"dataSource\": \"public_data\", \"database\": \"korea_trade_insurance\", \"projectId\": \"p\"}";
        String nekt = "{\"sql\": \"SELECT 1 AS n\", \"mode\": \"csv\", \"mode_options\": {\"delimiter\": \";\", \"header\": true, \"compression\": \"GZIP\", \"split_size_bytes\": 1000000, \"strict\": false}}";
        String nektParquet = "{\"sql\": \"SELECT 1 AS n\", \"mode\": \"parquet\", \"mode_options\": {\"compression\": \"ZSTD\"}}";
        String ksql = "{\"ksql\": \"SHOW STREAMS;\", \"streamsProperties\": {\"ksql.streams.auto.offset.reset\": \"earliest\"}}";
        String ksqlDescribe = "{\"ksql\": \"DESCRIBE riderLocations;\"}";
        String pull = "{\"ksql\": \"SELECT * FROM riderLocations WHERE profileId = 'none' LIMIT 1;\", \"streamsProperties\": {}}";
        String pullStream = "{\"sql\": \"SELECT * FROM riderLocations WHERE profileId = 'none' LIMIT 1;\", \"properties\": {}}";
        return List.of(
                new Target("native submit", "POST", "/sluice/v1/statements", List.of(), List.of(nativeStatement, nativeNamed), Auth.BEARER),
                new Target("native query", "POST", "/sluice/v1/query", List.of("format", "header", "timeZone"), List.of(nativeQuery, nativeStatement), Auth.BEARER),
                new Target("native list", "GET", "/sluice/v1/statements", List.of("limit", "all"), List.of(), Auth.BEARER),
                new Target("native status", "GET", "/sluice/v1/statements/{id}", List.of("waitMs"), List.of(), Auth.BEARER),
                new Target("native results", "GET", "/sluice/v1/statements/{id}/results", List.of("page", "format", "header", "timeZone", "offset", "limit"), List.of(), Auth.BEARER),
                new Target("native export", "POST", "/sluice/v1/statements/{id}/export", List.of(),
                        List.of("{\"format\": \"parquet\", \"compression\": \"zstd\", \"splitBytes\": 100000}", "{\"format\": \"csv\", \"delimiter\": \"|\", \"header\": false, \"strict\": true}"), Auth.BEARER),
                new Target("druid sql", "POST", "/druid/v2/sql", List.of(), List.of(druid), Auth.BASIC),
                new Target("druid async submit", "POST", "/druid/v2/sql/statements", List.of(), List.of(druidAsync, druid), Auth.BASIC),
                new Target("druid async status", "GET", "/druid/v2/sql/statements/{queryId}", List.of("detail"), List.of(), Auth.BASIC),
                new Target("druid async results", "GET", "/druid/v2/sql/statements/{queryId}/results", List.of("page", "resultFormat", "filename"), List.of(), Auth.BASIC),
                new Target("snowflake submit", "POST", "/api/v2/statements", List.of("async", "nullable", "requestId", "retry"), List.of(snowflake, snowflakeMulti), Auth.BEARER),
                new Target("snowflake status", "GET", "/api/v2/statements/{handle}", List.of("partition", "requestId"), List.of(), Auth.BEARER),
                new Target("ncp query", "POST", "/api/v2/queries", List.of(), List.of(ncp), Auth.BEARER),
                new Target("ncp async", "POST", "/api/v2/queries/async", List.of(), List.of(ncp), Auth.BEARER),
                new Target("ncp result", "GET", "/api/v2/queries/{executionId}", List.of("offset", "pageSize"), List.of(), Auth.BEARER),
                new Target("ncp history", "GET", "/api/v2/queries", List.of("status", "pageNo", "pageSize"), List.of(), Auth.BEARER),
                new Target("ncp signed query", "POST", "/api/v2/queries", List.of(), List.of(ncp), Auth.NCP_SIGNATURE),
                new Target("ncp signed history", "GET", "/api/v2/queries", List.of("pageSize"), List.of(), Auth.NCP_SIGNATURE),
                new Target("snowflake key-pair jwt", "POST", "/api/v2/statements", List.of(), List.of(snowflake), Auth.SNOWFLAKE_JWT),
                new Target("nekt", "POST", "/api/v1/sql-query/", List.of(), List.of(nekt, nektParquet), Auth.API_KEY_HEADER),
                new Target("ksql statements", "POST", "/ksql", List.of(), List.of(ksql, ksqlDescribe), Auth.BASIC),
                new Target("ksql query", "POST", "/query", List.of(), List.of(pull), Auth.BASIC),
                new Target("ksql query-stream", "POST", "/query-stream", List.of(), List.of(pullStream), Auth.BASIC),
                new Target("ksql close-query", "POST", "/close-query", List.of(), List.of("{\"queryId\": \"q1\"}"), Auth.BASIC),
                new Target("admin users", "POST", "/sluice/v1/admin/users", List.of(), List.of("{\"name\": \"fuzzed_user\"}"), Auth.BEARER),
                new Target("admin grants", "POST", "/sluice/v1/admin/grants", List.of(),
                        List.of("{\"role\": \"fuzzers\", \"privileges\": [\"SELECT\"], \"table\": \"sluice.main.wikipedia\"}",
                                "{\"role\": \"fuzzers\", \"privileges\": [\"ALL\"], \"schema\": \"main\"}"), Auth.BEARER),
                new Target("admin role members", "POST", "/sluice/v1/admin/roles/{role}/users", List.of(), List.of("{\"user\": \"bob\"}"), Auth.BEARER),
                new Target("admin rsa key", "POST", "/sluice/v1/admin/users/{name}/rsa-public-key", List.of(),
                        List.of("{\"rsaPublicKey\": \"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\", \"slot\": 1}"), Auth.BEARER));
    }

    @TestFactory
    Stream<DynamicTest> noParserAnswersWithAServerErrorOrHangs() {
        return targets().stream().map(target -> DynamicTest.dynamicTest(target.name(), () -> fuzz(target)));
    }

    private static void fuzz(Target target) throws Exception {
        FuzzInputs inputs = new FuzzInputs(SEED ^ target.name().hashCode());
        List<String> failures = new ArrayList<>();
        long deadline = System.nanoTime() + MILLIS_PER_TARGET * 1_000_000;
        int tries = 0;
        while (tries < CASES && System.nanoTime() < deadline) {
            tries++;
            HttpRequest request = request(target, inputs);
            byte[] sent = lastBody;
            HttpResponse<String> response;
            try {
                response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                failures.add(describe(request, sent) + " -> no answer within " + REQUEST_TIMEOUT);
                continue;
            } catch (java.io.IOException e) {
                // The server may close a connection on hopeless input (e.g. a body past the limit); not a 5xx.
                continue;
            }
            int status = response.statusCode();
            if (status >= 500 && status != 503 && status != 504) {
                failures.add(describe(request, sent) + " -> " + status + " " + abbreviate(response.body()));
            } else if (STACK_FRAME.matcher(response.body()).find()) {
                failures.add(describe(request, sent) + " -> stack trace in " + abbreviate(response.body()));
            }
        }
        HttpResponse<String> health = sluice.get("/health/ready");
        assertThat(health.statusCode()).as("server healthy after fuzzing %s", target.name()).isEqualTo(200);
        assertThat(failures).as("%s: %d tries, seed %d", target.name(), tries, SEED).isEmpty();
        assertThat(tries).isPositive();
    }

    private static byte[] lastBody;

    private static HttpRequest request(Target target, FuzzInputs inputs) {
        String path = target.path();
        for (Map.Entry<String, String> id : IDS.entrySet()) {
            if (path.contains(id.getKey())) {
                String value = inputs.below(4) == 0 ? inputs.queryValue() : id.getValue();
                path = path.replace(id.getKey(), value.isEmpty() ? "x" : value);
            }
        }
        StringBuilder query = new StringBuilder();
        for (String name : target.queryNames()) {
            if (inputs.below(2) == 0) {
                query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(inputs.queryValue());
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sluice.server.port() + path + query))
                .timeout(REQUEST_TIMEOUT);
        switch (target.auth()) {
            case BEARER -> builder.header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY);
            case BASIC -> builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + SluiceTestServer.ADMIN_KEY).getBytes(StandardCharsets.UTF_8)));
            case API_KEY_HEADER -> builder.header("x-api-key", SluiceTestServer.ADMIN_KEY);
            case NCP_SIGNATURE -> inputs.ncpSignatureHeaders(SluiceTestServer.ADMIN_KEY, target.method(), path + query)
                    .forEach(builder::header);
            case SNOWFLAKE_JWT -> builder.header("Authorization", "Bearer " + inputs.jwt())
                    .header("X-Snowflake-Authorization-Token-Type", inputs.below(4) == 0 ? inputs.headerValue() : "KEYPAIR_JWT");
        }
        String accept = inputs.accept();
        if (accept != null && !accept.isEmpty()) {
            builder.header("Accept", accept);
        }
        if (inputs.below(4) == 0) {
            builder.header(inputs.pick(List.of("X-Fuzz", "X-Request-Id", "X-Snowflake-Authorization-Token-Type", "Accept-Encoding",
                    "X-Druid-SQL-Query-Id", "Range", "If-None-Match")), inputs.headerValue());
        }
        if (target.method().equals("GET")) {
            lastBody = null;
            return builder.GET().build();
        }
        byte[] body = inputs.body(target.templates());
        lastBody = body;
        String contentType = inputs.contentType();
        if (!contentType.isEmpty()) {
            builder.header("Content-Type", contentType);
        }
        return builder.method(target.method(), HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static String describe(HttpRequest request, byte[] body) {
        return request.method() + " " + request.uri() + " " + request.headers().map().keySet()
                + (body == null ? "" : " body " + abbreviate(new String(body, StandardCharsets.UTF_8)));
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }
}
