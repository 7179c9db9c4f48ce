package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;

/**
 * Reads a result in the native {@code ndjson-array} format (one JSON array of values per line) row by row,
 * with Jackson's streaming parser: nothing but the current row is held, and every value keeps the exact text
 * the server wrote. A number is never turned into a double, so DECIMAL {@code 1.50} stays {@code 1.50} and a
 * large BIGINT keeps every digit. SQL NULL is Java null; nested values (LIST, STRUCT, MAP) are their compact JSON.
 */
final class ResultRows implements Closeable {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final JsonParser parser;
    private final int columns;

    ResultRows(InputStream input, int columns) throws IOException {
        this.parser = JSON.createParser(input);
        this.columns = columns;
    }

    /** The next row's cells, or null at the end of the result. */
    String[] next() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw new IOException("the server sent " + token + " where a row was expected");
        }
        String[] cells = new String[columns];
        int index = 0;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("the result ended inside a row");
            }
            String cell = cell(token);
            if (index < columns) {
                cells[index] = cell;
            }
            index++;
        }
        return cells;
    }

    private String cell(JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NULL -> null;
            // getText gives the digits as sent: no double in between, so the scale and every digit survive.
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> parser.getText();
            case START_ARRAY, START_OBJECT -> nested();
            default -> throw new IOException("unexpected " + token + " in a row");
        };
    }

    /** A LIST, STRUCT or MAP as compact JSON, numbers again copied digit for digit. */
    private String nested() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(text)) {
            // Jackson's own copy would read numbers as doubles (1.10 becomes 1.1); copy their text instead.
            int depth = 0;
            JsonToken token = parser.currentToken();
            do {
                switch (token) {
                    case START_ARRAY -> { generator.writeStartArray(); depth++; }
                    case START_OBJECT -> { generator.writeStartObject(); depth++; }
                    case END_ARRAY -> { generator.writeEndArray(); depth--; }
                    case END_OBJECT -> { generator.writeEndObject(); depth--; }
                    case FIELD_NAME -> generator.writeFieldName(parser.currentName());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
                    default -> generator.copyCurrentEvent(parser);
                }
                if (depth > 0) {
                    token = parser.nextToken();
                    if (token == null) {
                        throw new IOException("the result ended inside a value");
                    }
                }
            } while (depth > 0);
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
