package io.sluice.protocol.ksql;

import io.sluice.core.streams.SourceDefinition;
import java.math.BigDecimal;
import java.util.List;

/**
 * A WHERE clause: comparisons of a column with a literal, IS [NOT] NULL, AND, OR, NOT. Evaluated in memory
 * for push queries and rendered as SQL with bound parameters for pull queries.
 */
sealed interface Predicate {

    boolean test(SourceDefinition source, List<Object> row);

    void toSql(StringBuilder sql, List<Object> parameters);

    List<String> columns();

    record Comparison(String column, String operator, Object literal) implements Predicate {
        @Override
        public boolean test(SourceDefinition source, List<Object> row) {
            Object value = row.get(source.columnIndex(column));
            if (value == null || literal == null) {
                return false;
            }
            int order = compare(value, literal);
            return switch (operator) {
                case "=" -> order == 0;
                case "!=", "<>" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> false;
            };
        }

        @Override
        public void toSql(StringBuilder sql, List<Object> parameters) {
            sql.append(KsqlApi.quote(column)).append(' ').append(operator.equals("!=") ? "<>" : operator).append(" ?");
            parameters.add(literal);
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int compare(Object value, Object literal) {
            if (value instanceof Number a && literal instanceof Number b) {
                return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
            }
            if (value instanceof Comparable comparable && value.getClass() == literal.getClass()) {
                return comparable.compareTo(literal);
            }
            return value.toString().compareTo(literal.toString());
        }
    }

    record IsNull(String column, boolean negated) implements Predicate {
        @Override
        public boolean test(SourceDefinition source, List<Object> row) {
            return (row.get(source.columnIndex(column)) == null) != negated;
        }

        @Override
        public void toSql(StringBuilder sql, List<Object> parameters) {
            sql.append(KsqlApi.quote(column)).append(negated ? " IS NOT NULL" : " IS NULL");
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }
    }

    record Logical(String operator, Predicate left, Predicate right) implements Predicate {
        @Override
        public boolean test(SourceDefinition source, List<Object> row) {
            return operator.equals("AND") ? left.test(source, row) && right.test(source, row)
                    : left.test(source, row) || right.test(source, row);
        }

        @Override
        public void toSql(StringBuilder sql, List<Object> parameters) {
            sql.append('(');
            left.toSql(sql, parameters);
            sql.append(' ').append(operator).append(' ');
            right.toSql(sql, parameters);
            sql.append(')');
        }

        @Override
        public List<String> columns() {
            return java.util.stream.Stream.concat(left.columns().stream(), right.columns().stream()).toList();
        }
    }

    record Not(Predicate inner) implements Predicate {
        @Override
        public boolean test(SourceDefinition source, List<Object> row) {
            return !inner.test(source, row);
        }

        @Override
        public void toSql(StringBuilder sql, List<Object> parameters) {
            sql.append("NOT (");
            inner.toSql(sql, parameters);
            sql.append(')');
        }

        @Override
        public List<String> columns() {
            return inner.columns();
        }
    }
}
