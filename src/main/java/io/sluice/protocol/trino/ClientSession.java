package io.sluice.protocol.trino;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Trino client says about its session in request headers ({@code X-Trino-*}, or the older
 * {@code X-Presto-*}): user, source, catalog, schema, time zone, session properties, prepared statements,
 * client tags and info, transaction. Clients keep this state themselves and send it with every statement.
 */
record ClientSession(
        String user,
        String source,
        String catalog,
        String schema,
        ZoneId timeZone,
        String language,
        Map<String, String> properties,
        Map<String, String> preparedStatements,
        List<String> clientTags,
        String clientInfo,
        String transactionId,
        String queryDataEncoding) {

    /** Reads the headers; a malformed session, prepared-statement or time-zone header is a 400 that says which. */
    static ClientSession of(Context context) {
        return new ClientSession(
                header(context, "User"),
                header(context, "Source"),
                header(context, "Catalog"),
                header(context, "Schema"),
                zone(header(context, "Time-Zone")),
                header(context, "Language"),
                pairs(context, "Session", true),
                pairs(context, "Prepared-Statement", true),
                tags(header(context, "Client-Tags")),
                header(context, "Client-Info"),
                header(context, "Transaction-Id"),
                header(context, "Query-Data-Encoding"));
    }

    /** The same session with the catalog and schema a statement names instead. */
    ClientSession withCatalogSchema(String newCatalog, String newSchema) {
        return new ClientSession(user, source, newCatalog, newSchema, timeZone, language, properties,
                preparedStatements, clientTags, clientInfo, transactionId, queryDataEncoding);
    }

    /** X-Trino-Name, else X-Presto-Name (clients before Trino 351 and presto-client send those). */
    static String header(Context context, String name) {
        String value = context.header("X-Trino-" + name);
        if (value == null) {
            value = context.header("X-Presto-" + name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ZoneId zone(String text) {
        if (text == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw TrinoRequestException.badRequest("Invalid X-Trino-Time-Zone header: '" + text + "' is not a time zone");
        }
    }

    private static List<String> tags(String text) {
        if (text == null) {
            return List.of();
        }
        return List.of(text.split(",")).stream().map(String::trim).filter(tag -> !tag.isEmpty()).toList();
    }

    /**
     * A header of comma-separated {@code name=value} entries, values URL-encoded (X-Trino-Session,
     * X-Trino-Prepared-Statement). Every header line counts; an entry without a name or '=' is a 400.
     */
    private static Map<String, String> pairs(Context context, String name, boolean decode) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String prefix : new String[] {"X-Presto-", "X-Trino-"}) {
            java.util.Enumeration<String> lines = context.req().getHeaders(prefix + name);
            while (lines != null && lines.hasMoreElements()) {
                for (String entry : lines.nextElement().split(",")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    int equals = entry.indexOf('=');
                    String key = equals < 0 ? "" : entry.substring(0, equals).trim();
                    if (equals < 0 || key.isEmpty()) {
                        throw TrinoRequestException.badRequest("Invalid " + prefix + name + " header: '" + entry.trim()
                                + "' is not name=value");
                    }
                    String value = entry.substring(equals + 1).trim();
                    try {
                        values.put(key, decode ? URLDecoder.decode(value, StandardCharsets.UTF_8) : value);
                    } catch (IllegalArgumentException e) {
                        throw TrinoRequestException.badRequest("Invalid " + prefix + name + " header: the value of '"
                                + key + "' is not URL-encoded");
                    }
                }
            }
        }
        return values;
    }
}
