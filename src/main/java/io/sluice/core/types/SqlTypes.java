package io.sluice.core.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads the canonical spelling produced by {@link SqlType#sqlName()} back into a type. */
public final class SqlTypes {

    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SqlTypes() {
    }

    public static SqlType parse(String text) {
        Parser parser = new Parser(text);
        SqlType type = parser.type();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw new IllegalArgumentException("unexpected text after type at " + parser.position + ": " + text);
        }
        return type;
    }

    static String quoteIdentifier(String name) {
        if (PLAIN_IDENTIFIER.matcher(name).matches()) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        SqlType type() {
            SqlType type = baseType();
            skipSpaces();
            while (text.startsWith("[]", position)) {
                position += 2;
                type = new SqlType.ListOf(type);
                skipSpaces();
            }
            return type;
        }

        private SqlType baseType() {
            skipSpaces();
            String word = word().toUpperCase(Locale.ROOT);
            return switch (word) {
                case "DECIMAL" -> {
                    expect('(');
                    int precision = number();
                    expect(',');
                    int scale = number();
                    expect(')');
                    yield new SqlType.Decimal(precision, scale);
                }
                case "TIMESTAMP" -> {
                    skipSpaces();
                    if (peek('(')) {
                        expect('(');
                        int precision = number();
                        expect(')');
                        yield new SqlType.Timestamp(precision);
                    }
                    if (text.regionMatches(true, position, "WITH TIME ZONE", 0, 14)) {
                        position += 14;
                        yield SqlType.TIMESTAMP_WITH_TIME_ZONE;
                    }
                    yield SqlType.TIMESTAMP;
                }
                case "STRUCT" -> {
                    expect('(');
                    List<SqlType.StructField> fields = new ArrayList<>();
                    skipSpaces();
                    while (!peek(')')) {
                        String name = identifier();
                        SqlType fieldType = type();
                        fields.add(new SqlType.StructField(name, fieldType));
                        skipSpaces();
                        if (peek(',')) {
                            position++;
                            skipSpaces();
                        }
                    }
                    expect(')');
                    yield new SqlType.StructOf(fields);
                }
                case "MAP" -> {
                    expect('(');
                    SqlType key = type();
                    expect(',');
                    SqlType value = type();
                    expect(')');
                    yield new SqlType.MapOf(key, value);
                }
                default -> {
                    try {
                        yield new SqlType.Simple(SqlType.Kind.valueOf(word));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown type " + word + " in " + text);
                    }
                }
            };
        }

        private String identifier() {
            skipSpaces();
            if (peek('"')) {
                StringBuilder name = new StringBuilder();
                position++;
                while (position < text.length()) {
                    char c = text.charAt(position++);
                    if (c == '"') {
                        if (peek('"')) {
                            name.append('"');
                            position++;
                        } else {
                            return name.toString();
                        }
                    } else {
                        name.append(c);
                    }
                }
                throw new IllegalArgumentException("unterminated identifier in " + text);
            }
            return word();
        }

        private String word() {
            int start = position;
            while (position < text.length()
                    && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                position++;
            }
            if (start == position) {
                throw new IllegalArgumentException("expected a word at " + position + " in " + text);
            }
            return text.substring(start, position);
        }

        private int number() {
            skipSpaces();
            return Integer.parseInt(word());
        }

        private void expect(char c) {
            skipSpaces();
            if (!peek(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at " + position + " in " + text);
            }
            position++;
        }

        private boolean peek(char c) {
            return position < text.length() && text.charAt(position) == c;
        }

        void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }

        boolean atEnd() {
            return position >= text.length();
        }
    }
}
