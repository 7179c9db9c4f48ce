package io.sluice.core.statement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Statement counts by protocol and outcome, durations, rows out, and the admission queue. */
final class StatementMetrics {

    private final MeterRegistry meters;
    /** Meters looked up once per tag combination: the registry's own lookup takes a lock on every call. */
    private final java.util.Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Timeouts a statement may end at: the duration histogram has a bucket at each, and none stops short of them. */
    private final Duration defaultTimeout;
    private final Duration maxTimeout;

    StatementMetrics(MeterRegistry meters, AdmissionControl admission, StatementConfig config) {
        this.meters = meters;
        this.defaultTimeout = config.defaultTimeout();
        this.maxTimeout = config.maxTimeout();
        Gauge.builder("sluice_statements_running", admission, AdmissionControl::running)
                .description("Statements running on the engine").register(meters);
        Gauge.builder("sluice_statements_queued", admission, AdmissionControl::queued)
                .description("Statements waiting for an admission slot").register(meters);
    }

    void submitted(String protocol) {
        counters.computeIfAbsent("submitted\u0000" + protocol, ignored -> Counter.builder("sluice_statements_submitted")
                .tag("protocol", protocol).description("Statements submitted").register(meters)).increment();
    }

    /** @param engine the engine that ran it ("none" when it ended before reaching one: refused, reused) */
    void finished(StatementStatus status, String engine) {
        String protocol = status.protocol();
        String state = status.state().name();
        counters.computeIfAbsent("finished\u0000" + protocol + "\u0000" + state + "\u0000" + engine,
                ignored -> Counter.builder("sluice_statements_finished")
                .tag("protocol", protocol).tag("state", state).tag("engine", engine).description("Statements finished, by outcome")
                .register(meters)).increment();
        counters.computeIfAbsent("rows\u0000" + protocol, ignored -> Counter.builder("sluice_result_rows")
                .tag("protocol", protocol).description("Rows produced by statements").register(meters))
                .increment(status.rows());
        if (status.endedAt() != null) {
            timers.computeIfAbsent(protocol, ignored -> Timer.builder("sluice_statement_duration").tag("protocol", protocol)
                    .publishPercentileHistogram().maximumExpectedValue(maxTimeout)
                    .serviceLevelObjectives(defaultTimeout, maxTimeout)
                    .description("Statement duration from submission to end")
                    .register(meters)).record(Duration.ofMillis(status.elapsedMillis(status.endedAt())));
        }
    }
}
