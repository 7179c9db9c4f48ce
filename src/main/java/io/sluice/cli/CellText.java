package io.sluice.cli;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.WCWidth;

/**
 * How a value is shown in a table cell, and how wide it is on a terminal. A value is never cut: a line break
 * in it starts a new line of the cell, and a value wider than its column is wrapped onto more lines, each
 * marked (see {@link Piece}). Tabs and carriage returns, which would break the alignment, are shown as
 * {@code \t} and {@code \r}. Widths count terminal columns, so CJK text and emoji take two.
 */
final class CellText {

    static final String NULL = "NULL";

    /** What ends a piece of a cell's text: the value goes on after a line break in it, after a wrap, or ends. */
    enum Break {
        END(' '), NEWLINE('+'), WRAP('~');

        /** Printed right after the piece, where a space would otherwise be. */
        final char marker;

        Break(char marker) {
            this.marker = marker;
        }
    }

    /** One display line of a cell. */
    record Piece(String text, int width, Break end) {
    }

    private CellText() {
    }

    /** The text shown for a value: NULL for SQL NULL, tabs and carriage returns made visible. */
    static String shown(String value) {
        if (value == null) {
            return NULL;
        }
        if (value.indexOf('\t') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return value.replace("\t", "\\t").replace("\r", "\\r");
    }

    /**
     * The width of a value of printable ASCII only, which is shown as it is at a column a character; -1 for any
     * other value (line breaks, tabs, control characters, anything beyond ASCII), which {@link #shown} and
     * {@link #width} look at closely. One plain loop: it runs for every cell of a large result.
     */
    static int plainWidth(String value) {
        int length = value.length();
        for (int index = 0; index < length; index++) {
            char c = value.charAt(index);
            if (c < 0x20 || c >= 0x7f) {
                return -1;
            }
        }
        return length;
    }

    /** The widest line of the shown text, in terminal columns. */
    static int width(String shown) {
        int widest = 0;
        int current = 0;
        for (int index = 0; index < shown.length(); ) {
            int codePoint = shown.codePointAt(index);
            index += Character.charCount(codePoint);
            if (codePoint == '\n') {
                widest = Math.max(widest, current);
                current = 0;
            } else {
                current += columns(codePoint);
            }
        }
        return Math.max(widest, current);
    }

    /** The shown text in lines of at most {@code width} columns (a character wider than that gets a line alone). */
    static List<Piece> pieces(String shown, int width) {
        List<Piece> pieces = new ArrayList<>(1);
        int start = 0;
        int used = 0;
        int index = 0;
        while (index < shown.length()) {
            int codePoint = shown.codePointAt(index);
            int next = index + Character.charCount(codePoint);
            if (codePoint == '\n') {
                pieces.add(new Piece(shown.substring(start, index), used, Break.NEWLINE));
                start = next;
                used = 0;
            } else {
                int columns = columns(codePoint);
                if (used + columns > width && used > 0) {
                    pieces.add(new Piece(shown.substring(start, index), used, Break.WRAP));
                    start = index;
                    used = 0;
                }
                used += columns;
            }
            index = next;
        }
        pieces.add(new Piece(shown.substring(start), used, Break.END));
        return pieces;
    }

    private static int columns(int codePoint) {
        if (codePoint < 0x7f && codePoint >= 0x20) {
            return 1;
        }
        int width = WCWidth.wcwidth(codePoint);
        // Control characters have no width of their own (-1); count them as one so nothing vanishes from the layout.
        // Combining marks (0) join the character before them.
        return width < 0 ? 1 : width;
    }
}
