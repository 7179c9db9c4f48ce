package io.sluice.engine.trino;

import io.sluice.core.types.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trino's type names (as its JDBC driver reports them: {@code varchar(25)}, {@code decimal(12,2)},
 * {@code timestamp(3) with time zone}, {@code array(row(a integer, b varchar))}, {@code map(varchar, double)})
 * mapped into the canonical model, and canonical types mapped back to Trino's spelling for parameter casts.
 *
 * <p>Where the canonical model is narrower the value is kept, not dropped: CHAR(n), IPADDRESS and Trino's
 * other types without a canonical kind become VARCHAR (their text), TIME WITH TIME ZONE becomes VARCHAR
 * (the canonical TIME has no zone), timestamps finer than nanoseconds are cut to nanoseconds, and both
 * interval kinds become INTERVAL.
 */
final class TrinoTypes {

    private TrinoTypes() {
    }

    static SqlType toCanonical(String trinoType) {
        Parser parser = new Parser(trinoType);
        SqlType type = parser.type();
        return type;
    }

    /** Trino's spelling of a canonical type, for {@code CAST(? AS …)} around a declared parameter. */
    static String toTrino(SqlType type) {
        return switch (type) {
            case SqlType.Decimal decimal -> "decimal(" + decimal.precision() + "," + decimal.scale() + ")";
            case SqlType.Timestamp timestamp -> "timestamp(" + timestamp.precision() + ")";
            case SqlType.ListOf list -> "array(" + toTrino(list.element()) + ")";
            case SqlType.MapOf map -> "map(" + toTrino(map.key()) + ", " + toTrino(map.value()) + ")";
            case SqlType.StructOf struct -> {
                StringBuilder text = new StringBuilder("row(");
                for (int index = 0; index < struct.fields().size(); index++) {
                    SqlType.StructField field = struct.fields().get(index);
                    text.append(index == 0 ? "" : ", ").append('"').append(field.name().replace("\"", "\"\"")).append("\" ")
                            .append(toTrino(field.type()));
                }
                yield text.append(')').toString();
            }
            case SqlType.Simple simple -> switch (simple.kind()) {
                case BOOLEAN -> "boolean";
                case TINYINT -> "tinyint";
                case SMALLINT -> "smallint";
                case INTEGER -> "integer";
                case BIGINT -> "bigint";
                case HUGEINT -> "decimal(38,0)";
                case REAL -> "real";
                case DOUBLE -> "double";
                case VARCHAR -> "varchar";
                case BLOB -> "varbinary";
                case DATE -> "date";
                case TIME -> "time(6)";
                case TIMESTAMP_WITH_TIME_ZONE -> "timestamp(6) with time zone";
                case INTERVAL -> "interval day to second";
                case UUID -> "uuid";
                case JSON -> "json";
                default -> throw new IllegalArgumentException("no Trino type for " + type.sqlName());
            };
        };
    }

    /** Canonical timestamp precision: Trino allows 0–12 digits; the canonical model keeps 0, 3, 6 or 9. */
    static int canonicalPrecision(int trinoPrecision) {
        if (trinoPrecision == 0) {
            return 0;
        }
        if (trinoPrecision <= 3) {
            return 3;
        }
        return trinoPrecision <= 6 ? 6 : 9;
    }

    /** A small recursive-descent reader of Trino type signatures. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text.trim();
        }

        SqlType type() {
            skipSpaces();
            String word = word();
            String lower = word.toLowerCase(Locale.ROOT);
            SqlType type = switch (lower) {
                case "boolean" -> SqlType.BOOLEAN;
                case "tinyint" -> SqlType.TINYINT;
                case "smallint" -> SqlType.SMALLINT;
                case "integer", "int" -> SqlType.INTEGER;
                case "bigint" -> SqlType.BIGINT;
                case "real" -> SqlType.REAL;
                case "double" -> {
                    skipWord("precision");
                    yield SqlType.DOUBLE;
                }
                case "decimal" -> {
                    List<Integer> arguments = numbers();
                    int precision = arguments.isEmpty() ? 38 : arguments.get(0);
                    int scale = arguments.size() > 1 ? arguments.get(1) : 0;
                    yield new SqlType.Decimal(precision, scale);
                }
                case "varchar", "char" -> {
                    numbers();
                    yield SqlType.VARCHAR;
                }
                case "varbinary" -> SqlType.BLOB;
                case "date" -> SqlType.DATE;
                case "time" -> {
                    numbers();
                    yield withTimeZone() ? SqlType.VARCHAR : SqlType.TIME;
                }
                case "timestamp" -> {
                    List<Integer> arguments = numbers();
                    int precision = arguments.isEmpty() ? 3 : arguments.get(0);
                    yield withTimeZone() ? SqlType.TIMESTAMP_WITH_TIME_ZONE
                            : new SqlType.Timestamp(canonicalPrecision(precision));
                }
                case "interval" -> {
                    // "interval day to second" / "interval year to month"
                    word();
                    skipWord("to");
                    word();
                    yield SqlType.INTERVAL;
                }
                case "uuid" -> SqlType.UUID;
                case "json" -> SqlType.JSON;
                case "array" -> {
                    expect('(');
                    SqlType element = type();
                    expect(')');
                    yield new SqlType.ListOf(element);
                }
                case "map" -> {
                    expect('(');
                    SqlType key = type();
                    expect(',');
                    SqlType value = type();
                    expect(')');
                    yield new SqlType.MapOf(key, value);
                }
                case "row" -> row();
                default -> {
                    skipArguments();
                    yield SqlType.VARCHAR;
                }
            };
            skipSpaces();
            return type;
        }

        /** {@code row(a integer, "b c" varchar)} or anonymous {@code row(integer, varchar)}: fields named field1… */
        private SqlType row() {
            expect('(');
            List<SqlType.StructField> fields = new ArrayList<>();
            while (true) {
                skipSpaces();
                String name = null;
                int mark = position;
                if (peek() == '"') {
                    name = quoted();
                } else {
                    String first = word();
                    skipSpaces();
                    char next = peek();
                    if (next == ',' || next == ')' || next == '(' || isTypeContinuation(first)) {
                        position = mark; // the word was the type itself: an anonymous field
                    } else {
                        name = first;
                    }
                }
                SqlType fieldType = type();
                fields.add(new SqlType.StructField(name == null ? "field" + (fields.size() + 1) : name, fieldType));
                skipSpaces();
                if (peek() == ',') {
                    position++;
                    continue;
                }
                expect(')');
                return new SqlType.StructOf(fields);
            }
        }

        /** Type names that continue with another word ("double precision", "interval day …", "timestamp with …"). */
        private boolean isTypeContinuation(String word) {
            String lower = word.toLowerCase(Locale.ROOT);
            String rest = text.substring(position).toLowerCase(Locale.ROOT);
            return lower.equals("interval") || lower.equals("double") && rest.startsWith("precision")
                    || (lower.equals("timestamp") || lower.equals("time")) && rest.startsWith("with");
        }

        private boolean withTimeZone() {
            skipSpaces();
            if (text.regionMatches(true, position, "with time zone", 0, "with time zone".length())) {
                position += "with time zone".length();
                return true;
            }
            if (text.regionMatches(true, position, "without time zone", 0, "without time zone".length())) {
                position += "without time zone".length();
            }
            return false;
        }

        private List<Integer> numbers() {
            skipSpaces();
            List<Integer> numbers = new ArrayList<>();
            if (peek() != '(') {
                return numbers;
            }
            position++;
            while (true) {
                skipSpaces();
                int start = position;
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
                if (start == position) {
                    throw new IllegalArgumentException("expected a number in Trino type " + text);
                }
                numbers.add(Integer.parseInt(text.substring(start, position)));
                skipSpaces();
                if (peek() == ',') {
                    position++;
                    continue;
                }
                expect(')');
                return numbers;
            }
        }

        /** Skips the parenthesised arguments of a type this parser has no mapping for. */
        private void skipArguments() {
            skipSpaces();
            if (peek() != '(') {
                return;
            }
            int depth = 0;
            do {
                char c = text.charAt(position++);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            } while (depth > 0 && position < text.length());
        }

        private String word() {
            skipSpaces();
            int start = position;
            while (position < text.length()
                    && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                position++;
            }
            if (start == position) {
                throw new IllegalArgumentException("expected a word at " + position + " in Trino type " + text);
            }
            return text.substring(start, position);
        }

        private void skipWord(String expected) {
            skipSpaces();
            if (text.regionMatches(true, position, expected, 0, expected.length())) {
                position += expected.length();
            }
        }

        private String quoted() {
            StringBuilder name = new StringBuilder();
            position++;
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    if (peek() == '"') {
                        name.append('"');
                        position++;
                        continue;
                    }
                    return name.toString();
                }
                name.append(c);
            }
            throw new IllegalArgumentException("unterminated quoted name in Trino type " + text);
        }

        private void expect(char expected) {
            skipSpaces();
            if (peek() != expected) {
                throw new IllegalArgumentException("expected '" + expected + "' at " + position + " in Trino type " + text);
            }
            position++;
        }

        private char peek() {
            return position < text.length() ? text.charAt(position) : '\0';
        }

        private void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }
    }
}
