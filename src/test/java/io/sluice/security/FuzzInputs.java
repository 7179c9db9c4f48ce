package io.sluice.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates hostile request parts from one seed, so any failure can be replayed with {@code -Dsluice.fuzz.seed}:
 * valid templates with fields replaced, dropped or added (wrong types, huge and tiny numbers, odd strings, deep
 * structures), JSON cut short, invalid UTF-8, deep nesting, random bytes, and odd content types and headers.
 */
final class FuzzInputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> STRINGS = List.of("", " ", "0", "-1", "true", "null", "NaN", "Infinity", "1e999",
            "SELECT 1", "SELECT", ";", "'", "\"", "\\", "%", "%00", "\u0000", "\uFFFF", "\uD83D\uDE00", "é", "csv", "json",
            "parquet", "arrow", "ASYNC", "durableStorage", "taskReport", "UTC", "Mars/Olympus", "P1M", "PT-1S",
            "2020-13-45", "9999-12-31T23:59:59", "DECIMAL(99,99)", "DECIMAL(10,2)", "INTEGER[]", "STRUCT(a INT)",
            "MAP(VARCHAR, INT)", "TIMESTAMP", "VARCHAR", "BLOB", "FIXED", "TEXT", "GZIP", "SNAPPY", "ZSTD", "xml",
            "a".repeat(10_000), "../../etc/passwd", "s00000000000000000000000000000000", "${jndi:ldap://x}");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "application/json; charset=latin1", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/vnd.ksqlapi.delimited.v1", "application/vnd.ksql.v1+json", "a/b/c", ";", "");
    private static final List<String> ACCEPTS = List.of("*/*", "application/json", "text/csv", "application/x-ndjson",
            "application/vnd.apache.arrow.stream", "application/vnd.apache.parquet", "application/vnd.ksqlapi.delimited.v1",
            "text/html", "image/png", "nonsense", "application/json;q=abc", "");

    private final SplittableRandom random;

    FuzzInputs(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    String contentType() {
        return random.nextInt(4) == 0 ? pick(CONTENT_TYPES) : "application/json";
    }

    String accept() {
        return random.nextInt(3) == 0 ? pick(ACCEPTS) : null;
    }

    /** A header value: printable ASCII only (the client refuses anything else). */
    String headerValue() {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "x".repeat(1 + random.nextInt(2_000));
            case 2 -> "Bearer " + pick(List.of("", "a.b", "..", "x".repeat(300)));
            default -> asciiText(random.nextInt(40));
        };
    }

    private String asciiText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }

    /** A query-parameter value, URL-encoded. */
    String queryValue() {
        String value = switch (random.nextInt(4)) {
            case 0 -> pick(List.of("-1", "0", "1", "2", "99999999999999999999", "1.5", "1e3", "abc", "", "true", "NaN"));
            case 1 -> pick(STRINGS);
            default -> pick(List.of("0", "1", "10", "-5", "csv", "json", "ndjson", "array", "object", "arrayLines", "UTC"));
        };
        if (value.length() > 500) {
            value = value.substring(0, 500);
        }
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A request body: usually a mutated template, sometimes something that is not a JSON object at all. */
    byte[] body(List<String> templates) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            return bytes(mutate(parse(pick(templates))));
        }
        if (kind < 68) {
            byte[] valid = bytes(mutate(parse(pick(templates))));
            return java.util.Arrays.copyOf(valid, random.nextInt(valid.length + 1));
        }
        if (kind < 74) {
            return invalidUtf8(bytes(parse(pick(templates))));
        }
        if (kind < 80) {
            return deepNesting();
        }
        if (kind < 85) {
            return bytes(value(3));
        }
        if (kind < 88) {
            return hugeNumber(pick(templates));
        }
        if (kind < 91) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        if (kind < 94) {
            return new byte[0];
        }
        if (kind < 97) {
            // the same key twice, a byte-order mark, trailing garbage
            String template = pick(templates);
            return pick(List.of("\uFEFF" + template, template + template, template + "garbage",
                    template.replaceFirst("\\{", "{\"sql\": 1, \"query\": [], "))).getBytes(StandardCharsets.UTF_8);
        }
        return ("[" + pick(templates) + "]").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String template) {
        try {
            return JSON.readTree(template);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("bad template " + template, e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One to three changes anywhere in the tree. */
    JsonNode mutate(JsonNode template) {
        JsonNode root = template.deepCopy();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode target = pick(containers);
            if (target instanceof ObjectNode object) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                int action = random.nextInt(10);
                if (names.isEmpty() || action == 0) {
                    object.set(pick(List.of("extra", "sql", "query", "ksql", "statement", "format", "page", "$x", "")), value(2));
                } else if (action == 1) {
                    object.remove(pick(names));
                } else {
                    object.set(pick(names), value(2));
                }
            } else if (target instanceof ArrayNode array) {
                if (array.isEmpty() || random.nextInt(3) == 0) {
                    array.add(value(2));
                } else {
                    array.set(random.nextInt(array.size()), value(2));
                }
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
                collect(children.next(), containers);
            }
        }
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    JsonNode value(int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 9);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(pick(List.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L,
                    (long) Integer.MIN_VALUE - 1, 60_000L, 86_400_001L)));
            case 3 -> NODES.numberNode(pick(List.of(0.5, -0.0, 1e308, -1e308, 4.9e-324, 3.999999)));
            case 4 -> NODES.numberNode(new BigInteger("1" + "0".repeat(1 + random.nextInt(60))));
            case 5 -> NODES.numberNode(new BigDecimal("-1e-" + (1 + random.nextInt(400))));
            case 6, 7 -> NODES.textNode(pick(STRINGS));
            case 8 -> NODES.textNode(asciiText(random.nextInt(20)));
            case 9 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(pick(List.of("type", "value", "format", "compression", "1", "a", "")), value(depth - 1));
                }
                yield object;
            }
        };
    }

    private byte[] invalidUtf8(byte[] valid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(valid.length + 8);
        int at = 1 + random.nextInt(Math.max(1, valid.length - 1));
        out.write(valid, 0, Math.min(at, valid.length));
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        out.writeBytes(bad[random.nextInt(bad.length)]);
        if (at < valid.length) {
            out.write(valid, at, valid.length - at);
        }
        return out.toByteArray();
    }

    private byte[] deepNesting() {
        int depth = pick(List.of(100, 1_000, 5_000, 50_000));
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = random.nextBoolean() ? "1" : "";
        return (open.repeat(depth) + inner + (random.nextBoolean() ? close.repeat(depth) : "")).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] hugeNumber(String template) {
        ObjectNode object = (ObjectNode) parse(template);
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String field = names.isEmpty() ? "x" : pick(names);
        String digits = pick(List.of("1" + "0".repeat(5_000), "-" + "9".repeat(400), "1e99999999", "0." + "0".repeat(2_000) + "1"));
        object.remove(field);
        String rest = object.toString();
        String prefix = "{\"" + field + "\":" + digits;
        return (rest.equals("{}") ? prefix + "}" : prefix + "," + rest.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * NCP signature headers around a correct signature of {@code method pathAndQuery} with {@code apiKey}: sometimes
     * left correct, mostly with one part made hostile (timestamps at and past the range of a long, odd characters,
     * garbage or near-miss signatures, a body hash that is malformed or does not match).
     */
    java.util.Map<String, String> ncpSignatureHeaders(String apiKey, String method, String pathAndQuery) {
        String keyId = apiKey.substring(0, apiKey.indexOf('.'));
        String secret = apiKey.substring(apiKey.indexOf('.') + 1);
        long now = System.currentTimeMillis() + random.nextInt(1_000_000);
        String timestamp = switch (random.nextInt(6)) {
            case 0 -> pick(List.of(Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "9223372036854775808",
                    "-1", "0", "", " ", "1e12", "0x10", "NaN", "+" + now, now + ".5", "x".repeat(500)));
            case 1 -> Long.toString(now + (random.nextBoolean() ? 1 : -1) * (5 * 60_000L + random.nextInt(10_000)));
            default -> Long.toString(now - 500_000);
        };
        String contentSha256 = switch (random.nextInt(5)) {
            case 0 -> pick(List.of("", "abc", "0".repeat(64), "G".repeat(64), "0".repeat(65)));
            case 1 -> "0".repeat(63) + "1";
            default -> null;
        };
        String message = method + " " + pathAndQuery + "\n" + timestamp + "\n" + keyId + (contentSha256 == null ? "" : "\n" + contentSha256);
        String signature;
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            signature = java.util.Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("x-ncp-apigw-timestamp", timestamp);
        headers.put("x-ncp-iam-access-key", random.nextInt(5) == 0 ? headerValue() : keyId);
        headers.put("x-ncp-apigw-signature-v2", random.nextInt(4) == 0 ? headerValue() : signature);
        if (contentSha256 != null) {
            headers.put("x-sluice-content-sha256", contentSha256);
        }
        headers.values().removeIf(value -> value.isEmpty() && random.nextBoolean());
        return headers;
    }

    /** A token shaped like a JWT: three base64url segments of JSON, noise or extreme claims, or not that at all. */
    String jwt() {
        java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = pick(List.of("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}", "{}", "[]", "{\"alg\":1}"));
        String issued = pick(List.of(Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "-1", "0", "1e400", "1.5",
                "\"now\"", "null", "18446744073709551616", Long.toString(System.currentTimeMillis() / 1000)));
        String expires = pick(List.of(Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "-1", "1e400",
                Long.toString(System.currentTimeMillis() / 1000 + 600), "[]", "{}"));
        String claims = "{\"iss\":\"" + pick(List.of("A.BOB.SHA256:abc", "A.ADMIN.SHA256:", ".SHA256:x", "x", "A.B.SHA256:" + "a".repeat(300)))
                + "\",\"sub\":\"" + pick(List.of("A.BOB", "A.ADMIN", "", "x")) + "\",\"iat\":" + issued + ",\"exp\":" + expires + "}";
        byte[] noise = new byte[random.nextInt(300)];
        random.nextBytes(noise);
        return switch (random.nextInt(6)) {
            case 0 -> url.encodeToString(noise);
            case 1 -> pick(List.of("", ".", "..", "a.b.c", "a.b.c.d.e", "x".repeat(5_000)));
            default -> url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(noise);
        };
    }
}
