package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every configuration key with its default. This keeps it honest: the keys in its
 * table are exactly {@link SluiceConfig#KEYS}, and a literal default written there is the real default.
 */
class ConfigurationReferenceTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.]+[A-Za-z0-9.]*)` \\| ([^|]*) \\|");
    private static final Pattern LITERAL = Pattern.compile("^`([^`]*)`$");

    static Map<String, String> documentedDefaults() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/configuration.md"), StandardCharsets.UTF_8)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                assertThat(rows.put(row.group(1), row.group(2).strip())).as("key %s listed twice", row.group(1)).isNull();
            }
        }
        return rows;
    }

    @Test
    void thePageListsExactlyTheKeysTheServerReads() throws IOException {
        assertThat(documentedDefaults().keySet()).containsExactlyInAnyOrderElementsOf(SluiceConfig.KEYS);
    }

    @Test
    void everyLiteralDefaultOnThePageIsTheRealDefault() throws IOException {
        Path dataDirectory = Path.of("./data");
        SluiceConfig defaults = SluiceConfig.defaults(dataDirectory);
        int literals = 0;
        for (Map.Entry<String, String> row : documentedDefaults().entrySet()) {
            Matcher literal = LITERAL.matcher(row.getValue());
            if (!literal.matches()) {
                continue;
            }
            literals++;
            Properties properties = new Properties();
            properties.setProperty(row.getKey(), literal.group(1));
            assertThat(SluiceConfig.fromProperties(properties, dataDirectory))
                    .as("%s = %s changes the configuration, so it is not the default", row.getKey(), literal.group(1))
                    .isEqualTo(defaults);
        }
        assertThat(literals).isGreaterThan(20);
    }
}
