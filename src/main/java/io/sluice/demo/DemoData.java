package io.sluice.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The demo datasets that let the vendor documentation examples run unchanged against Sluice:
 * <ul>
 *   <li>{@code wikipedia} (default schema): the Druid quickstart datasource, with every row printed in the
 *       Druid SQL API reference plus synthetic edits of the same day;</li>
 *   <li>{@code public_data.korea_trade_insurance.exchange_rate}: the NCP Data Query example table;</li>
 *   <li>{@code nekt_raw.customers}: the table the Nekt SQL query example reads.</li>
 * </ul>
 * The SQL lives in resources next to this class. All rows are generated inside the engine, so installing
 * takes well under a second, and every statement replaces what it creates, so installing twice is harmless.
 */
public final class DemoData {

    /** Extra DuckDB catalogs the engine must attach (for example in memory) before calling {@link #install}. */
    public static final List<String> CATALOGS = List.of("public_data");

    /** Scripts in the order they run; each one is independent of the others. */
    private static final List<String> SCRIPTS = List.of("wikipedia.sql", "exchange_rate.sql", "customers.sql");

    /** A statement ends with a semicolon at the end of a line; no literal in the scripts contains one there. */
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(?:\\R|$)");

    private DemoData() {
    }

    /**
     * Creates or replaces the demo schemas and tables through {@code executor}, one statement per call.
     * Needs the catalogs in {@link #CATALOGS} to be attached already.
     */
    public static void install(SqlExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        for (String script : SCRIPTS) {
            for (String statement : statements(readScript(script))) {
                executor.execute(statement);
            }
        }
    }

    /** Splits a script into statements, dropping whole-line comments and blank pieces. */
    static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\\R", -1)) {
            if (!line.stripLeading().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String piece : STATEMENT_END.split(withoutComments)) {
            if (!piece.isBlank()) {
                statements.add(piece.strip());
            }
        }
        return statements;
    }

    private static String readScript(String name) {
        try (InputStream input = DemoData.class.getResourceAsStream(name)) {
            if (input == null) {
                throw new IllegalStateException("demo script missing from the class path: " + name);
            }
            return new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo script " + name, e);
        }
    }
}
