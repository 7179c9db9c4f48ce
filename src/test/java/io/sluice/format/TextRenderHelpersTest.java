package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.result.BatchStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rendering a batch on two threads must write exactly the bytes of rendering it alone, in row order, and a
 * failure must leave nothing of the failing block or after it, and the lane free for the next batch.
 */
class TextRenderHelpersTest {
    /**
     * Three batches of 8192 and a partial one; strings that need JSON escapes and CSV quotes; NULLs; and the kinds
     * whose readers keep state of their own (scratch arrays, a JSON generator for nested values).
     */
    private static final String SQL = """
            SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.25 END AS score,
                   'name, "' || i || '"' || chr(10) || '✓' AS name, i % 3 = 0 AS flag,
                   TIMESTAMP '2024-01-01' + to_microseconds(i * 1000) AS ts, CAST(i AS DECIMAL(18,2)) / 100 AS amount,
                   DATE '2024-01-01' + CAST(i AS INTEGER) AS day, TIME '00:00:00' + to_seconds(i % 86400) AS at,
                   to_seconds(i) AS span, CAST(i AS HUGEINT) * 100000000000000000000 AS huge,
                   CAST(('00000000-0000-0000-0000-' || lpad(CAST(i AS VARCHAR), 12, '0')) AS UUID) AS uid,
                   [i, i + 1] AS pair, {'n': i, 's': 'x' || i} AS rec, MAP {'k': i} AS kv
            FROM range(30000) t(i)""";

    private BufferAllocator allocator;
    private TextRenderHelpers helpers;

    @TempDir
    Path temp;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        helpers = TextRenderHelpers.start(1);
    }

    @AfterEach
    void tearDown() {
        helpers.close();
        allocator.close();
    }

    @ParameterizedTest
    @EnumSource(value = ResultFormat.class, names = {"JSON", "JSON_ARRAY", "NDJSON", "NDJSON_ARRAY", "CSV"})
    void helpedRenderingWritesTheBytesOfRenderingAlone(ResultFormat format) {
        FormatOptions alone = FormatOptions.defaults().withAllocator(allocator).withTempDirectory(temp);
        byte[] expected = encode(format, alone);
        byte[] helped = encode(format, alone.withRenderHelpers(helpers));

        assertThat(helpers.blocksRenderedByHelpers()).as("the helper rendered some blocks").isPositive();
        assertThat(new String(helped, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
    }

    private byte[] encode(ResultFormat format, FormatOptions options) {
        try (BatchStream stream = DuckDbBatches.query(allocator, SQL, 8192, null, List.of())) {
            return FormatTestSupport.encode(stream, format, options);
        }
    }

    @Test
    void blocksFinishedOutOfOrderAreWrittenInOrder() throws IOException {
        int rows = 40 * TextRenderHelpers.BLOCK_ROWS + 7;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextOutput pending = new TextOutput();
        pending.write('[');

        boolean helped = helpers.render(rows, () -> new ColumnReader[0], (readers, from, to, text) -> {
            pause(ThreadLocalRandom.current().nextInt(3)); // so the two threads finish blocks in no fixed order
            for (int row = from; row < to; row++) {
                text.writeLong(row);
                text.write(';');
            }
        }, pending, out);

        assertThat(helped).isTrue();
        StringBuilder expected = new StringBuilder("[");
        for (int row = 0; row < rows; row++) {
            expected.append(row).append(';');
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
        assertThat(pending.length()).isZero();
    }

    @Test
    void aFailingBlockWritesNothingOfItselfOrAfterAndFreesTheLane() throws IOException {
        int rows = 16 * TextRenderHelpers.BLOCK_ROWS;
        int failingBlock = 9;
        IllegalStateException failure = new IllegalStateException("cell failed");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextRenderHelpers.BlockRenderer renderer = (readers, from, to, text) -> {
            if (from == failingBlock * TextRenderHelpers.BLOCK_ROWS) {
                throw failure;
            }
            text.writeLong(from / TextRenderHelpers.BLOCK_ROWS);
            text.write(';');
        };

        assertThatThrownBy(() -> helpers.render(rows, () -> new ColumnReader[0], renderer, new TextOutput(), out))
                .isSameAs(failure);

        String written = out.toString(StandardCharsets.US_ASCII);
        assertThat("0;1;2;3;4;5;6;7;8;").startsWith(written);
        // The lane came back: the next batch is helped again.
        ByteArrayOutputStream next = new ByteArrayOutputStream();
        assertThat(helpers.render(rows, () -> new ColumnReader[0], (readers, from, to, text) -> text.write('x'),
                new TextOutput(), next)).isTrue();
        assertThat(next.size()).isEqualTo(16);
    }

    @Test
    void smallBatchesAndBusyLanesAreLeftToTheCaller() throws Exception {
        TextRenderHelpers.BlockRenderer nothing = (readers, from, to, text) -> { };
        assertThat(helpers.render(2 * TextRenderHelpers.BLOCK_ROWS - 1, () -> new ColumnReader[0], nothing,
                new TextOutput(), new ByteArrayOutputStream())).isFalse();
        assertThat(TextRenderHelpers.NONE.render(100_000, () -> new ColumnReader[0], nothing, new TextOutput(),
                new ByteArrayOutputStream())).isFalse();

        // The only lane is taken by a batch held in its renderer: another batch meanwhile renders alone.
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = Thread.ofPlatform().start(() -> {
            try {
                helpers.render(4 * TextRenderHelpers.BLOCK_ROWS, () -> new ColumnReader[0], (readers, from, to, text) -> {
                    inside.countDown();
                    await(release);
                }, new TextOutput(), new ByteArrayOutputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        TextOutput pending = new TextOutput();
        pending.write('p');
        assertThat(helpers.render(4 * TextRenderHelpers.BLOCK_ROWS, () -> new ColumnReader[0], nothing, pending,
                new ByteArrayOutputStream())).isFalse();
        assertThat(pending.length()).as("nothing was drained").isEqualTo(1);
        release.countDown();
        first.join(10_000);
        assertThat(first.isAlive()).isFalse();
    }

    @Test
    void afterCloseTheCallerRendersEveryBlockItself() throws IOException {
        helpers.close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(helpers.render(4 * TextRenderHelpers.BLOCK_ROWS, () -> new ColumnReader[0],
                (readers, from, to, text) -> text.write('b'), new TextOutput(), out)).isTrue();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("bbbb");
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
