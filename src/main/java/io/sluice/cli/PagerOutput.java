package io.sluice.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The terminal, or a pager once the output grows past one screen. Bytes are held back until either the
 * output ends (then they go to the terminal: a short result needs no pager) or it passes the terminal's
 * height (then the pager starts and gets them all, and everything after); so at most a screenful is held.
 * A pager that cannot start is skipped quietly. When the user quits the pager early, writes fail, and the
 * caller sees that through {@link java.io.PrintStream#checkError()} and stops reading the result.
 */
final class PagerOutput extends OutputStream {

    private final List<String> command;
    private final int height;
    private final OutputStream terminal;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private int lines;
    private Process pager;
    private OutputStream target;

    PagerOutput(List<String> command, int height, OutputStream terminal) {
        this.command = command;
        this.height = height;
        this.terminal = terminal;
    }

    /** The pager for a command line such as {@code less -FRSX}, run through the shell as $PAGER is meant to be. */
    static List<String> shellCommand(String commandLine) {
        return List.of("/bin/sh", "-c", commandLine);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (target != null) {
            target.write(bytes, offset, length);
            return;
        }
        held.write(bytes, offset, length);
        for (int index = offset; index < offset + length; index++) {
            if (bytes[index] == '\n') {
                lines++;
            }
        }
        if (lines >= height - 1) {
            target = startPager();
            held.writeTo(target);
            held.reset();
        }
    }

    private OutputStream startPager() {
        try {
            pager = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            terminal.flush();
            return pager.getOutputStream();
        } catch (IOException e) {
            return terminal;
        }
    }

    @Override
    public void flush() throws IOException {
        if (target != null) {
            target.flush();
        }
    }

    /** Ends the output: short output goes to the terminal now; a pager gets its end and is waited for. */
    @Override
    public void close() throws IOException {
        if (target == null) {
            held.writeTo(terminal);
            terminal.flush();
            return;
        }
        if (pager == null) {
            terminal.flush();
            return;
        }
        try {
            pager.getOutputStream().close();
        } catch (IOException quit) {
            // the user left the pager before the end
        }
        try {
            pager.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
