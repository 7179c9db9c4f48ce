package io.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: the version Maven wrote into {@code io/sluice/cli/version.properties} at build time. */
final class CliVersion implements CommandLine.IVersionProvider {

    static String version() {
        try (InputStream in = CliVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isBlank() && !version.startsWith("${")) {
                    return version;
                }
            }
        } catch (IOException ignored) {
            // fall through: an unknown version is still an answer
        }
        return "unknown";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"sluice-sql " + version() + " (Java " + Runtime.version() + ")"};
    }
}
