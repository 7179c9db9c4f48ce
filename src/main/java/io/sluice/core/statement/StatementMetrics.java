package io.sluice.core.statement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Statement counts by protocol and outcome, durations, rows out, and the admission queue. */
final class StatementMetrics {

    private final MeterRegistry meters;

    StatementMetrics(MeterRegistry meters, AdmissionControl admission) {
        this.meters = meters;
        Gauge.builder("sluice_statements_running", admission, AdmissionControl::running)
                .description("Statements running on the engine").register(meters);
        Gauge.builder("sluice_statements_queued", admission, AdmissionControl::queued)
                .description("Statements waiting for an admission slot").register(meters);
    }

    void submitted(String protocol) {
        Counter.builder("sluice_statements_submitted").tag("protocol", protocol)
                .description("Statements submitted").register(meters).increment();
    }

    void finished(StatementStatus status) {
        Counter.builder("sluice_statements_finished").tag("protocol", status.protocol())
                .tag("state", status.state().name()).description("Statements finished, by outcome")
                .register(meters).increment();
        Counter.builder("sluice_result_rows").tag("protocol", status.protocol())
                .description("Rows produced by statements").register(meters).increment(status.rows());
        if (status.endedAt() != null) {
            Timer.builder("sluice_statement_duration").tag("protocol", status.protocol())
                    .publishPercentileHistogram().description("Statement duration from submission to end")
                    .register(meters).record(Duration.ofMillis(status.elapsedMillis(status.endedAt())));
        }
    }
}
