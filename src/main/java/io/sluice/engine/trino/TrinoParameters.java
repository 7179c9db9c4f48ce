package io.sluice.engine.trino;

import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SqlText;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.types.Interval;
import io.sluice.core.types.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a statement's parameters reach Trino. Trino only knows {@code ?}; Sluice also accepts {@code $n} and
 * {@code :name}, so placeholders are rewritten to {@code ?} (outside strings, quoted names and comments) and
 * the values put in that order. The driver sends them with {@code EXECUTE … USING}: Trino binds them, nothing
 * is spliced into the SQL text. Values whose Java type the driver cannot send (TIME, UUID, JSON, HUGEINT) go
 * as text or decimals wrapped in a conversion Trino applies.
 *
 * @param sql the SQL Trino runs
 * @param values one per {@code ?}, in order, in a Java type the driver sends
 * @param rewritten true when {@code sql} differs from the client's text
 * @param plannedSql the SQL with NULL (in the same conversions) for every parameter, for EXPLAIN: Trino does not
 *     take parameters for an EXPLAIN, and which tables a statement touches does not depend on the values
 */
record TrinoParameters(String sql, List<Object> values, boolean rewritten, String plannedSql) {

    static TrinoParameters of(String sql, Parameters parameters) {
        List<Placeholder> placeholders = placeholders(sql);
        List<ParameterValue> ordered = new ArrayList<>();
        switch (parameters) {
            case Parameters.Positional positional -> {
                boolean numbered = placeholders.stream().anyMatch(p -> p.number() > 0);
                boolean marks = placeholders.stream().anyMatch(p -> p.number() == 0 && p.name() == null);
                if (placeholders.stream().anyMatch(p -> p.name() != null)) {
                    throw invalid("The statement uses named placeholders but positional parameters were given");
                }
                if (numbered && marks) {
                    throw invalid("The statement mixes ? and $n placeholders; use one style");
                }
                int expected = numbered ? placeholders.stream().mapToInt(Placeholder::number).max().orElse(0) : placeholders.size();
                if (expected != positional.values().size()) {
                    throw countMismatch(expected, positional.values().size());
                }
                for (int index = 0; index < placeholders.size(); index++) {
                    Placeholder placeholder = placeholders.get(index);
                    ordered.add(positional.values().get(numbered ? placeholder.number() - 1 : index));
                }
            }
            case Parameters.Named named -> {
                if (placeholders.stream().anyMatch(p -> p.name() == null)) {
                    throw invalid("The statement uses ? or $n placeholders but named parameters were given");
                }
                for (Placeholder placeholder : placeholders) {
                    if (!named.values().containsKey(placeholder.name())) {
                        throw invalid("No value was given for parameter :" + placeholder.name());
                    }
                    ordered.add(named.values().get(placeholder.name()));
                }
                long distinct = placeholders.stream().map(Placeholder::name).distinct().count();
                if (distinct != named.values().size()) {
                    throw invalid("The statement has " + distinct + " named parameter" + (distinct == 1 ? "" : "s")
                            + " but " + named.values().size() + " values were given");
                }
            }
        }
        StringBuilder executed = new StringBuilder();
        StringBuilder planned = new StringBuilder();
        List<Object> values = new ArrayList<>();
        int copied = 0;
        boolean rewritten = false;
        for (int index = 0; index < placeholders.size(); index++) {
            Placeholder placeholder = placeholders.get(index);
            ParameterValue value = ordered.get(index);
            Bound bound = bind("parameter " + (index + 1), value);
            String replacement = bound.wrapper();
            executed.append(sql, copied, placeholder.start()).append(replacement);
            planned.append(sql, copied, placeholder.start()).append(replacement.replace("?", "NULL"));
            copied = placeholder.end();
            rewritten |= !replacement.equals(sql.substring(placeholder.start(), placeholder.end()));
            values.add(bound.value());
        }
        executed.append(sql.substring(copied));
        planned.append(sql.substring(copied));
        return new TrinoParameters(executed.toString(), values, rewritten, planned.toString());
    }

    /** A value as the driver sends it, and the SQL that stands for it ({@code ?} or a conversion of it). */
    private record Bound(Object value, String wrapper) {
    }

    private static Bound bind(String label, ParameterValue parameter) {
        Object value = parameter.value();
        SqlType type = parameter.type();
        if (type != null && type.isNested() || value instanceof List<?> || value instanceof Map<?, ?>) {
            throw invalid("The Trino engine does not take " + (type == null ? "LIST, STRUCT or MAP" : type.sqlName())
                    + " parameters (" + label + "); write the value as an ARRAY[…], ROW(…) or MAP(…) literal");
        }
        if (type != null && type.kind() == SqlType.Kind.INTERVAL || value instanceof Interval) {
            throw invalid("The Trino engine does not take INTERVAL parameters (" + label + "); write an INTERVAL literal");
        }
        if (value == null) {
            return new Bound(null, type == null ? "?" : "CAST(? AS " + TrinoTypes.toTrino(type) + ")");
        }
        return switch (value) {
            case UUID uuid -> new Bound(uuid.toString(), "CAST(? AS uuid)");
            case BigInteger big -> new Bound(new BigDecimal(big), "CAST(? AS decimal(38,0))");
            case LocalTime time -> new Bound(time.toString(), "CAST(? AS time(" + (time.getNano() == 0 ? 0 : 9) + "))");
            case OffsetDateTime dateTime -> new Bound(dateTime.toInstant(), "?");
            case ZonedDateTime dateTime -> new Bound(dateTime.toInstant(), "?");
            case String text when type != null && type.kind() == SqlType.Kind.JSON -> new Bound(text, "json_parse(?)");
            case String text when type != null && type.kind() == SqlType.Kind.UUID -> new Bound(text, "CAST(? AS uuid)");
            default -> new Bound(value, type == null || type.kind() == SqlType.Kind.VARCHAR ? "?"
                    : "CAST(? AS " + TrinoTypes.toTrino(type) + ")");
        };
    }

    record Placeholder(int start, int end, int number, String name) {
    }

    /** {@code ?}, {@code $n} and {@code :name} outside string literals, quoted names and comments. */
    static List<Placeholder> placeholders(String sql) {
        List<Placeholder> found = new ArrayList<>();
        int length = sql.length();
        int index = 0;
        while (index < length) {
            char c = sql.charAt(index);
            if (c == '\'' || c == '"') {
                index = SqlText.skipQuoted(sql, index, c);
            } else if (c == '-' && index + 1 < length && sql.charAt(index + 1) == '-') {
                int end = sql.indexOf('\n', index);
                index = end < 0 ? length : end + 1;
            } else if (c == '/' && index + 1 < length && sql.charAt(index + 1) == '*') {
                int end = sql.indexOf("*/", index + 2);
                index = end < 0 ? length : end + 2;
            } else if (c == '?') {
                found.add(new Placeholder(index, index + 1, 0, null));
                index++;
            } else if (c == '$' && index + 1 < length && Character.isDigit(sql.charAt(index + 1))
                    && (index == 0 || !Character.isLetterOrDigit(sql.charAt(index - 1)))) {
                int end = index + 1;
                while (end < length && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                found.add(new Placeholder(index, end, Integer.parseInt(sql.substring(index + 1, end)), null));
                index = end;
            } else if ((c == ':' || c == '$') && index + 1 < length && SqlText.isNameStart(sql.charAt(index + 1))
                    && (index == 0 || sql.charAt(index - 1) != ':') && !(index + 1 < length && sql.charAt(index + 1) == ':')) {
                int end = index + 1;
                while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                found.add(new Placeholder(index, end, 0, sql.substring(index + 1, end)));
                index = end;
            } else {
                index++;
            }
        }
        return found;
    }

    static SluiceException countMismatch(int expected, int actual) {
        return invalid("The statement has " + expected + " parameter placeholder" + (expected == 1 ? "" : "s") + " but "
                + actual + " value" + (actual == 1 ? " was" : "s were") + " given");
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
