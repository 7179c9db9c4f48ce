package io.sluice.cli;

/** {@code \x}: one line per row (OFF), one line per column of each record (ON), or ON only when the table would not fit the terminal (AUTO). */
enum Expanded {
    OFF, ON, AUTO
}
