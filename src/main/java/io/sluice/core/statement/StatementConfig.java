package io.sluice.core.statement;

import java.time.Duration;

/**
 * Limits of the statement service.
 *
 * @param maxRunning statements running at once on the engine
 * @param maxQueued statements waiting for a slot; past that submissions are refused as BUSY
 * @param defaultTimeout timeout of a statement that asks for none
 * @param maxTimeout the ceiling for any requested timeout
 * @param retention how long finished statements and their results are kept
 * @param shutdownGrace how long running statements may finish when the server stops
 * @param streamingHistory how many finished streaming statements stay listed (they have no stored result;
 *     without a cap a server answering thousands of small statements a second would fill its heap)
 * @param maxShareWhileOthersWait the share of the running slots one principal may hold while another principal's
 *     statements wait (see {@link AdmissionControl}); 1 turns fair sharing off
 */
public record StatementConfig(
        int maxRunning,
        int maxQueued,
        Duration defaultTimeout,
        Duration maxTimeout,
        Duration retention,
        Duration shutdownGrace,
        int streamingHistory,
        double maxShareWhileOthersWait,
        org.slf4j.event.Level endLogLevel) {

    /** By default one principal holds at most half of the slots while others wait. */
    public static final double DEFAULT_MAX_SHARE = 0.5;

    public StatementConfig {
        if (!(maxShareWhileOthersWait > 0 && maxShareWhileOthersWait <= 1)) {
            throw new IllegalArgumentException("statements.maxShareWhileOthersWait must be above 0 and at most 1");
        }
        java.util.Objects.requireNonNull(endLogLevel, "endLogLevel");
    }

    /** Every statement end is logged at INFO unless configured otherwise ({@code log.statementLevel}). */
    public static final org.slf4j.event.Level DEFAULT_END_LOG_LEVEL = org.slf4j.event.Level.INFO;

    public StatementConfig(int maxRunning, int maxQueued, Duration defaultTimeout, Duration maxTimeout,
                           Duration retention, Duration shutdownGrace, int streamingHistory, double maxShareWhileOthersWait) {
        this(maxRunning, maxQueued, defaultTimeout, maxTimeout, retention, shutdownGrace, streamingHistory,
                maxShareWhileOthersWait, DEFAULT_END_LOG_LEVEL);
    }

    /** The same settings, with each statement's end line logged at {@code level}. */
    public StatementConfig withEndLogLevel(org.slf4j.event.Level level) {
        return new StatementConfig(maxRunning, maxQueued, defaultTimeout, maxTimeout, retention, shutdownGrace,
                streamingHistory, maxShareWhileOthersWait, level);
    }

    public StatementConfig(int maxRunning, int maxQueued, Duration defaultTimeout, Duration maxTimeout,
                           Duration retention, Duration shutdownGrace, int streamingHistory) {
        this(maxRunning, maxQueued, defaultTimeout, maxTimeout, retention, shutdownGrace, streamingHistory, DEFAULT_MAX_SHARE);
    }

    public StatementConfig(int maxRunning, int maxQueued, Duration defaultTimeout, Duration maxTimeout,
                           Duration retention, Duration shutdownGrace) {
        this(maxRunning, maxQueued, defaultTimeout, maxTimeout, retention, shutdownGrace, 10_000);
    }

    public static StatementConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new StatementConfig(Math.max(4, cores * 4), 256, Duration.ofMinutes(30), Duration.ofHours(24),
                Duration.ofHours(24), Duration.ofSeconds(20));
    }
}
