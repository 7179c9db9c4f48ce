package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Configuration keys map onto the config records; defaults stay as documented; typos are errors. */
class SluiceConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SluiceConfig config = SluiceConfig.fromProperties(new Properties(), Path.of("data"));
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().maxRequestBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.http().maxThreads()).isEqualTo(512);
        assertThat(config.statements().maxQueued()).isEqualTo(256);
        assertThat(config.statements().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(config.snowflakeSyncWait()).isEqualTo(Duration.ofSeconds(45));
        // As many statements at once per principal as the engine has slots, not more than can run.
        assertThat(config.principalLimits().maxConcurrent()).isEqualTo(config.statements().maxRunning());
        assertThat(config.principalLimits().statementsPerMinute())
                .isEqualTo(600_000 * Runtime.getRuntime().availableProcessors());
        assertThat(config.statements().maxShareWhileOthersWait()).isEqualTo(0.5);
        assertThat(config.principalLimits().engineCrashes())
                .isEqualTo(new io.sluice.core.access.CrashCoolDown(3, Duration.ofMinutes(10), Duration.ofMinutes(15)));
    }

    @Test
    void thePerPrincipalLimitFollowsTheConfiguredSlots() {
        Properties properties = new Properties();
        properties.setProperty("statements.maxRunning", "5");
        assertThat(SluiceConfig.fromProperties(properties, Path.of("data")).principalLimits().maxConcurrent()).isEqualTo(5);
    }

    @Test
    void everyKeyMapsOntoItsField() {
        Properties properties = new Properties();
        properties.setProperty("http.port", "9090");
        properties.setProperty("http.maxThreads", "64");
        properties.setProperty("statements.maxRunning", "3");
        properties.setProperty("statements.shutdownGraceSeconds", "7");
        properties.setProperty("engine.memoryLimit", "512MB");
        properties.setProperty("spool.pageRows", "123");
        properties.setProperty("snowflake.syncWaitSeconds", "5");
        properties.setProperty("limits.principalConcurrent", "2");
        properties.setProperty("limits.principalPerMinute", "30");
        properties.setProperty("statements.maxShareWhileOthersWait", "25%");
        properties.setProperty("limits.engineCrashesBeforeCoolDown", "2");
        properties.setProperty("limits.engineCrashWindowSeconds", "60");
        properties.setProperty("limits.engineCoolDownSeconds", "120");
        SluiceConfig config = SluiceConfig.fromProperties(properties, Path.of("data"));
        assertThat(config.http().port()).isEqualTo(9090);
        assertThat(config.http().maxThreads()).isEqualTo(64);
        assertThat(config.statements().maxRunning()).isEqualTo(3);
        assertThat(config.statements().shutdownGrace()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.engineMemoryLimit()).isEqualTo("512MB");
        assertThat(config.spoolPageRows()).isEqualTo(123);
        assertThat(config.snowflakeSyncWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.principalLimits().maxConcurrent()).isEqualTo(2);
        assertThat(config.principalLimits().statementsPerMinute()).isEqualTo(30);
        assertThat(config.statements().maxShareWhileOthersWait()).isEqualTo(0.25);
        assertThat(config.principalLimits().engineCrashes())
                .isEqualTo(new io.sluice.core.access.CrashCoolDown(2, Duration.ofSeconds(60), Duration.ofSeconds(120)));
    }

    @Test
    void unknownKeysAndBadNumbersAreRefused() {
        Properties typo = new Properties();
        typo.setProperty("http.prot", "1");
        assertThatThrownBy(() -> SluiceConfig.fromProperties(typo, Path.of("data"))).hasMessageContaining("http.prot");
        Properties notANumber = new Properties();
        notANumber.setProperty("http.port", "eighty");
        assertThatThrownBy(() -> SluiceConfig.fromProperties(notANumber, Path.of("data"))).hasMessageContaining("http.port");
        for (String share : new String[] {"0", "1.5", "half"}) {
            Properties badShare = new Properties();
            badShare.setProperty("statements.maxShareWhileOthersWait", share);
            assertThatThrownBy(() -> SluiceConfig.fromProperties(badShare, Path.of("data")))
                    .hasMessageContaining("statements.maxShareWhileOthersWait");
        }
        Properties noCrashes = new Properties();
        noCrashes.setProperty("limits.engineCrashesBeforeCoolDown", "0");
        assertThatThrownBy(() -> SluiceConfig.fromProperties(noCrashes, Path.of("data")))
                .hasMessageContaining("limits.engineCrashesBeforeCoolDown");
    }
}
