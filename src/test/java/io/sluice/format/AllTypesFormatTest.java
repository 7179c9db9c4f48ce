package io.sluice.format;

import static io.sluice.format.FormatTestSupport.EXACT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every canonical type, NULLs included, through every format and back. */
class AllTypesFormatTest {
    private BufferAllocator allocator;
    private FormatOptions options;

    @TempDir
    Path temp;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        options = FormatOptions.defaults().withAllocator(allocator).withTempDirectory(temp);
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private byte[] encode(ResultFormat format) {
        try (BatchStream stream = DuckDbBatches.query(allocator, AllTypes.sql())) {
            return FormatTestSupport.encode(stream, format, options);
        }
    }

    private List<List<Object>> expectedValues() {
        try (BatchStream stream = DuckDbBatches.query(allocator, AllTypes.sql())) {
            return FormatTestSupport.values(stream, ZoneOffset.UTC);
        }
    }

    private ResultSchema schema() {
        try (BatchStream stream = DuckDbBatches.query(allocator, AllTypes.sql())) {
            return stream.schema();
        }
    }

    private List<JsonNode> expectedObjects() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        rows.add(EXACT.readTree(AllTypes.FIRST_ROW_JSON));
        rows.add(EXACT.readTree(AllTypes.SECOND_ROW_JSON));
        com.fasterxml.jackson.databind.node.ObjectNode nulls = EXACT.createObjectNode();
        nulls.put("id", 3);
        AllTypes.COLUMNS.forEach(column -> nulls.putNull(column.name()));
        rows.add(nulls);
        return rows;
    }

    private static JsonNode asArray(JsonNode object) {
        ArrayNode array = EXACT.createArrayNode();
        object.properties().forEach(entry -> array.add(entry.getValue()));
        return array;
    }

    @Test
    void jsonRendersEveryTypeExactly() throws IOException {
        JsonNode parsed = EXACT.readTree(encode(ResultFormat.JSON));
        assertThat(parsed).containsExactlyElementsOf(expectedObjects());
        // Field order follows the schema.
        List<String> names = new ArrayList<>();
        parsed.get(0).fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(schema().columns().stream().map(c -> c.name()).toList());
    }

    @Test
    void jsonArrayRendersRowsAsArrays() throws IOException {
        JsonNode parsed = EXACT.readTree(encode(ResultFormat.JSON_ARRAY));
        assertThat(parsed).containsExactlyElementsOf(expectedObjects().stream().map(AllTypesFormatTest::asArray).toList());
    }

    @Test
    void ndjsonWritesOneObjectPerLine() throws IOException {
        String text = new String(encode(ResultFormat.NDJSON), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(EXACT.readTree(line));
        }
        assertThat(lines).containsExactlyElementsOf(expectedObjects());
    }

    @Test
    void ndjsonArrayWritesOneArrayPerLine() throws IOException {
        String text = new String(encode(ResultFormat.NDJSON_ARRAY), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(EXACT.readTree(line));
        }
        assertThat(lines).containsExactlyElementsOf(
                expectedObjects().stream().map(AllTypesFormatTest::asArray).toList());
    }

    @Test
    void csvFieldsAreTheJsonTextForms() throws IOException {
        List<List<String>> records = FormatTestSupport.parseCsv(
                new String(encode(ResultFormat.CSV), StandardCharsets.UTF_8));
        List<JsonNode> expected = expectedObjects();
        assertThat(records).hasSize(4);
        List<String> header = new ArrayList<>();
        expected.get(0).fieldNames().forEachRemaining(header::add);
        assertThat(records.get(0)).containsExactlyElementsOf(header);
        for (int row = 0; row < expected.size(); row++) {
            List<String> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.get(row).fields(); it.hasNext(); ) {
                JsonNode value = it.next().getValue();
                fields.add(value.isNull() ? null : value.isTextual() ? value.asText() : EXACT.writeValueAsString(value));
            }
            assertThat(records.get(row + 1)).as("row %d", row + 1).containsExactlyElementsOf(fields);
        }
        assertThat(records.get(1).get(11)).isEqualTo("1234567890123456789012345678.0123456789");
        assertThat(records.get(2).get(15)).as("empty string is quoted, unlike NULL").isEqualTo("");
        assertThat(records.get(3).get(15)).isNull();
    }

    @Test
    void arrowReadsBackTheSameValues() throws IOException {
        byte[] arrow = encode(ResultFormat.ARROW);
        List<List<Object>> actual = new ArrayList<>();
        ResultSchema schema = schema();
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                ColumnReader[] readers = ColumnReaders.forBatch(root, schema, ZoneOffset.UTC);
                for (int row = 0; row < root.getRowCount(); row++) {
                    List<Object> values = new ArrayList<>();
                    for (ColumnReader columnReader : readers) {
                        values.add(FormatTestSupport.comparable(columnReader.value(row)));
                    }
                    actual.add(values);
                }
            }
        }
        assertThat(actual).containsExactlyElementsOf(expectedValues());
        assertThat(actual.get(2).subList(1, actual.get(2).size())).containsOnlyNulls();
    }

    @Test
    void parquetReadsBackTheSameValuesInDuckDb() throws IOException {
        Path file = temp.resolve("all.parquet");
        Files.write(file, encode(ResultFormat.PARQUET));
        List<List<Object>> actual;
        try (BatchStream stream = DuckDbBatches.query(allocator, "SELECT * FROM read_parquet(?) ORDER BY id", 1024,
                schema(), List.of(file.toString()))) {
            actual = FormatTestSupport.values(stream, ZoneOffset.UTC);
        }
        assertThat(actual).containsExactlyElementsOf(expectedValues());
        try (var leftovers = Files.list(temp)) {
            assertThat(leftovers.filter(p -> p.getFileName().toString().startsWith("sluice-"))).isEmpty();
        }
    }

    @Test
    void parquetKeepsTheColumnTypes() throws Exception {
        Path file = temp.resolve("types.parquet");
        Files.write(file, encode(ResultFormat.PARQUET));
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.PreparedStatement statement = connection.prepareStatement(
                        "SELECT * FROM read_parquet(?) LIMIT 0")) {
            statement.setString(1, file.toString());
            java.sql.ResultSetMetaData metadata = statement.executeQuery().getMetaData();
            Map<String, String> types = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                types.put(metadata.getColumnName(i), metadata.getColumnTypeName(i));
            }
            assertThat(types).containsEntry("timestamp_col", "TIMESTAMP")
                    .containsEntry("timestamptz_col", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("timestamp_ns_col", "TIMESTAMP_NS")
                    .containsEntry("decimal_38", "DECIMAL(38,10)")
                    .containsEntry("list_col", "INTEGER[]")
                    .containsEntry("struct_col", "STRUCT(a INTEGER, b VARCHAR, c DOUBLE[])")
                    .containsEntry("map_col", "MAP(VARCHAR, INTEGER)")
                    .containsEntry("interval_col", "INTERVAL");
        }
    }
}
