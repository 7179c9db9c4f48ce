package io.sluice.engine.duckdb;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.SqlType;
import io.sluice.engine.duckdb.SqlScanner.Placeholder;
import io.sluice.engine.duckdb.SqlScanner.PlaceholderKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * How a statement's parameters reach DuckDB: the SQL DuckDB runs (named placeholders rewritten to
 * {@code $n}, declared types wrapped in {@code CAST($n AS type)}; values are never spliced in), and the
 * value for each 1-based DuckDB parameter index.
 *
 * @param bindings one per DuckDB parameter, in index order
 */
record ParameterPlan(DuckDbErrors.SqlSource source, List<Binding> bindings, SqlScanner.Scan scan) {

    /** The value for DuckDB parameter {@code index}; {@code label} names it in error messages. */
    record Binding(int index, String label, ParameterValue value) {
    }

    String executedSql() {
        return source.executed();
    }

    static ParameterPlan of(String sql, Parameters parameters) {
        SqlScanner.Scan scan = SqlScanner.scan(sql);
        return switch (parameters) {
            case Parameters.Positional positional -> positional(sql, scan, positional.values());
            case Parameters.Named named -> named(sql, scan, named.values());
        };
    }

    private static ParameterPlan positional(String sql, SqlScanner.Scan scan, List<ParameterValue> values) {
        List<Placeholder> placeholders = scan.placeholders().stream()
                .filter(placeholder -> placeholder.kind() != PlaceholderKind.NAMED).toList();
        boolean questionMarks = placeholders.stream().anyMatch(p -> p.kind() == PlaceholderKind.QUESTION_MARK);
        boolean numbered = placeholders.stream().anyMatch(p -> p.kind() == PlaceholderKind.NUMBERED);
        if (questionMarks && numbered) {
            throw ParameterConverter.invalid("The statement mixes ? and $n placeholders; use one style");
        }
        int expected = numbered
                ? placeholders.stream().mapToInt(Placeholder::number).max().orElse(0)
                : placeholders.size();
        if (expected != values.size()) {
            throw countMismatch(expected, values.size());
        }
        List<Binding> bindings = new ArrayList<>();
        for (int index = 1; index <= values.size(); index++) {
            bindings.add(new Binding(index, "$" + index, values.get(index - 1)));
        }
        boolean needsCasts = values.stream().anyMatch(value -> ParameterConverter.castType(value) != null);
        if (!needsCasts) {
            return new ParameterPlan(DuckDbErrors.SqlSource.unchanged(sql), bindings, scan);
        }
        // Once one ? is rewritten every ? must be: DuckDB refuses to mix ? with $n.
        List<String> replacements = new ArrayList<>();
        int ordinal = 0;
        for (Placeholder placeholder : placeholders) {
            int index = placeholder.kind() == PlaceholderKind.NUMBERED ? placeholder.number() : ++ordinal;
            replacements.add(reference(index, values.get(index - 1)));
        }
        return new ParameterPlan(rewrite(sql, placeholders, replacements), bindings, scan);
    }

    private static ParameterPlan named(String sql, SqlScanner.Scan scan, Map<String, ParameterValue> values) {
        if (scan.placeholders().stream().anyMatch(p -> p.kind() != PlaceholderKind.NAMED)) {
            throw ParameterConverter.invalid("The statement uses ? or $n placeholders but named parameters were given");
        }
        Map<String, Integer> indexes = new LinkedHashMap<>();
        for (Placeholder placeholder : scan.placeholders()) {
            indexes.putIfAbsent(placeholder.name(), indexes.size() + 1);
        }
        Set<String> missing = new LinkedHashSet<>(indexes.keySet());
        missing.removeAll(values.keySet());
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(indexes.keySet());
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            StringBuilder message = new StringBuilder("The statement has parameters ")
                    .append(indexes.isEmpty() ? "(none)" : String.join(", ", indexes.keySet()));
            if (!missing.isEmpty()) {
                message.append("; no value was given for ").append(String.join(", ", missing));
            }
            if (!unknown.isEmpty()) {
                message.append("; values were given for unknown parameters ").append(String.join(", ", unknown));
            }
            throw ParameterConverter.invalid(message.toString());
        }
        List<Binding> bindings = new ArrayList<>();
        indexes.forEach((name, index) -> bindings.add(new Binding(index, name, values.get(name))));
        List<String> replacements = scan.placeholders().stream()
                .map(placeholder -> reference(indexes.get(placeholder.name()), values.get(placeholder.name())))
                .toList();
        return new ParameterPlan(rewrite(sql, scan.placeholders(), replacements), bindings, scan);
    }

    static SluiceException countMismatch(int expected, int actual) {
        return ParameterConverter.invalid("The statement has " + expected + " parameter placeholder"
                + (expected == 1 ? "" : "s") + " but " + actual + " value" + (actual == 1 ? " was" : "s were") + " given");
    }

    private static String reference(int index, ParameterValue value) {
        SqlType cast = ParameterConverter.castType(value);
        return cast == null ? "$" + index : "CAST($" + index + " AS " + DuckDbTypes.toDuckDb(cast) + ")";
    }

    /** Replaces placeholders and remembers where, so DuckDB's error positions map back to the client's SQL. */
    private static DuckDbErrors.SqlSource rewrite(String sql, List<Placeholder> placeholders, List<String> replacements) {
        StringBuilder executed = new StringBuilder();
        int[] executedStarts = new int[placeholders.size()];
        int[] executedEnds = new int[placeholders.size()];
        int copied = 0;
        for (int index = 0; index < placeholders.size(); index++) {
            Placeholder placeholder = placeholders.get(index);
            executed.append(sql, copied, placeholder.start());
            executedStarts[index] = executed.length();
            executed.append(replacements.get(index));
            executedEnds[index] = executed.length();
            copied = placeholder.end();
        }
        executed.append(sql.substring(copied));
        IntUnaryOperator toOriginal = offset -> {
            int shift = 0;
            for (int index = 0; index < placeholders.size(); index++) {
                if (offset < executedStarts[index]) {
                    break;
                }
                if (offset < executedEnds[index]) {
                    return placeholders.get(index).start();
                }
                shift = executedEnds[index] - placeholders.get(index).end();
            }
            return offset - shift;
        };
        return new DuckDbErrors.SqlSource(executed.toString(), sql, toOriginal);
    }
}
