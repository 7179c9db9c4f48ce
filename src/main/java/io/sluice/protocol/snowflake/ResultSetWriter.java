package io.sluice.protocol.snowflake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.result.BatchStream;
import io.sluice.core.spool.PageInfo;
import io.sluice.core.spool.SpooledResult;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementStatus;
import io.sluice.core.types.Column;
import io.sluice.format.ColumnReader;
import io.sluice.format.ColumnReaders;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes a Snowflake ResultSet: metadata, one partition of {@code data} (a spool page, streamed batch by batch
 * so no partition is built in memory), the success fields and the {@code Link} header for the partitions.
 */
final class ResultSetWriter {

    static final String SUCCESS_MESSAGE = "Statement executed successfully.";
    static final String MULTI_MESSAGE = "Multiple statements executed successfully.";

    private final StatementService statements;
    private final JsonFactory factory;

    ResultSetWriter(StatementService statements, JsonFactory factory) {
        this.statements = statements;
        this.factory = factory;
    }

    /** How the result is shaped: spooled rows, or a synthetic one-row answer (DML counts, DDL status, multi). */
    private record Shape(List<SnowflakeTypes.RowType> rowTypes, List<PageInfo> pages, long numRows,
                         List<String> syntheticRow, String statsField, long count) {
    }

    void write(Context context, Principal principal, StatementStatus status, StatementInfo info, int partition,
               boolean compress) throws IOException {
        String handle = StatementHandles.handleOf(status.id());
        Shape shape = shape(principal, status, info);
        int partitions = Math.max(1, shape.pages().size());
        if (partition >= partitions) {
            throw SnowflakeException.invalidPayload("Partition " + partition + " is out of range; the result has "
                    + partitions + " partition(s).");
        }
        context.status(200).contentType("application/json");
        context.header("Link", link(handle, partition, partitions));
        OutputStream out = context.res().getOutputStream();
        if (compress) {
            context.header("Content-Encoding", "gzip");
            out = new GZIPOutputStream(out, 8192);
        }
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.writeStartObject();
            writeMetaData(json, shape, info);
            json.writeFieldName("data");
            json.writeStartArray();
            if (shape.syntheticRow() != null) {
                json.writeStartArray();
                for (String cell : shape.syntheticRow()) {
                    json.writeString(cell);
                }
                json.writeEndArray();
            } else if (!shape.pages().isEmpty()) {
                writeRows(json, principal, status.id(), partition, shape, info,
                        io.sluice.http.ClientConnections.reader(context, SnowflakeApi.PROTOCOL));
            }
            json.writeEndArray();
            json.writeStringField("code", "090001");
            json.writeStringField("statementStatusUrl", StatementHandles.statusUrl(handle)
                    + "?requestId=" + UUID.randomUUID() + "&partition=" + partition);
            json.writeStringField("sqlState", "00000");
            json.writeStringField("statementHandle", handle);
            json.writeStringField("message", SUCCESS_MESSAGE);
            json.writeNumberField("createdOn", status.createdAt().toEpochMilli());
            if (shape.statsField() != null) {
                json.writeObjectFieldStart("stats");
                json.writeNumberField(shape.statsField(), shape.count());
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        if (compress) {
            ((GZIPOutputStream) out).finish();
        }
    }

    /** The parent of a multi-statement request: one text cell and the handles of its statements. */
    void writeMulti(Context context, String handle, long createdOn, List<String> childHandles) throws IOException {
        context.status(200).contentType("application/json");
        context.header("Link", link(handle, 0, 1));
        try (JsonGenerator json = factory.createGenerator(context.res().getOutputStream())) {
            json.writeStartObject();
            Shape shape = new Shape(List.of(SnowflakeTypes.text("multiple statement execution", SnowflakeTypes.MAX_TEXT,
                    false)), List.of(), 1, List.of(MULTI_MESSAGE), null, 0);
            writeMetaData(json, shape, null);
            json.writeFieldName("data");
            json.writeStartArray();
            json.writeStartArray();
            json.writeString(MULTI_MESSAGE);
            json.writeEndArray();
            json.writeEndArray();
            json.writeStringField("code", "090001");
            json.writeFieldName("statementHandles");
            json.writeStartArray();
            for (String child : childHandles) {
                json.writeString(child);
            }
            json.writeEndArray();
            json.writeStringField("statementStatusUrl", StatementHandles.statusUrl(handle));
            json.writeStringField("sqlState", "00000");
            json.writeStringField("statementHandle", handle);
            json.writeStringField("message", SUCCESS_MESSAGE);
            json.writeNumberField("createdOn", createdOn);
            json.writeEndObject();
        }
    }

    private Shape shape(Principal principal, StatementStatus status, StatementInfo info) {
        if (status.updateCount() >= 0) {
            String keyword = info.keyword();
            long count = status.updateCount();
            return switch (keyword) {
                case "INSERT" -> counted("number of rows inserted", "numRowsInserted", count);
                case "UPDATE" -> counted("number of rows updated", "numRowsUpdated", count);
                case "DELETE" -> counted("number of rows deleted", "numRowsDeleted", count);
                case "MERGE" -> counted("number of rows merged", "numRowsUpdated", count);
                default -> new Shape(List.of(SnowflakeTypes.text("status", SnowflakeTypes.MAX_TEXT, false)), List.of(),
                        1, List.of(SUCCESS_MESSAGE), null, 0);
            };
        }
        SpooledResult result = statements.results().result(principal, status.id());
        List<SnowflakeTypes.RowType> rowTypes = new ArrayList<>();
        java.util.Set<String> quoted = SnowflakeSql.quotedIdentifiers(status.sql() == null ? "" : status.sql());
        for (Column column : result.schema().columns()) {
            SnowflakeTypes.RowType type = SnowflakeTypes.of(column);
            rowTypes.add(type.named(SnowflakeNames.columnName(type.name(), quoted)));
        }
        return new Shape(rowTypes, result.pages(), result.totalRows(), null, null, 0);
    }

    private static Shape counted(String column, String statsField, long count) {
        return new Shape(List.of(SnowflakeTypes.fixed(column, 38, 0, false)), List.of(), 1,
                List.of(Long.toString(count)), statsField, count);
    }

    private void writeRows(JsonGenerator json, Principal principal, String id, int partition, Shape shape,
                           StatementInfo info, io.sluice.core.statement.ResultReader reader) throws IOException {
        SnowflakeValues values = new SnowflakeValues(info.output(), factory);
        String[] types = shape.rowTypes().stream().map(SnowflakeTypes.RowType::type).toArray(String[]::new);
        try (BatchStream page = statements.results().readPage(principal, id, partition, reader)) {
            while (page.next()) {
                VectorSchemaRoot batch = page.root();
                ColumnReader[] readers = ColumnReaders.forBatch(batch, page.schema(), info.output().timeZone());
                int rows = batch.getRowCount();
                for (int row = 0; row < rows; row++) {
                    json.writeStartArray();
                    for (int column = 0; column < readers.length; column++) {
                        String cell = values.encode(types[column], readers[column].value(row));
                        if (cell == null) {
                            json.writeNull();
                        } else {
                            json.writeString(cell);
                        }
                    }
                    json.writeEndArray();
                }
            }
        }
    }

    private static void writeMetaData(JsonGenerator json, Shape shape, StatementInfo info) throws IOException {
        json.writeObjectFieldStart("resultSetMetaData");
        json.writeNumberField("numRows", shape.numRows());
        json.writeStringField("format", "jsonv2");
        json.writeArrayFieldStart("rowType");
        for (SnowflakeTypes.RowType type : shape.rowTypes()) {
            json.writeStartObject();
            json.writeStringField("name", type.name());
            json.writeStringField("database", "");
            json.writeStringField("schema", "");
            json.writeStringField("table", "");
            json.writeNumberField("scale", type.scale());
            json.writeNumberField("precision", type.precision());
            json.writeNumberField("length", type.length());
            json.writeStringField("type", type.type());
            json.writeBooleanField("nullable", type.nullable());
            writeNullableNumber(json, "byteLength", type.byteLength());
            json.writeNullField("collation");
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("partitionInfo");
        if (shape.pages().isEmpty()) {
            json.writeStartObject();
            json.writeNumberField("rowCount", shape.syntheticRow() == null ? 0 : 1);
            json.writeNumberField("uncompressedSize", shape.syntheticRow() == null ? 0
                    : String.join("", shape.syntheticRow()).length() + 8);
            json.writeEndObject();
        }
        for (PageInfo page : shape.pages()) {
            json.writeStartObject();
            json.writeNumberField("rowCount", page.rowCount());
            json.writeNumberField("uncompressedSize", page.sizeBytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        if (info != null && !info.output().nullable()) {
            json.writeBooleanField("nullable", false);
        }
        json.writeEndObject();
    }

    private static void writeNullableNumber(JsonGenerator json, String field, Number value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value.longValue());
        }
    }

    /** RFC 8288 links to the first, previous, next and last partitions, each with a fresh request id. */
    static String link(String handle, int partition, int partitions) {
        List<String> links = new ArrayList<>();
        links.add(linkTo(handle, 0, "first"));
        if (partition > 0) {
            links.add(linkTo(handle, partition - 1, "prev"));
        }
        if (partition < partitions - 1) {
            links.add(linkTo(handle, partition + 1, "next"));
        }
        links.add(linkTo(handle, partitions - 1, "last"));
        return String.join(",", links);
    }

    private static String linkTo(String handle, int partition, String rel) {
        return "<" + StatementHandles.statusUrl(handle) + "?requestId=" + UUID.randomUUID() + "&partition=" + partition
                + ">; rel=\"" + rel + "\"";
    }
}
