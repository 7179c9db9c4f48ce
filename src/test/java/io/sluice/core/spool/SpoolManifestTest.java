package io.sluice.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolManifestTest {

    @TempDir
    Path directory;

    @Test
    void everyColumnNameAndTypeSurvivesTheRoundTrip() throws Exception {
        ResultSchema schema = new ResultSchema(List.of(
                new Column(SpoolTestData.AWKWARD_NAME, SqlType.VARCHAR, true),
                new Column("lone \ud800 surrogate", SqlType.BLOB, true),
                new Column("", SqlType.HUGEINT, false),
                new Column(" leading space=and:colon!", new SqlType.Decimal(38, 10), false),
                new Column("ts", new SqlType.Timestamp(3), true),
                new Column("tz", SqlType.TIMESTAMP_WITH_TIME_ZONE, true),
                new Column("nested", new SqlType.ListOf(new SqlType.StructOf(List.of(
                        new SqlType.StructField("odd \"name\"", SqlType.INTERVAL),
                        new SqlType.StructField("m", new SqlType.MapOf(SqlType.VARCHAR,
                                new SqlType.ListOf(SqlType.UUID)))))), true)));
        SpooledResult result = new SpooledResult("r1", schema,
                List.of(new PageInfo(0, 0, 10, 1000), new PageInfo(1, 10, 5, 600)), 15, 1600,
                Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-02T00:00:00.123456789Z"));
        SpoolManifest manifest = new SpoolManifest(result, io.sluice.core.types.ArrowSchemas.toArrow(schema));

        manifest.writeTo(directory);
        SpoolManifest read = SpoolManifest.readFrom(directory);

        assertThat(read).isEqualTo(manifest);
        assertThat(directory.resolve(SpoolFiles.MANIFEST_TEMPORARY_NAME)).doesNotExist();
        // Only printable ASCII on disk: names cannot break the line structure.
        String text = Files.readString(directory.resolve(SpoolFiles.MANIFEST_NAME), StandardCharsets.ISO_8859_1);
        assertThat(text.chars()).allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f));
    }

    @Test
    void aDamagedManifestIsReportedNotMisread() throws Exception {
        Files.writeString(directory.resolve(SpoolFiles.MANIFEST_NAME), "format=1\ncolumns=2\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SpoolManifest.readFrom(directory)).isInstanceOf(IOException.class);
    }
}
