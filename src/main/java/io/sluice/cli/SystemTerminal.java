package io.sluice.cli;

import java.io.IOException;
import java.util.Set;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/**
 * Opens the process's terminal without the two child processes JLine starts by default before the prompt
 * can show: {@code test -t 1} (its exec provider probing the streams, even when the JNI provider answers)
 * and {@code infocmp -x $TERM} (it asks the system for the terminal's capabilities before it looks at the
 * ones it bundles). Each is a fork of the JVM's spawn helper and an exec, a tenth of a second or more on a
 * busy machine. When JNI cannot be used (no native library for the platform, a /tmp mounted noexec) it
 * falls back to JLine's default choice, exec provider included.
 */
final class SystemTerminal {

    /** The terminal types whose capabilities JLine carries with it (org/jline/utils/*.caps). */
    private static final Set<String> BUNDLED_TYPES = Set.of("xterm", "xterm-256color", "screen", "screen-256color",
            "rxvt", "rxvt-basic", "rxvt-unicode", "rxvt-unicode-256color", "ansi");

    private SystemTerminal() {
    }

    static Terminal open() throws IOException {
        useBundledCapabilities(System.getenv("TERM"));
        try {
            // dumb(false): rather an exception than JLine's fallback dumb terminal (and its warning) when JNI is unusable.
            return builder().jni(true).exec(false).jansi(false).jna(false).dumb(false).build();
        } catch (IOException | RuntimeException | LinkageError e) {
            return builder().build();
        }
    }

    private static TerminalBuilder builder() {
        // Not JLine's FFM provider: it generates classes at start-up and costs a tenth of a second more than JNI.
        return TerminalBuilder.builder().name("sluice").system(true).ffm(false);
    }

    /** For a common terminal type, the capabilities JLine bundles instead of asking {@code infocmp} in a child process. */
    static void useBundledCapabilities(String type) {
        if (type != null && BUNDLED_TYPES.contains(type)) {
            InfoCmp.setLoadedInfoCmp(type, () -> InfoCmp.getDefaultInfoCmp(type));
        }
    }
}
