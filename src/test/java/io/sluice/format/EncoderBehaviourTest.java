package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Golden output, time zones, empty results, failures mid-stream and JSON columns. */
class EncoderBehaviourTest {
    private static final String SMALL = """
            SELECT * FROM (VALUES (1, 'a,b', NULL::DOUBLE), (2, 'say "hi"', 1.5::DOUBLE),
                                  (3, 'line' || chr(10) || 'break ✓', -2.25::DOUBLE), (4, '', 0::DOUBLE))
                t(id, name, score) ORDER BY id""";

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

    private String text(String sql, ResultFormat format, FormatOptions formatOptions) {
        try (BatchStream stream = DuckDbBatches.query(allocator, sql)) {
            return new String(FormatTestSupport.encode(stream, format, formatOptions), StandardCharsets.UTF_8);
        }
    }

    @Test
    void csvWithHeaderIsByteExact() {
        assertThat(text(SMALL, ResultFormat.CSV, options)).isEqualTo("""
                id,name,score
                1,"a,b",
                2,"say ""hi\""",1.5
                3,"line
                break ✓",-2.25
                4,"",0.0
                """);
    }

    @Test
    void csvWithoutHeaderIsByteExact() {
        assertThat(text(SMALL, ResultFormat.CSV, options.withCsvHeader(false))).isEqualTo("""
                1,"a,b",
                2,"say ""hi\""",1.5
                3,"line
                break ✓",-2.25
                4,"",0.0
                """);
    }

    @Test
    void ndjsonIsByteExactWithTrailingNewline() {
        assertThat(text(SMALL, ResultFormat.NDJSON, options)).isEqualTo("""
                {"id":1,"name":"a,b","score":null}
                {"id":2,"name":"say \\"hi\\"","score":1.5}
                {"id":3,"name":"line\\nbreak ✓","score":-2.25}
                {"id":4,"name":"","score":0.0}
                """);
        assertThat(text(SMALL, ResultFormat.NDJSON_ARRAY, options)).isEqualTo("""
                [1,"a,b",null]
                [2,"say \\"hi\\"",1.5]
                [3,"line\\nbreak ✓",-2.25]
                [4,"",0.0]
                """);
    }

    @Test
    void jsonIsByteExact() {
        assertThat(text("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL ORDER BY a", ResultFormat.JSON, options))
                .isEqualTo("[{\"a\":1,\"b\":\"x\"},{\"a\":2,\"b\":null}]");
        assertThat(text("SELECT 1 AS a, 'x' AS b", ResultFormat.JSON_ARRAY, options)).isEqualTo("[[1,\"x\"]]");
    }

    @Test
    void timestampWithTimeZoneRendersInTheRequestedZone() {
        String sql = "SELECT TIMESTAMPTZ '2020-01-02 01:04:05+00' AS t, TIMESTAMPTZ '2020-07-01 12:00:00.5+00' AS u";
        assertThat(text(sql, ResultFormat.JSON, options))
                .isEqualTo("[{\"t\":\"2020-01-02T01:04:05Z\",\"u\":\"2020-07-01T12:00:00.500000Z\"}]");
        assertThat(text(sql, ResultFormat.CSV, options.withTimeZone(ZoneId.of("Asia/Seoul"))))
                .isEqualTo("t,u\n2020-01-02T10:04:05+09:00,2020-07-01T21:00:00.500000+09:00\n");
        // A zone with daylight saving time takes the offset in force at each instant.
        assertThat(text(sql, ResultFormat.NDJSON_ARRAY, options.withTimeZone(ZoneId.of("Europe/Berlin"))))
                .isEqualTo("[\"2020-01-02T02:04:05+01:00\",\"2020-07-01T14:00:00.500000+02:00\"]\n");
    }

    @Test
    void jsonColumnsEmbedValidJsonAndQuoteTheRest() throws IOException {
        ResultSchema schema = new ResultSchema(List.of(new Column("good", SqlType.JSON, true),
                new Column("bad", SqlType.JSON, true), new Column("pretty", SqlType.JSON, true),
                new Column("two", SqlType.JSON, true)));
        String sql = "SELECT '{\"a\": 1.50}' AS good, 'not json' AS bad, '{\"x\":' || chr(10) || ' [1]}' AS pretty,"
                + " '1 2' AS two";
        try (BatchStream stream = DuckDbBatches.query(allocator, sql, 1024, schema, List.of())) {
            String ndjson = new String(FormatTestSupport.encode(stream, ResultFormat.NDJSON, options),
                    StandardCharsets.UTF_8);
            assertThat(ndjson).isEqualTo("{\"good\":{\"a\": 1.50},\"bad\":\"not json\",\"pretty\":{\"x\":  [1]},"
                    + "\"two\":\"1 2\"}\n");
        }
    }

    @ParameterizedTest
    @EnumSource(ResultFormat.class)
    void emptyResultsAreWellFormed(ResultFormat format) throws Exception {
        String sql = "SELECT 1::INTEGER AS a, 'x' AS b, [1]::INTEGER[] AS c WHERE false";
        byte[] bytes;
        try (BatchStream stream = DuckDbBatches.query(allocator, sql)) {
            bytes = FormatTestSupport.encode(stream, format, options);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        switch (format) {
            case JSON, JSON_ARRAY -> assertThat(text).isEqualTo("[]");
            case NDJSON, NDJSON_ARRAY -> assertThat(text).isEmpty();
            case CSV -> assertThat(text).isEqualTo("a,b,c\n");
            case ARROW -> assertThat(readArrow(bytes)).isEqualTo(List.of("a", "b", "c"));
            case PARQUET -> assertThat(readParquetColumns(bytes)).isEqualTo(List.of("a", "b", "c"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ResultFormat.class, names = {"ARROW", "PARQUET"})
    void withoutAnyBatchTheSchemaComesFromTheCanonicalTypes(ResultFormat format) throws Exception {
        ResultSchema schema;
        try (BatchStream stream = DuckDbBatches.query(allocator, AllTypes.sql())) {
            schema = stream.schema();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ResultEncoder encoder = format.encoder(out, schema, options)) {
            encoder.finish();
            assertThat(encoder.rowsWritten()).isZero();
        }
        List<String> names = schema.columns().stream().map(Column::name).toList();
        if (format == ResultFormat.ARROW) {
            assertThat(readArrow(out.toByteArray())).isEqualTo(names);
        } else {
            assertThat(readParquetColumns(out.toByteArray())).isEqualTo(names);
        }
    }

    @ParameterizedTest
    @EnumSource(ResultFormat.class)
    void aStreamFailingMidwayLeavesNoTerminator(ResultFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String sql = "SELECT i, 'row ' || i AS label FROM range(50000) t(i)";
        try (BatchStream stream = new FailingAfter(DuckDbBatches.query(allocator, sql), 3)) {
            assertThatThrownBy(() -> ResultEncoder.encode(stream, format, out, options))
                    .isInstanceOf(SluiceException.class)
                    .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.TIMEOUT));
        }
        byte[] bytes = out.toByteArray();
        String text = new String(bytes, StandardCharsets.UTF_8);
        switch (format) {
            case JSON, JSON_ARRAY -> assertThat(text).startsWith("[").doesNotEndWith("]");
            case NDJSON, NDJSON_ARRAY, CSV -> {
                // Whatever reached the stream is complete lines, or a cut line without its newline.
                assertThat(text).doesNotContain("row 3072");
                if (text.endsWith("\n")) {
                    assertThat(text.lines()).allSatisfy(line -> assertThat(line).contains("row"));
                }
            }
            case ARROW -> assertThat(bytes.length < 8 || !endsWithEndOfStream(bytes)).isTrue();
            case PARQUET -> assertThat(bytes).isEmpty();
        }
        try (var leftovers = Files.list(temp)) {
            assertThat(leftovers).as("temporary files are removed").isEmpty();
        }
    }

    @Test
    void negativeIntervalsAreJsonButNotParquet() {
        String sql = "SELECT INTERVAL '-1 day -2 hours' AS i";
        assertThat(text(sql, ResultFormat.JSON, options)).isEqualTo("[{\"i\":\"P-1DT-2H\"}]");
        try (BatchStream stream = DuckDbBatches.query(allocator, sql)) {
            assertThatThrownBy(() -> FormatTestSupport.encode(stream, ResultFormat.PARQUET, options))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("negative intervals");
        }
    }

    private static boolean endsWithEndOfStream(byte[] bytes) {
        int n = bytes.length;
        return bytes[n - 8] == (byte) 0xFF && bytes[n - 7] == (byte) 0xFF && bytes[n - 6] == (byte) 0xFF
                && bytes[n - 5] == (byte) 0xFF && bytes[n - 4] == 0 && bytes[n - 3] == 0 && bytes[n - 2] == 0
                && bytes[n - 1] == 0;
    }

    private List<String> readArrow(byte[] bytes) throws IOException {
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            int rows = 0;
            while (reader.loadNextBatch()) {
                rows += root.getRowCount();
            }
            assertThat(rows).isZero();
            return root.getSchema().getFields().stream().map(field -> field.getName()).toList();
        }
    }

    private List<String> readParquetColumns(byte[] bytes) throws Exception {
        Path file = Files.createTempFile(temp, "read-", ".parquet");
        Files.write(file, bytes);
        try (BatchStream stream = DuckDbBatches.query(allocator, "SELECT * FROM read_parquet(?)", 1024, null,
                List.of(file.toString()))) {
            assertThat(FormatTestSupport.values(stream, ZoneId.of("UTC"))).isEmpty();
            return stream.schema().columns().stream().map(Column::name).toList();
        } finally {
            Files.delete(file);
        }
    }

    /** Delegates to a real stream and times out after {@code batches} batches, as a cancelled query would. */
    private static final class FailingAfter implements BatchStream {
        private final BatchStream delegate;
        private int remaining;

        FailingAfter(BatchStream delegate, int batches) {
            this.delegate = delegate;
            this.remaining = batches;
        }

        @Override
        public ResultSchema schema() {
            return delegate.schema();
        }

        @Override
        public boolean next() {
            if (remaining-- == 0) {
                throw new SluiceException(ErrorCode.TIMEOUT, "statement timed out");
            }
            return delegate.next();
        }

        @Override
        public VectorSchemaRoot root() {
            return delegate.root();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
