package io.sluice.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The load generators the benchmark runs as processes of their own (wrk, curl), when the machine has them. */
final class ExternalTools {
    private ExternalTools() {
    }

    /**
     * True when {@code command} (a harmless one, such as {@code --version}) can be started. Its exit code does not
     * count: {@code wrk --version} exits 1 while printing its version; a missing binary throws instead.
     */
    static boolean startable(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
