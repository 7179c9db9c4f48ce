package io.sluice.cli;

/**
 * How one statement's result is shown: the format, expanded records (tables only), a timing line, and the
 * width the table must fit (0: no limit, for files and pipes).
 */
record Display(OutputFormat format, Expanded expanded, boolean timing, int width) {

    static Display of(OutputFormat format) {
        return new Display(format, Expanded.OFF, false, 0);
    }
}
