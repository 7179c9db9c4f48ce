package io.sluice.core.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A statement's tags: bounded (some come from clients), kept by the single-node store across a restart. */
class StatementTagsTest {

    @TempDir
    Path directory;

    @Test
    void tagsWithoutAValueAreLeftOutAndTheRestIsKeptAsGiven() {
        Map<String, String> given = new HashMap<>();
        given.put("ncp.projectId", null);
        given.put("ncp.isReuse", "false");
        StatementRequest request = StatementRequest.of("SELECT 1").withTags(given);
        assertThat(request.tags()).isEqualTo(Map.of("ncp.isReuse", "false"));
        assertThat(request.withTags(Map.of("druid.sqlQueryId", "q")).tags())
                .isEqualTo(Map.of("ncp.isReuse", "false", "druid.sqlQueryId", "q"));
    }

    @Test
    void tooManyOrTooLongTagsAreAClientError() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= StatementTags.MAX_TAGS; i++) {
            many.put("t" + i, "v");
        }
        assertInvalid(many);
        assertInvalid(Map.of("druid.sqlQueryId", "x".repeat(StatementTags.MAX_VALUE_CHARS + 1)));
        assertInvalid(Map.of("n".repeat(StatementTags.MAX_NAME_CHARS + 1), "v"));
        assertInvalid(Map.of("", "v"));
    }

    @Test
    void theLocalStoreKeepsTheTagsOfAStatus() {
        StatementRepository store = StatementRepository.local(directory);
        Map<String, String> tags = Map.of("snowflake.DATE_OUTPUT_FORMAT", "DD.MM.YYYY \"at\" HH24", "a=b", "line\nbreak");
        Instant created = Instant.parse("2026-01-02T03:04:05Z");
        store.save(new StatementStatus("s1", "alice", "snowflake", "SELECT 1", StatementState.SUCCEEDED, created,
                created, created, 1, -1, 1, false, false, "s1", null, null, tags));
        assertThat(StatementRepository.local(directory).loadAll()).singleElement()
                .satisfies(status -> assertThat(status.tags()).isEqualTo(tags));
    }

    private static void assertInvalid(Map<String, String> tags) {
        assertThatThrownBy(() -> StatementRequest.of("SELECT 1").withTags(tags))
                .isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.error().code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
    }
}
