package io.sluice.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.types.ArrowSchemas;
import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCacheTest {

    @TempDir
    Path directory;

    private static SpoolManifest manifest(String resultId, int pages) {
        ResultSchema schema = new ResultSchema(List.of(new Column("id", SqlType.BIGINT, true)));
        List<PageInfo> pageInfos = new java.util.ArrayList<>();
        for (int page = 0; page < pages; page++) {
            pageInfos.add(new PageInfo(page, page * 10L, 10, 100));
        }
        return new SpoolManifest(new SpooledResult(resultId, schema, pageInfos, pages * 10L, pages * 100L,
                Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-02T00:00:00Z")), ArrowSchemas.toArrow(schema));
    }

    @Test
    void theSameFileIsParsedOnceAndAReplacedOneAgain() throws Exception {
        Path result = Files.createDirectories(directory.resolve("r1"));
        manifest("r1", 3).writeTo(result);
        ManifestCache cache = new ManifestCache(8);

        SpoolManifest first = cache.read("r1", result);
        assertThat(cache.read("r1", result)).isSameAs(first);

        manifest("r1", 5).writeTo(result); // renamed into place: a new file
        SpoolManifest second = cache.read("r1", result);
        assertThat(second.result().pages()).hasSize(5);
        assertThat(second).isNotSameAs(first);
    }

    @Test
    void aDeletedResultIsGoneEvenWhenItsManifestWasCached() throws Exception {
        Path result = Files.createDirectories(directory.resolve("r2"));
        manifest("r2", 1).writeTo(result);
        ManifestCache cache = new ManifestCache(8);
        cache.read("r2", result);

        Files.move(result, directory.resolve("r2.deleting"));

        assertThatThrownBy(() -> cache.read("r2", result)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void itHoldsNoMoreThanItsCapacity() throws Exception {
        ManifestCache cache = new ManifestCache(4);
        for (int i = 0; i < 20; i++) {
            Path result = Files.createDirectories(directory.resolve("r" + i));
            manifest("r" + i, 1).writeTo(result);
            assertThat(cache.read("r" + i, result).result().resultId()).isEqualTo("r" + i);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(4);
    }
}
