package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sluice-cli.jar's Main-Class: loadable by any Java, a one-line refusal under an old one, the client under a new one. */
class LauncherTest {

    private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    record Run(int exitCode, String out, String err) {
    }

    static Run java(String java, String classPath, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, "io.sluice.cli.Launcher"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err);
    }

    @Test
    void isCompiledForJava8() throws Exception {
        try (InputStream in = Launcher.class.getResourceAsStream("Launcher.class"); DataInputStream data = new DataInputStream(in)) {
            data.readInt();
            data.readUnsignedShort();
            assertThat(data.readUnsignedShort()).as("class file major version").isEqualTo(52);
        }
    }

    @Test
    void anOldJavaGetsOneClearLineAndAnExitStatus() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "needs a Java 17 at " + JAVA_17);
        String classes = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();

        Run run = java(JAVA_17.toString(), classes, "--version");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("sluice-cli needs Java 25 or newer, but runs on Java 17 (/usr/lib/jvm/java-17-openjdk-amd64); "
                + "set JAVA_HOME to a newer JDK or run it with that JDK's java.\n");
    }

    @Test
    void aNewJavaRunsTheClient() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();

        Run run = java(java, System.getProperty("java.class.path"), "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("sluice-sql ");
    }

    @Test
    void readsTheFeatureVersion() {
        assertThat(Launcher.feature("1.8")).isEqualTo(8);
        assertThat(Launcher.feature("17")).isEqualTo(17);
        assertThat(Launcher.feature("25")).isEqualTo(25);
    }
}
