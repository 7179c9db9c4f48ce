package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WrkLoadTest {

    @Test
    void readsPercentilesInAnyUnitAndTheRate() throws IOException {
        String output = """
                Running 10s test @ http://127.0.0.1:18111/sluice/v1/query
                  1 threads and 32 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency    24.92ms   27.62ms 254.61ms   86.87%
                    Req/Sec     1.75k   284.90     2.31k    67.00%
                  Latency Distribution
                     50%  121.00us
                     75%   33.76ms
                     90%   60.18ms
                     99%    1.29s
                  17450 requests in 10.00s, 3.21MB read
                Requests/sec:   1744.22
                Transfer/sec:    328.76KB
                """;
        WrkLoad.Result result = WrkLoad.parse(output);
        assertThat(result.p50Millis()).isEqualTo(0.121, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.p99Millis()).isEqualTo(1290.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.perSecond()).isEqualTo(1744.22);
        assertThat(result.requests()).isEqualTo(17450);
    }

    @Test
    void outputWithoutTheFiguresIsAnError() {
        assertThatThrownBy(() -> WrkLoad.parse("unable to connect to 127.0.0.1:1 Connection refused\n"))
                .isInstanceOf(IOException.class);
    }
}
