package io.sluice.protocol.trino;

import io.sluice.core.engine.ParameterValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements a Trino client sends that are about its session rather than data, answered by the adapter
 * itself: USE, SET/RESET SESSION, PREPARE, DEALLOCATE PREPARE, SHOW SESSION. EXECUTE (by name or IMMEDIATE)
 * becomes its prepared statement with the USING values as bound parameters. SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS,
 * DESCRIBE and {@code system.jdbc.*} become engine SQL ({@link TrinoMetadata}). Everything else runs as sent.
 */
final class TrinoStatements {

    /** What to do with one statement. */
    sealed interface Plan {
    }

    /** Answered here, at once: an update type, the session changes for the response headers, maybe some rows. */
    record Local(String updateType, Effects effects, List<String> columnNames, List<List<Object>> rows) implements Plan {
        Local(String updateType, Effects effects) {
            this(updateType, effects, null, null);
        }
    }

    /** Run on the engine. */
    record Run(String sql, List<ParameterValue> parameters, ClientSession session) implements Plan {
    }

    /** The response headers a session statement answers with (X-Trino-Set-Catalog and the rest). */
    record Effects(String setCatalog, String setSchema, Map<String, String> setSession, List<String> clearSession,
                   Map<String, String> addedPrepare, List<String> deallocatedPrepare) {
        static final Effects NONE = new Effects(null, null, Map.of(), List.of(), Map.of(), List.of());
    }

    /** Session properties SHOW SESSION lists and SET SESSION accepts: the ones Sluice acts on. */
    static final Map<String, String[]> SESSION_PROPERTIES = Map.of(
            "query_max_run_time", new String[] {"", "varchar",
                    "Maximum run time of a query (as 30s, 5m, 1h); Sluice's statement timeout"});

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String IDENTIFIER = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_@$]*)";
    private static final Pattern USE = Pattern.compile("USE\\s+" + IDENTIFIER + "(?:\\s*\\.\\s*" + IDENTIFIER + ")?", FLAGS);
    private static final Pattern SET_SESSION = Pattern.compile("SET\\s+SESSION\\s+([A-Za-z0-9_.]+)\\s*=\\s*(.+)", FLAGS);
    private static final Pattern RESET_SESSION = Pattern.compile("RESET\\s+SESSION\\s+([A-Za-z0-9_.]+)", FLAGS);
    private static final Pattern PREPARE = Pattern.compile("PREPARE\\s+" + IDENTIFIER + "\\s+FROM\\s+(.+)", FLAGS);
    private static final Pattern DEALLOCATE = Pattern.compile("DEALLOCATE\\s+PREPARE\\s+" + IDENTIFIER, FLAGS);
    private static final Pattern EXECUTE_IMMEDIATE =
            Pattern.compile("EXECUTE\\s+IMMEDIATE\\s+'((?:[^']|'')*)'(?:\\s+USING\\s+(.+))?", FLAGS);
    private static final Pattern EXECUTE = Pattern.compile("EXECUTE\\s+" + IDENTIFIER + "(?:\\s+USING\\s+(.+))?", FLAGS);
    private static final Pattern SHOW_SESSION = Pattern.compile("SHOW\\s+SESSION(?:\\s+LIKE\\s+'((?:[^']|'')*)')?", FLAGS);

    private TrinoStatements() {
    }

    /** @param sources where metadata statements read the catalog, asked for only when the statement is one */
    static Plan plan(String text, ClientSession session, Supplier<TrinoMetadata.Sources> sources) {
        String sql = trim(text);
        Matcher match;
        if ((match = USE.matcher(sql)).matches()) {
            String first = identifier(match.group(1));
            String second = match.group(2) == null ? null : identifier(match.group(2));
            String catalog = second == null ? session.catalog() : first;
            String schema = second == null ? first : second;
            if (catalog == null) {
                throw new TrinoRequestException(200, TrinoErrors.Standard.GENERIC_USER_ERROR,
                        "Catalog must be specified when session catalog is not set");
            }
            return new Local("USE", new Effects(catalog, schema, Map.of(), List.of(), Map.of(), List.of()));
        }
        if ((match = SET_SESSION.matcher(sql)).matches()) {
            String name = match.group(1).toLowerCase(Locale.ROOT);
            String value = sessionValue(match.group(2).trim());
            if (name.equals("query_max_run_time")) {
                TrinoDurations.parse(value); // refuses a malformed duration now, as Trino does
            }
            return new Local("SET SESSION", new Effects(null, null, Map.of(name, value), List.of(), Map.of(), List.of()));
        }
        if ((match = RESET_SESSION.matcher(sql)).matches()) {
            return new Local("RESET SESSION", new Effects(null, null, Map.of(),
                    List.of(match.group(1).toLowerCase(Locale.ROOT)), Map.of(), List.of()));
        }
        if ((match = PREPARE.matcher(sql)).matches()) {
            return new Local("PREPARE", new Effects(null, null, Map.of(), List.of(),
                    Map.of(identifier(match.group(1)), trim(match.group(2))), List.of()));
        }
        if ((match = DEALLOCATE.matcher(sql)).matches()) {
            String name = identifier(match.group(1));
            prepared(session, name);
            return new Local("DEALLOCATE", new Effects(null, null, Map.of(), List.of(), Map.of(), List.of(name)));
        }
        if ((match = EXECUTE_IMMEDIATE.matcher(sql)).matches()) {
            return execute(match.group(1).replace("''", "'"), match.group(2), session, sources);
        }
        if ((match = EXECUTE.matcher(sql)).matches()) {
            return execute(prepared(session, identifier(match.group(1))), match.group(2), session, sources);
        }
        if ((match = SHOW_SESSION.matcher(sql)).matches()) {
            return showSession(session, match.group(1));
        }
        return TrinoMetadata.rewrite(sql, List.of(), session, sources);
    }

    private static Plan execute(String preparedSql, String using, ClientSession session,
                                Supplier<TrinoMetadata.Sources> sources) {
        List<ParameterValue> parameters = using == null ? List.of() : TrinoLiterals.parseList(using);
        Plan inner = plan(preparedSql, session, sources);
        if (inner instanceof Run run) {
            return TrinoMetadata.rewrite(run.sql(), parameters, session, sources);
        }
        return inner;
    }

    private static String prepared(ClientSession session, String name) {
        String sql = session.preparedStatements().get(name);
        if (sql == null) {
            throw new TrinoRequestException(200, TrinoErrors.Standard.NOT_FOUND, "Prepared statement not found: " + name);
        }
        return sql;
    }

    private static Plan showSession(ClientSession session, String like) {
        List<List<Object>> rows = new ArrayList<>();
        Map<String, String[]> sorted = new java.util.TreeMap<>(SESSION_PROPERTIES);
        Pattern filter = like == null ? null : Pattern.compile(TrinoMetadata.likeToRegex(like.replace("''", "'")));
        for (Map.Entry<String, String[]> property : sorted.entrySet()) {
            if (filter != null && !filter.matcher(property.getKey()).matches()) {
                continue;
            }
            String value = session.properties().getOrDefault(property.getKey(), property.getValue()[0]);
            rows.add(List.of(property.getKey(), value, property.getValue()[0], property.getValue()[1],
                    property.getValue()[2]));
        }
        return new Local(null, Effects.NONE, List.of("Name", "Value", "Default", "Type", "Description"), rows);
    }

    /** SET SESSION's value: a string literal, or a number or boolean, as text (what X-Trino-Set-Session carries). */
    private static String sessionValue(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("''", "'");
        }
        return value;
    }

    /** A quoted identifier as written; an unquoted one in lower case, as Trino folds it. */
    static String identifier(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** Without surrounding blanks and trailing semicolons. */
    static String trim(String sql) {
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).stripTrailing();
        }
        return trimmed;
    }
}
