package io.sluice.protocol.ksql;

import io.sluice.core.streams.Aggregation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-written parser for the subset of ksqlDB's language Sluice speaks: CREATE STREAM/TABLE (with
 * columns, or TABLE AS SELECT … GROUP BY), DROP, SHOW/LIST STREAMS/TABLES/QUERIES/TOPICS, DESCRIBE, TERMINATE,
 * INSERT INTO … VALUES and SELECT (push with EMIT CHANGES, or pull). Unquoted identifiers are upper-cased
 * as ksqlDB does; back-quoted ones keep their case. Errors are {@link KsqlSyntaxException}s.
 */
final class KsqlParser {

    private enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL, END }

    private record Token(Kind kind, String text, int start) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word) || kind == Kind.SYMBOL && text.equals(word);
        }
    }

    private final String source;
    private final List<Token> tokens;
    private int position;
    private int statementStart;

    private KsqlParser(String source) {
        this.source = source;
        this.tokens = tokenize(source);
    }

    /** Parses every statement in {@code text} (separated by semicolons). */
    static List<KsqlStatement> parseAll(String text) {
        KsqlParser parser = new KsqlParser(text);
        List<KsqlStatement> statements = new ArrayList<>();
        while (parser.peek().kind != Kind.END) {
            if (parser.peek().is(";")) {
                parser.position++;
                continue;
            }
            statements.add(parser.statement());
        }
        return statements;
    }

    /** Parses exactly one statement (a trailing semicolon is optional). */
    static KsqlStatement parseOne(String text) {
        List<KsqlStatement> statements = parseAll(text);
        if (statements.size() != 1) {
            throw new KsqlSyntaxException("Expected exactly one statement, got " + statements.size(), text);
        }
        return statements.getFirst();
    }

    private KsqlStatement statement() {
        statementStart = peek().start;
        Token first = next();
        KsqlStatement statement;
        if (first.is("CREATE")) {
            statement = create();
        } else if (first.is("DROP")) {
            statement = drop();
        } else if (first.is("SHOW") || first.is("LIST")) {
            Token what = next();
            String name = what.text.toUpperCase(Locale.ROOT);
            if (!List.of("STREAMS", "TABLES", "QUERIES", "TOPICS").contains(name)) {
                throw error("SHOW " + name + " is not supported; use SHOW STREAMS, SHOW TABLES, SHOW QUERIES or SHOW TOPICS", what);
            }
            boolean extended = peek().is("EXTENDED");
            if (extended) {
                next();
            }
            statement = new KsqlStatement.Show(text(), name, extended);
        } else if (first.is("DESCRIBE")) {
            String name = identifier();
            boolean extended = false;
            if (peek().is("EXTENDED")) {
                next();
                extended = true;
            }
            statement = new KsqlStatement.Describe(text(), name, extended);
        } else if (first.is("TERMINATE")) {
            Token id = next();
            if (id.kind != Kind.WORD && id.kind != Kind.QUOTED) {
                throw error("Expected a query id", id);
            }
            statement = new KsqlStatement.Terminate(text(), id.kind == Kind.QUOTED ? id.text : id.text.toUpperCase(Locale.ROOT));
        } else if (first.is("INSERT")) {
            statement = insert();
        } else if (first.is("SELECT")) {
            statement = select();
        } else {
            throw error("Unsupported statement starting with '" + first.text + "'", first);
        }
        Token end = peek();
        if (!end.is(";") && end.kind != Kind.END) {
            throw error("Syntax error: unexpected '" + end.text + "'", end);
        }
        return statement;
    }

    private String text() {
        int end = peek().kind == Kind.END ? source.length() : peek().start;
        return source.substring(statementStart, end).trim() + ";";
    }

    private KsqlStatement create() {
        if (peek().is("OR")) {
            next();
            expect("REPLACE");
        }
        Token type = next();
        if (!type.is("STREAM") && !type.is("TABLE")) {
            throw error("Expected STREAM or TABLE after CREATE", type);
        }
        boolean ifNotExists = false;
        if (peek().is("IF")) {
            next();
            expect("NOT");
            expect("EXISTS");
            ifNotExists = true;
        }
        String name = identifier();
        if (peek().is("(")) {
            List<KsqlStatement.ColumnDefinition> columns = columnDefinitions(type.is("TABLE"));
            Map<String, String> properties = peek().is("WITH") ? properties() : Map.of();
            return new KsqlStatement.CreateSource(text(), type.is("STREAM") ? KsqlStatement.SourceType.STREAM
                    : KsqlStatement.SourceType.TABLE, name, columns, properties, ifNotExists);
        }
        Map<String, String> properties = peek().is("WITH") ? properties() : Map.of();
        Token as = expect("AS");
        if (type.is("STREAM")) {
            throw error("CREATE STREAM AS SELECT is not supported; create a TABLE AS SELECT … GROUP BY", as);
        }
        expect("SELECT");
        List<String> plainColumns = new ArrayList<>();
        List<Aggregation> aggregations = new ArrayList<>();
        do {
            Token item = peek();
            if (item.kind == Kind.WORD && tokens.get(position + 1).is("(")) {
                String function = next().text.toUpperCase(Locale.ROOT);
                Aggregation.Function kind;
                try {
                    kind = Aggregation.Function.valueOf(function);
                } catch (IllegalArgumentException e) {
                    throw error("Unsupported aggregate function " + function + "; use COUNT, SUM, MIN or MAX", item);
                }
                expect("(");
                String argument = null;
                if (peek().is("*")) {
                    next();
                    if (kind != Aggregation.Function.COUNT) {
                        throw error(function + "(*) is not valid", item);
                    }
                } else {
                    argument = identifier();
                }
                expect(")");
                String alias = "KSQL_COL_" + aggregations.size();
                if (peek().is("AS")) {
                    next();
                    alias = identifier();
                }
                aggregations.add(new Aggregation(kind, argument, alias));
            } else {
                plainColumns.add(identifier());
                if (peek().is("AS")) {
                    throw error("Aliases of GROUP BY columns are not supported", peek());
                }
            }
        } while (accept(","));
        expect("FROM");
        String from = identifier();
        if (peek().is("WHERE")) {
            throw error("WHERE in a persistent aggregate is not supported", peek());
        }
        expect("GROUP");
        expect("BY");
        List<String> groupBy = new ArrayList<>();
        do {
            groupBy.add(identifier());
        } while (accept(","));
        if (peek().is("EMIT")) {
            next();
            expect("CHANGES");
        }
        if (aggregations.isEmpty()) {
            throw error("A table AS SELECT needs at least one aggregate (COUNT, SUM, MIN, MAX)", peek());
        }
        for (String column : plainColumns) {
            if (groupBy.stream().noneMatch(column::equalsIgnoreCase)) {
                throw error("Non-aggregate SELECT expression(s) not part of GROUP BY: " + column, peek());
            }
        }
        return new KsqlStatement.CreateAggregate(text(), name, properties, ifNotExists, from, groupBy, aggregations);
    }

    private List<KsqlStatement.ColumnDefinition> columnDefinitions(boolean table) {
        expect("(");
        List<KsqlStatement.ColumnDefinition> columns = new ArrayList<>();
        do {
            String name = identifier();
            String type = type();
            boolean key = false;
            if (peek().is("KEY")) {
                next();
                key = true;
            } else if (peek().is("PRIMARY")) {
                next();
                expect("KEY");
                key = true;
            }
            columns.add(new KsqlStatement.ColumnDefinition(name, type, key));
        } while (accept(","));
        expect(")");
        return columns;
    }

    private String type() {
        Token token = next();
        if (token.kind != Kind.WORD) {
            throw error("Expected a type", token);
        }
        String type = token.text.toUpperCase(Locale.ROOT);
        if (type.equals("DECIMAL") && peek().is("(")) {
            next();
            String precision = expectNumber();
            expect(",");
            String scale = expectNumber();
            expect(")");
            return "DECIMAL(" + precision + ", " + scale + ")";
        }
        if (type.equals("VARCHAR") && peek().is("(")) {
            next();
            expectNumber();
            expect(")");
        }
        if (KsqlTypes.toSql(type) == null) {
            throw error("Unknown type: " + type, token);
        }
        return type;
    }

    private Map<String, String> properties() {
        expect("WITH");
        expect("(");
        Map<String, String> properties = new LinkedHashMap<>();
        do {
            Token key = next();
            if (key.kind != Kind.WORD && key.kind != Kind.QUOTED) {
                throw error("Expected a property name", key);
            }
            expect("=");
            Token value = next();
            if (value.kind != Kind.STRING && value.kind != Kind.NUMBER && value.kind != Kind.WORD) {
                throw error("Expected a property value", value);
            }
            properties.put(key.text.toUpperCase(Locale.ROOT), value.text);
        } while (accept(","));
        expect(")");
        return properties;
    }

    private KsqlStatement drop() {
        Token type = next();
        if (!type.is("STREAM") && !type.is("TABLE")) {
            throw error("Expected STREAM or TABLE after DROP", type);
        }
        boolean ifExists = false;
        if (peek().is("IF")) {
            next();
            expect("EXISTS");
            ifExists = true;
        }
        String name = identifier();
        if (peek().is("DELETE")) {
            next();
            expect("TOPIC");
        }
        return new KsqlStatement.Drop(text(), type.is("STREAM") ? KsqlStatement.SourceType.STREAM
                : KsqlStatement.SourceType.TABLE, name, ifExists);
    }

    private KsqlStatement insert() {
        expect("INTO");
        String target = identifier();
        List<String> columns = null;
        if (peek().is("(")) {
            next();
            columns = new ArrayList<>();
            do {
                columns.add(identifier());
            } while (accept(","));
            expect(")");
        }
        expect("VALUES");
        expect("(");
        List<Object> values = new ArrayList<>();
        do {
            values.add(literal());
        } while (accept(","));
        expect(")");
        return new KsqlStatement.InsertValues(text(), target, columns, values);
    }

    private KsqlStatement select() {
        List<String> columns = null;
        if (peek().is("*")) {
            next();
        } else {
            columns = new ArrayList<>();
            do {
                columns.add(identifier());
            } while (accept(","));
        }
        expect("FROM");
        String from = identifier();
        Predicate where = null;
        if (peek().is("WHERE")) {
            next();
            where = orExpression();
        }
        boolean emit = false;
        if (peek().is("EMIT")) {
            next();
            expect("CHANGES");
            emit = true;
        }
        long limit = -1;
        if (peek().is("LIMIT")) {
            next();
            limit = Long.parseLong(expectNumber());
        }
        return new KsqlStatement.Select(text(), columns, from, where, emit, limit);
    }

    private Predicate orExpression() {
        Predicate left = andExpression();
        while (peek().is("OR")) {
            next();
            left = new Predicate.Logical("OR", left, andExpression());
        }
        return left;
    }

    private Predicate andExpression() {
        Predicate left = notExpression();
        while (peek().is("AND")) {
            next();
            left = new Predicate.Logical("AND", left, notExpression());
        }
        return left;
    }

    private Predicate notExpression() {
        if (peek().is("NOT")) {
            next();
            return new Predicate.Not(notExpression());
        }
        if (peek().is("(")) {
            next();
            Predicate inner = orExpression();
            expect(")");
            return inner;
        }
        String column = identifier();
        if (peek().is("IS")) {
            next();
            boolean negated = accept("NOT");
            expect("NULL");
            return new Predicate.IsNull(column, negated);
        }
        Token operator = next();
        if (operator.kind != Kind.SYMBOL || !List.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(operator.text)) {
            throw error("Expected a comparison operator", operator);
        }
        return new Predicate.Comparison(column, operator.text, literal());
    }

    private Object literal() {
        Token token = next();
        boolean negative = false;
        if (token.is("-")) {
            negative = true;
            token = next();
        }
        switch (token.kind) {
            case STRING:
                return token.text;
            case NUMBER: {
                String text = negative ? "-" + token.text : token.text;
                if (text.contains(".") || text.contains("e") || text.contains("E")) {
                    return new BigDecimal(text).doubleValue();
                }
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    return new BigDecimal(text);
                }
            }
            case WORD:
                if (token.is("NULL")) {
                    return null;
                }
                if (token.is("TRUE") || token.is("FALSE")) {
                    return Boolean.parseBoolean(token.text.toLowerCase(Locale.ROOT));
                }
                break;
            default:
                break;
        }
        throw error("Expected a literal value", token);
    }

    private String identifier() {
        Token token = next();
        if (token.kind == Kind.QUOTED) {
            return token.text;
        }
        if (token.kind != Kind.WORD) {
            throw error("Expected an identifier", token);
        }
        return token.text.toUpperCase(Locale.ROOT);
    }

    private String expectNumber() {
        Token token = next();
        if (token.kind != Kind.NUMBER) {
            throw error("Expected a number", token);
        }
        return token.text;
    }

    private Token expect(String word) {
        Token token = next();
        if (!token.is(word)) {
            throw error("Expected " + word + " but found '" + (token.kind == Kind.END ? "end of statement" : token.text) + "'", token);
        }
        return token;
    }

    private boolean accept(String word) {
        if (peek().is(word)) {
            position++;
            return true;
        }
        return false;
    }

    private Token peek() {
        return tokens.get(position);
    }

    private Token next() {
        Token token = tokens.get(position);
        if (token.kind != Kind.END) {
            position++;
        }
        return token;
    }

    private KsqlSyntaxException error(String message, Token at) {
        int line = 1;
        int column = 1;
        for (int index = 0; index < Math.min(at.start, source.length()); index++) {
            if (source.charAt(index) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        int end = source.indexOf(';', statementStart);
        String statement = source.substring(Math.min(statementStart, source.length()), end < 0 ? source.length() : end + 1).trim();
        return new KsqlSyntaxException("line " + line + ":" + column + ": " + message, statement);
    }

    private static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int index = 0;
        while (index < text.length()) {
            char c = text.charAt(index);
            if (Character.isWhitespace(c)) {
                index++;
            } else if (c == '-' && index + 1 < text.length() && text.charAt(index + 1) == '-') {
                while (index < text.length() && text.charAt(index) != '\n') {
                    index++;
                }
            } else if (c == '\'' || c == '`' || c == '"') {
                StringBuilder value = new StringBuilder();
                int start = index++;
                while (true) {
                    if (index >= text.length()) {
                        throw new KsqlSyntaxException("line 1:" + (start + 1) + ": unterminated quote", text.trim());
                    }
                    char d = text.charAt(index++);
                    if (d == c) {
                        if (index < text.length() && text.charAt(index) == c) {
                            value.append(c);
                            index++;
                            continue;
                        }
                        break;
                    }
                    value.append(d);
                }
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED, value.toString(), start));
            } else if (Character.isDigit(c) || c == '.' && index + 1 < text.length() && Character.isDigit(text.charAt(index + 1))) {
                int start = index;
                while (index < text.length() && (Character.isDigit(text.charAt(index)) || text.charAt(index) == '.'
                        || text.charAt(index) == 'e' || text.charAt(index) == 'E')) {
                    index++;
                }
                tokens.add(new Token(Kind.NUMBER, text.substring(start, index), start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = index;
                while (index < text.length() && (Character.isLetterOrDigit(text.charAt(index)) || text.charAt(index) == '_'
                        || text.charAt(index) == '-' && index + 1 < text.length() && Character.isLetterOrDigit(text.charAt(index + 1))
                        && tokens.size() > 0 && tokens.getLast().is("TERMINATE"))) {
                    index++;
                }
                tokens.add(new Token(Kind.WORD, text.substring(start, index), start));
            } else {
                int start = index;
                String two = index + 1 < text.length() ? text.substring(index, index + 2) : "";
                if (List.of("<=", ">=", "!=", "<>").contains(two)) {
                    index += 2;
                    tokens.add(new Token(Kind.SYMBOL, two, start));
                } else if ("(),;=<>*-".indexOf(c) >= 0) {
                    index++;
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), start));
                } else {
                    throw new KsqlSyntaxException("line 1:" + (start + 1) + ": extraneous input '" + c + "'", text.trim());
                }
            }
        }
        tokens.add(new Token(Kind.END, "", text.length()));
        return tokens;
    }
}
