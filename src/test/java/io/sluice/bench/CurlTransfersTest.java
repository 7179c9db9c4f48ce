package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The reading of curl's write-out: bytes summed over every answer, and no figure from a failed or missing one. */
class CurlTransfersTest {

    @Test
    void sumsTheBytesOfEveryAnswer() throws IOException {
        assertThat(CurlTransfers.downloadedBytes("200 1000\n200 24\n\n200 0\n", 3)).isEqualTo(1024);
    }

    @Test
    void aFailedOrMissingAnswerIsNoMeasurement() {
        assertThatThrownBy(() -> CurlTransfers.downloadedBytes("200 1000\n404 52\n", 2))
                .isInstanceOf(IOException.class).hasMessageContaining("404 52");
        assertThatThrownBy(() -> CurlTransfers.downloadedBytes("200 1000\n", 2))
                .isInstanceOf(IOException.class).hasMessageContaining("1 answers to 2 requests");
        // A connection that failed before any answer writes 000.
        assertThatThrownBy(() -> CurlTransfers.downloadedBytes("000 0\n", 1)).isInstanceOf(IOException.class);
    }
}
