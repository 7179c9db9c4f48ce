package io.sluice.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion of SQL keywords, backslash commands, and the tables and columns the principal may see. The
 * names are read once, in the background, when the shell starts ({@link #load}), so the prompt never waits
 * for them; when they cannot be read, only keywords complete, without a word about it.
 */
final class SqlCompleter implements Completer {

    static final List<String> KEYWORDS = List.of("SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT",
            "OFFSET", "JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "INNER JOIN", "CROSS JOIN", "ON", "USING", "AS",
            "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",
            "DISTINCT", "UNION", "UNION ALL", "EXCEPT", "INTERSECT", "WITH", "INSERT INTO", "VALUES", "UPDATE", "SET",
            "DELETE FROM", "CREATE TABLE", "CREATE VIEW", "DROP TABLE", "DROP VIEW", "ALTER TABLE", "DESCRIBE", "SHOW",
            "EXPLAIN", "ASC", "DESC", "NULLS FIRST", "NULLS LAST", "COUNT", "SUM", "AVG", "MIN", "MAX", "CAST",
            "TRUE", "FALSE", "QUALIFY", "WINDOW", "OVER", "PARTITION BY");
    static final List<String> COMMANDS = List.of("\\d", "\\dt", "\\x", "\\timing", "\\pset pager", "\\format", "\\o",
            "\\i", "\\q", "\\?");

    private volatile List<String> tables = List.of();
    private volatile List<String> columns = List.of();

    /**
     * How long the names wait before they are read: the reading (HTTP client, TLS, Jackson, a catalog statement) costs
     * more CPU than the rest of the start, and on a busy two-core machine it would compete with drawing the prompt.
     * Nobody presses Tab in the first half second.
     */
    static final long LOAD_DELAY_MILLIS = 500;

    /** Reads the names in a daemon thread, once the prompt has had time to show. */
    void load(SluiceClient client) {
        Thread loader = new Thread(() -> {
            try {
                Thread.sleep(LOAD_DELAY_MILLIS);
                names(Catalog.columns(client));
            } catch (InterruptedException stopped) {
                // the shell is ending
            } catch (RuntimeException quietly) {
                // Completion of names is a convenience: keywords still complete.
            }
        }, "sluice-sql-names");
        loader.setDaemon(true);
        loader.start();
    }

    /** Takes rows of catalog, schema, table, column. */
    void names(List<String[]> rows) {
        Set<String> tableNames = new LinkedHashSet<>();
        Set<String> columnNames = new LinkedHashSet<>();
        for (String[] row : rows) {
            tableNames.add(row[2]);
            tableNames.add(row[1] + "." + row[2]);
            tableNames.add(row[0] + "." + row[1] + "." + row[2]);
            columnNames.add(row[3]);
        }
        tables = List.copyOf(tableNames);
        columns = List.copyOf(columnNames);
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        if (line.wordIndex() == 0 && word.startsWith("\\")) {
            COMMANDS.forEach(command -> candidates.add(new Candidate(command, command, "commands", null, null, null, true)));
            return;
        }
        boolean lower = !word.isEmpty() && Character.isLowerCase(word.charAt(0));
        for (String keyword : KEYWORDS) {
            String shown = lower ? keyword.toLowerCase(Locale.ROOT) : keyword;
            candidates.add(new Candidate(shown, shown, "keywords", null, null, null, !keyword.contains(" ")));
        }
        add(candidates, tables, "tables");
        add(candidates, columns, "columns");
    }

    private static void add(List<Candidate> candidates, List<String> names, String group) {
        for (String name : names) {
            candidates.add(new Candidate(name, name, group, null, null, null, true));
        }
    }
}
