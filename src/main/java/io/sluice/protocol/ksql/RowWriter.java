package io.sluice.protocol.ksql;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a query's header, rows and end in one of ksqlDB's three response layouts. */
abstract class RowWriter {

    /** Builds a layout's writer over an output stream. */
    interface Factory {
        RowWriter create(OutputStream out);
    }

    protected final OutputStream out;
    protected final ObjectMapper json;

    RowWriter(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    abstract void header(String queryId, QueryPlan plan) throws IOException;

    /** Writes one row. */
    final void row(List<Object> columns, boolean tombstone) throws IOException {
        out.write(rowBytes(columns, tombstone));
    }

    /**
     * One row as the layout writes it. The bytes depend on nothing but the layout and the row, so a row sent to
     * many push queries of the same shape is encoded once ({@link SharedRowEncoding}).
     */
    abstract byte[] rowBytes(List<Object> columns, boolean tombstone) throws IOException;

    /** Ends successfully; {@code message} is the finalMessage where the layout has one. */
    abstract void finish(String message) throws IOException;

    abstract void error(KsqlError error) throws IOException;

    /**
     * Called while no row comes. Over HTTP/1.1 a client that went away is only noticed by writing, so
     * layouts send a bare newline there (JSON whitespace; an empty line between delimited rows). Over
     * HTTP/2 a reset stream is reported at once and nothing is sent.
     */
    void idle() throws IOException {
        if (keepAlive) {
            write("\n");
            flush();
        }
    }

    private boolean keepAlive;

    RowWriter keepAlive(boolean enabled) {
        this.keepAlive = enabled;
        return this;
    }

    void flush() throws IOException {
        out.flush();
    }

    protected void write(String text) throws IOException {
        out.write(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code POST /query}: one JSON array built while streaming — [{header},\n{row},\n…{finalMessage}]. */
    static final class QueryArray extends RowWriter {
        QueryArray(OutputStream out, ObjectMapper json) {
            super(out, json);
        }

        @Override
        void header(String queryId, QueryPlan plan) throws IOException {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("queryId", queryId);
            header.put("schema", plan.schema());
            write("[" + json.writeValueAsString(Map.of("header", header)) + ",\n");
            flush();
        }

        @Override
        byte[] rowBytes(List<Object> columns, boolean tombstone) throws IOException {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("columns", columns);
            if (tombstone) {
                row.put("tombstone", true);
            }
            return bytes(json.writeValueAsString(Map.of("row", row)) + ",\n");
        }

        @Override
        void finish(String message) throws IOException {
            write(json.writeValueAsString(Map.of("finalMessage", message)) + "]");
            flush();
        }

        @Override
        void error(KsqlError error) throws IOException {
            write(json.writeValueAsString(Map.of("errorMessage", error.generic())) + "]");
            flush();
        }
    }

    /** {@code POST /query-stream}, application/vnd.ksqlapi.delimited.v1: a header line, then one array per line. */
    static final class Delimited extends RowWriter {
        Delimited(OutputStream out, ObjectMapper json) {
            super(out, json);
        }

        @Override
        void header(String queryId, QueryPlan plan) throws IOException {
            write(json.writeValueAsString(streamHeader(queryId, plan)) + "\n");
            flush();
        }

        @Override
        byte[] rowBytes(List<Object> columns, boolean tombstone) throws IOException {
            return bytes(json.writeValueAsString(columns) + "\n");
        }

        @Override
        void finish(String message) throws IOException {
            flush();
        }

        @Override
        void error(KsqlError error) throws IOException {
            write(json.writeValueAsString(error.generic()) + "\n");
            flush();
        }
    }

    /** {@code POST /query-stream}, application/json: one array [{header},[row],[row]]. */
    static final class JsonArray extends RowWriter {
        JsonArray(OutputStream out, ObjectMapper json) {
            super(out, json);
        }

        @Override
        void header(String queryId, QueryPlan plan) throws IOException {
            write("[" + json.writeValueAsString(streamHeader(queryId, plan)));
            flush();
        }

        @Override
        byte[] rowBytes(List<Object> columns, boolean tombstone) throws IOException {
            return bytes(",\n" + json.writeValueAsString(columns));
        }

        @Override
        void finish(String message) throws IOException {
            write("]");
            flush();
        }

        @Override
        void error(KsqlError error) throws IOException {
            write(",\n" + json.writeValueAsString(error.generic()) + "]");
            flush();
        }
    }

    static Map<String, Object> streamHeader(String queryId, QueryPlan plan) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (queryId != null) {
            header.put("queryId", queryId);
        }
        header.put("columnNames", plan.columnNames());
        header.put("columnTypes", plan.columnTypes());
        return header;
    }
}
