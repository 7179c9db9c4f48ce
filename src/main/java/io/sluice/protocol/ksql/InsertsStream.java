package io.sluice.protocol.ksql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.error.SluiceException;
import io.sluice.core.streams.SourceColumn;
import io.sluice.core.streams.SourceDefinition;
import io.sluice.core.streams.StreamService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /inserts-stream}: the first JSON object names the target, each following one is a row; every row
 * is acknowledged as it is stored, in the layout the {@code Accept} header asks for. ksqlDB answers
 * {@code application/json} with one JSON array of acks (npm ksqldb-client parses the whole body as one), and
 * anything else with its delimited layout, one ack per line.
 */
final class InsertsStream {

    private final StreamService streams;
    private final ObjectMapper json;

    InsertsStream(StreamService streams, ObjectMapper json) {
        this.streams = streams;
        this.json = json;
    }

    void handle(Context context) throws IOException {
        InputStream in = context.req().getInputStream();
        MappingIterator<JsonNode> rows;
        JsonNode first;
        try {
            rows = json.readerFor(JsonNode.class).readValues(in);
            first = rows.hasNextValue() ? rows.nextValue() : null;
        } catch (IOException | RuntimeException e) {
            throw new KsqlBadRequest("Malformed JSON in the request body");
        }
        if (first == null || !first.isObject() || first.get("target") == null || !first.get("target").isTextual()) {
            throw new KsqlBadRequest("The first JSON object must name the target: {\"target\":\"<stream>\"}");
        }
        String target = first.get("target").textValue();
        SourceDefinition definition = streams.source(target).orElseThrow(() -> new KsqlBadRequest(KsqlError.BAD_STATEMENT,
                "Cannot insert values into an unknown stream/table: " + target));
        boolean jsonArray = KsqlApi.acceptsJson(context);
        context.status(200).contentType(jsonArray ? "application/json" : KsqlApi.DELIMITED);
        OutputStream out = context.res().getOutputStream();
        // The 200 goes out now: an error in a later row is an ack, not a status.
        out.flush();
        Acks acks = jsonArray ? new JsonArrayAcks(out) : new DelimitedAcks(out);
        long sequence = 0;
        while (true) {
            JsonNode row;
            try {
                if (!rows.hasNext()) {
                    break;
                }
                row = rows.next();
            } catch (RuntimeException e) {
                acks.write(ack(sequence, new KsqlError(400, KsqlError.BAD_REQUEST, "Malformed JSON row")));
                break;
            }
            acks.write(ack(sequence++, insertRow(definition, row)));
        }
        acks.end();
    }

    /** Inserts one row; null when it was stored, else the error for its ack. */
    private KsqlError insertRow(SourceDefinition definition, JsonNode row) {
        if (!row.isObject()) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, "Each row must be a JSON object");
        }
        try {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : row.properties()) {
                int index = definition.columnIndex(field.getKey());
                if (index < 0) {
                    return new KsqlError(400, KsqlError.BAD_REQUEST, "Column name " + field.getKey() + " does not exist.");
                }
                SourceColumn column = definition.columns().get(index);
                values.put(column.name(), KsqlValues.fromJson(field.getValue(), column.name(), column.sqlType()));
            }
            streams.insert(definition.name(), values);
            return null;
        } catch (KsqlSyntaxException e) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, e.getMessage());
        } catch (SluiceException e) {
            return new KsqlError(400, KsqlError.BAD_REQUEST, KsqlError.of(e.error()).message());
        }
    }

    private byte[] ack(long sequence, KsqlError error) throws IOException {
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("status", error == null ? "ok" : "error");
        ack.put("seq", sequence);
        if (error != null) {
            ack.put("error_code", error.errorCode());
            ack.put("message", error.message());
        }
        return json.writeValueAsBytes(ack);
    }

    /** Writes acks in one layout, each flushed as it is known. */
    private abstract static class Acks {
        final OutputStream out;

        Acks(OutputStream out) {
            this.out = out;
        }

        abstract void write(byte[] ack) throws IOException;

        abstract void end() throws IOException;

        void send(String before, byte[] ack, String after) throws IOException {
            out.write(before.getBytes(StandardCharsets.UTF_8));
            out.write(ack);
            out.write(after.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** application/vnd.ksqlapi.delimited.v1: one ack per line. */
    private static final class DelimitedAcks extends Acks {
        DelimitedAcks(OutputStream out) {
            super(out);
        }

        @Override
        void write(byte[] ack) throws IOException {
            send("", ack, "\n");
        }

        @Override
        void end() throws IOException {
            out.flush();
        }
    }

    /** application/json: one array built while streaming, {@code [ack,ack]}, or {@code []} without rows. */
    private static final class JsonArrayAcks extends Acks {
        private boolean started;

        JsonArrayAcks(OutputStream out) {
            super(out);
        }

        @Override
        void write(byte[] ack) throws IOException {
            send(started ? "," : "[", ack, "");
            started = true;
        }

        @Override
        void end() throws IOException {
            out.write((started ? "]" : "[]").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
