package io.sluice.protocol.ncp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.MasterKey;
import io.sluice.core.auth.MemoryReplayGuard;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the NCP signature check with hostile header values (timestamps at and past the range of a long, odd
 * whitespace and characters, garbage and near-miss signatures, malformed body hashes) around correctly signed
 * requests. Property: a request is accepted as the key's owner only when it is correctly signed, within the window
 * and seen for the first time — signed here independently of the server's code — and refused with
 * UNAUTHENTICATED otherwise; never any other exception.
 *
 * <p>Budget: {@code sluice.fuzz.cases} (default 40) × 25 tries. The seed is printed; {@code -Dsluice.fuzz.seed=N}
 * replays a run.
 */
@Tag("security")
class NcpSignatureFuzzTest {

    private static final long SEED = Long.getLong("sluice.fuzz.seed", System.nanoTime());
    private static final int TRIES = Integer.getInteger("sluice.fuzz.cases", 40) * 25;
    private static final long NOW = 1_765_000_000_000L;
    private static final long WINDOW = 5 * 60 * 1000;
    private static final ApiKey KEY = new ApiKey("fuzzkey", "fuzz-secret-0123456789abcdef");
    private static final Principal ALICE = new Principal("alice", "alice", false);

    @TempDir
    Path directory;
    NcpSignature signature;

    @BeforeEach
    void keys() {
        Path file = directory.resolve("api-keys.tsv");
        ApiKeyStore keys = new ApiKeyStore(file, MasterKey.fromFile(directory.resolve("master.key")));
        keys.register(KEY, ALICE);
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        signature = new NcpSignature(keys, new MemoryReplayGuard(100_000, clock), clock);
    }

    /** One request as the fuzzer sends it, and whether a correct server must accept it. */
    private record Attempt(String method, String path, NcpSignature.Presented headers, byte[] body, boolean acceptable) {
    }

    @Test
    void onlyCorrectTimelyFirstSignaturesAreAccepted() {
        System.out.println("NcpSignatureFuzzTest seed " + SEED + " (-Dsluice.fuzz.seed=" + SEED + " replays it)");
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> failures = new ArrayList<>();
        List<Attempt> accepted = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int index = 0; index < TRIES; index++) {
            Attempt attempt = attempt(random, index);
            // The same correct signature a second time is a replay, and must be refused.
            String token = attempt.headers().timestamp() + "|" + attempt.headers().signature();
            boolean acceptable = attempt.acceptable() && !used.contains(token);
            String outcome = outcome(attempt);
            if (!outcome.equals(acceptable ? "alice" : "401")) {
                failures.add(attempt.method() + " " + attempt.path() + " " + attempt.headers() + " expected "
                        + (acceptable ? "alice" : "401") + " got " + outcome);
            }
            if (outcome.equals("alice")) {
                used.add(token);
                accepted.add(attempt);
            }
        }
        // Every accepted request, replayed exactly, is refused.
        for (Attempt replay : accepted) {
            String outcome = outcome(replay);
            if (!outcome.equals("401")) {
                failures.add("replay of " + replay.headers() + " got " + outcome);
            }
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(accepted).as("some tries were correct requests (seed %d)", SEED).isNotEmpty();
    }

    private String outcome(Attempt attempt) {
        try {
            Principal principal = signature.verify(attempt.method(), attempt.path(), attempt.headers(), attempt::body);
            return principal.id().equals("alice") ? "alice" : "principal " + principal.id();
        } catch (SluiceException e) {
            return e.error().code() == ErrorCode.UNAUTHENTICATED ? "401" : e.error().code().name();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static Attempt attempt(SplittableRandom random, int index) {
        String method = pick(random, "GET", "POST", "DELETE");
        String path = pick(random, "/api/v2/queries", "/api/v2/queries?pageNo=1&pageSize=2", "/api/v2/queries/s1",
                "/api/v2/queries/async", "/api/v2/queries?x=%20%00");
        byte[] body = pick(random, "", "{\"query\": \"SELECT 1\"}", "{\"query\": \"SELECT 2\"}")
                .getBytes(StandardCharsets.UTF_8);
        // Mostly distinct timestamps near now, so correct signatures do not collide by chance.
        long offset = switch (random.nextInt(6)) {
            case 0 -> WINDOW - 1 - random.nextInt(3);
            case 1 -> -(WINDOW - 1 - random.nextInt(3));
            case 2 -> (WINDOW + random.nextInt(3)) * (random.nextBoolean() ? 1 : -1);
            default -> random.nextInt(100_000) - 50_000;
        };
        long millis = NOW + offset;
        String timestamp = Long.toString(millis);
        boolean timely = Math.abs(offset) < WINDOW;
        boolean hashBody = random.nextBoolean();
        String contentSha256 = hashBody ? sha256(body) : null;
        String accessKey = KEY.keyId();
        String signed = sign(KEY.secret(), method + " " + path + "\n" + timestamp + "\n" + accessKey
                + (contentSha256 == null ? "" : "\n" + contentSha256));
        boolean correct = true;
        switch (random.nextInt(14)) {
            case 0 -> { // timestamp replaced after signing (the signature no longer covers it)
                timestamp = pick(random, Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "9223372036854775808",
                        "-9223372036854775809", "", " ", "1e12", "0x1", "+" + millis, millis + ".0", "\u0661\u0662", "NaN");
                correct = false;
            }
            case 1 -> { // extreme timestamp, correctly signed: refused for its age
                timestamp = pick(random, Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "0", "-1",
                        Long.toString(NOW + Long.MIN_VALUE), Long.toString(Long.MIN_VALUE + WINDOW));
                signed = sign(KEY.secret(), method + " " + path + "\n" + timestamp + "\n" + accessKey
                        + (contentSha256 == null ? "" : "\n" + contentSha256));
                timely = false;
            }
            case 2 -> { // one character of the signature changed
                char[] chars = signed.toCharArray();
                int at = random.nextInt(chars.length - 1); // not the padding
                chars[at] = chars[at] == 'A' ? 'B' : 'A';
                signed = new String(chars);
                correct = false;
            }
            case 3 -> {
                signed = pick(random, "", " ", "garbage", "=", "A".repeat(10_000), "\u00e9\u0000", null);
                correct = false;
            }
            case 4 -> {
                accessKey = pick(random, "", "nosuchkey", "fuzzkey ", "FUZZKEY", "fuzzkey\u0000", null);
                correct = false;
            }
            case 5 -> { // another body than the one hashed
                if (hashBody) {
                    body = "{\"query\": \"SELECT * FROM secrets\"}".getBytes(StandardCharsets.UTF_8);
                    correct = false;
                }
            }
            case 6 -> { // hash header malformed, but signed as sent
                contentSha256 = pick(random, "", "abc", sha256(body).toUpperCase(java.util.Locale.ROOT), sha256(body) + " ",
                        "g".repeat(64), sha256(body).substring(1));
                signed = sign(KEY.secret(), method + " " + path + "\n" + timestamp + "\n" + accessKey + "\n" + contentSha256);
                correct = false;
            }
            case 7 -> { // hash header dropped after signing over it
                if (hashBody) {
                    contentSha256 = null;
                    correct = false;
                }
            }
            case 8 -> { // signed for another method
                method = method.equals("GET") ? "DELETE" : "GET";
                correct = false;
            }
            default -> { } // correct as signed
        }
        NcpSignature.Presented headers = new NcpSignature.Presented(timestamp, accessKey, signed, contentSha256);
        return new Attempt(method, path, headers, body, correct && timely);
    }

    private static String sign(String secret, String message) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(hmac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... values) {
        return values[random.nextInt(values.length)];
    }
}
