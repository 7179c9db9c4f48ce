package io.sluice.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The Main-Class of sluice-cli.jar, compiled for Java 8 (a compiler execution of its own in pom.xml) so that
 * any Java can load it: under a Java older than the client needs it says so in one line and exits with 2,
 * instead of the JVM's UnsupportedClassVersionError; otherwise it hands over to {@link SqlMain}. It must stay
 * Java 8 code, and reaches SqlMain only by reflection so that nothing newer is loaded before the check.
 */
public final class Launcher {

    static final int REQUIRED_JAVA = 25;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        int running = feature(System.getProperty("java.specification.version", "0"));
        if (running < REQUIRED_JAVA) {
            System.err.println("sluice-cli needs Java " + REQUIRED_JAVA + " or newer, but runs on Java " + running + " ("
                    + System.getProperty("java.home") + "); set JAVA_HOME to a newer JDK or run it with that JDK's java.");
            System.exit(2);
        }
        try {
            Class.forName("io.sluice.cli.SqlMain").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" → 8, "17" → 17. */
    static int feature(String specificationVersion) {
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
    }
}
