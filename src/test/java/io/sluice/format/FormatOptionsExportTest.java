package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The delimiter and Parquet codec options added for exports. */
class FormatOptionsExportTest {

    @Test
    void defaultsStayCommaAndSnappy() {
        FormatOptions options = FormatOptions.defaults();
        assertThat(options.csvDelimiter()).isEqualTo(',');
        assertThat(options.parquetCompression()).isEqualTo("SNAPPY");
    }

    @Test
    void rejectsDelimitersThatBreakCsvAndUnknownCodecs() {
        assertThatThrownBy(() -> FormatOptions.defaults().withCsvDelimiter('"')).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FormatOptions.defaults().withCsvDelimiter('\n')).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FormatOptions.defaults().withParquetCompression("LZ4")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csvUsesTheDelimiterAndQuotesFieldsHoldingIt() throws Exception {
        try (RootAllocator allocator = new RootAllocator();
             DuckDbBatches batches = DuckDbBatches.query(allocator, "SELECT 'a;b' AS x, 'c,d' AS y, 1 AS z")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ResultEncoder.encode(batches, ResultFormat.CSV, out, FormatOptions.defaults().withCsvDelimiter(';'));
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("x;y;z\n\"a;b\";\"c,d\";1\n");
        }
    }
}
