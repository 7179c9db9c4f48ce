package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import org.junit.jupiter.api.Test;

class ResultFormatTest {

    @Test
    void namesAndMediaTypesAreStable() {
        assertThat(ResultFormat.values()).extracting(ResultFormat::formatName)
                .containsExactly("json", "json-array", "ndjson", "ndjson-array", "csv", "parquet", "arrow");
        assertThat(ResultFormat.JSON.mediaType()).isEqualTo("application/json");
        assertThat(ResultFormat.NDJSON_ARRAY.mediaType()).isEqualTo("application/x-ndjson");
        assertThat(ResultFormat.CSV.mediaType()).isEqualTo("text/csv");
        assertThat(ResultFormat.PARQUET.mediaType()).isEqualTo("application/vnd.apache.parquet");
        assertThat(ResultFormat.ARROW.mediaType()).isEqualTo("application/vnd.apache.arrow.stream");
        assertThat(ResultFormat.PARQUET.fileExtension()).isEqualTo("parquet");
    }

    @Test
    void fromNameIgnoresCase() {
        assertThat(ResultFormat.fromName("NDJSON-Array")).isEqualTo(ResultFormat.NDJSON_ARRAY);
        assertThat(ResultFormat.fromName("csv")).isEqualTo(ResultFormat.CSV);
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> ResultFormat.fromName("xml"))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.UNKNOWN_FORMAT))
                .hasMessageContaining("xml")
                .hasMessageContaining("json, json-array, ndjson, ndjson-array, csv, parquet, arrow");
        assertThatThrownBy(() -> ResultFormat.fromName(null)).isInstanceOf(SluiceException.class);
    }

    @Test
    void fromMediaTypePicksTheFirstSupportedType() {
        assertThat(ResultFormat.fromMediaType("text/html, text/csv;q=0.9, application/json"))
                .isEqualTo(ResultFormat.CSV);
        assertThat(ResultFormat.fromMediaType("Application/X-NDJSON")).isEqualTo(ResultFormat.NDJSON);
        assertThat(ResultFormat.fromMediaType("application/json; charset=utf-8")).isEqualTo(ResultFormat.JSON);
        assertThat(ResultFormat.fromMediaType("application/vnd.apache.arrow.stream")).isEqualTo(ResultFormat.ARROW);
    }

    @Test
    void wildcardsAndMissingHeadersLeaveTheChoiceToTheCaller() {
        assertThat(ResultFormat.fromMediaType(null)).isNull();
        assertThat(ResultFormat.fromMediaType("")).isNull();
        assertThat(ResultFormat.fromMediaType("*/*")).isNull();
        assertThat(ResultFormat.fromMediaType("text/html, */*;q=0.8")).isNull();
    }
}
