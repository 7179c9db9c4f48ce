package io.sluice.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.testing.PostgresTestServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A node whose clock is off by more than the lease margin says so on its heartbeat; one in line says nothing. */
class PostgresClockSkewTest {

    @Test
    void aNodeAMinuteAheadOfTheDatabaseIsReportedOnceAndANodeInLineIsNot() {
        String url = PostgresTestServer.shared().createDatabase("clock_skew");
        PostgresConfig config = new PostgresConfig(url, "postgres", "", 2, "skewed", Duration.ofSeconds(3), Duration.ofDays(1));
        Logger logger = (Logger) LoggerFactory.getLogger(PostgresNodes.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (PostgresDatabase database = new PostgresDatabase(config);
             PostgresNodes ahead = new PostgresNodes(database, config, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
             PostgresNodes inLine = new PostgresNodes(database, new PostgresConfig(url, "postgres", "", 2, "in-line",
                     Duration.ofSeconds(3), Duration.ofDays(1)))) {
            ahead.beat();
            ahead.beat();
            assertThat(ahead.clockSkewMillis()).isBetween(55_000L, 61_000L);
            assertThat(logged.list).filteredOn(event -> event.getFormattedMessage().contains("clock is"))
                    .singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                            .contains("ahead of PostgreSQL's").contains("lease margin of 1000 ms"));

            logged.list.clear();
            inLine.beat();
            assertThat(Math.abs(inLine.clockSkewMillis())).isLessThan(1_000L);
            assertThat(logged.list).noneMatch(event -> event.getFormattedMessage().contains("clock is"));
        } finally {
            logger.detachAppender(logged);
        }
    }
}
