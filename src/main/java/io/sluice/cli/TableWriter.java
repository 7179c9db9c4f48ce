package io.sluice.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prints rows as an aligned table (or, expanded, as one record per row), streaming: rows are held back only
 * for a bounded look-ahead ({@value #LOOK_AHEAD_ROWS} rows) that sets the first widths, then printed as they
 * come. A value is never cut. When a later value is wider than its column, the table widens from that row on
 * (a blank line and the header again) if the width allows; on a terminal that is too narrow the value wraps
 * inside its column instead, and every wrapped or multi-line value is marked ({@link CellText.Break}).
 *
 * <p>{@code terminalWidth} 0 means no limit (output to a file or a pipe): columns are as wide as their values.
 */
final class TableWriter {

    static final int LOOK_AHEAD_ROWS = 1000;
    /** The narrowest a column is squeezed to on a narrow terminal (narrower values keep their own width). */
    static final int MIN_COLUMN_WIDTH = 4;

    private final List<String> columns;
    private final boolean[] numeric;
    private final PrintStream out;
    private final int terminalWidth;
    private final Expanded expanded;
    private static final int FLUSH_BYTES = 64 * 1024;

    private final List<String[]> held = new ArrayList<>();
    /**
     * The table's UTF-8 text not yet handed to the output: lines are rendered straight into bytes and written
     * 64 KB at a time, since a PrintStream call per line (lock, char encoder, checks) was most of a big table's cost.
     */
    private byte[] pending = new byte[FLUSH_BYTES + 4096];
    private int pendingLength;
    private final int[] natural;
    // Reused for every one-line row: a million rows should not mean a million of each.
    private final int[] needs;
    private final StringBuilder line = new StringBuilder(128);
    private int[] widths;
    private boolean started;
    private boolean asRecords;
    private long rows;
    private long records;

    TableWriter(List<String> columns, boolean[] numeric, PrintStream out, int terminalWidth, Expanded expanded) {
        this.columns = columns;
        this.numeric = numeric;
        this.out = out;
        this.terminalWidth = terminalWidth;
        this.expanded = expanded;
        this.natural = new int[columns.size()];
        this.needs = new int[columns.size()];
        for (int index = 0; index < natural.length; index++) {
            natural[index] = CellText.width(columns.get(index));
        }
    }

    /** One row of raw values (null for SQL NULL); the array becomes the writer's (it is reused for the shown text). */
    void add(String[] values) {
        String[] cells = values;
        int[] needs = this.needs;
        for (int index = 0; index < cells.length; index++) {
            String value = values[index] == null ? CellText.NULL : values[index];
            int plainWidth = CellText.plainWidth(value);
            // Printable ASCII (most values) is shown as it is, one column a character; anything else is looked at closely.
            cells[index] = plainWidth >= 0 ? value : CellText.shown(value);
            needs[index] = plainWidth;
        }
        rows++;
        if (started) {
            if (asRecords) {
                record(cells);
            } else {
                row(cells, needs);
            }
            return;
        }
        held.add(cells);
        for (int index = 0; index < cells.length; index++) {
            natural[index] = Math.max(natural[index], needs[index] >= 0 ? needs[index] : CellText.width(cells[index]));
        }
        if (held.size() >= LOOK_AHEAD_ROWS) {
            start();
        }
    }

    /** Prints what is held back; returns the number of rows. */
    long finish() {
        if (!started) {
            start();
        }
        flush();
        return rows;
    }

    private void start() {
        started = true;
        asRecords = expanded == Expanded.ON
                || (expanded == Expanded.AUTO && terminalWidth > 0 && lineWidth(natural) > terminalWidth);
        if (!asRecords) {
            widths = fit(natural, terminalWidth);
            header();
        }
        int[] unknown = new int[columns.size()];
        Arrays.fill(unknown, -1);
        for (String[] cells : held) {
            if (asRecords) {
                record(cells);
            } else {
                row(cells, unknown.clone());
            }
        }
        held.clear();
    }

    /** @param needs each cell's width when add() knew it (printable ASCII), else -1; overwritten with the widths */
    private void row(String[] cells, int[] needs) {
        boolean oneLine = true;
        boolean plain = true;
        for (int index = 0; index < cells.length; index++) {
            if (needs[index] < 0) {
                plain = false;
                needs[index] = CellText.width(cells[index]);
                if (cells[index].indexOf('\n') >= 0) {
                    oneLine = false;
                }
            }
            if (needs[index] > widths[index]) {
                natural[index] = Math.max(natural[index], needs[index]);
                oneLine = false;
            }
        }
        if (!oneLine) {
            int[] wider = fit(natural, terminalWidth);
            if (!Arrays.equals(wider, widths)) {
                widths = wider;
                reserve(0);
                pending[pendingLength++] = '\n';
                header();
            }
        }
        if (oneLine && plain) {
            plainRow(cells, needs);
        } else if (oneLine) {
            StringBuilder line = this.line;
            line.setLength(0);
            for (int index = 0; index < cells.length; index++) {
                if (index > 0) {
                    line.append("| ");
                }
                pad(line, cells[index], needs[index], widths[index], numeric[index]);
                line.append(' ');
            }
            println(line);
        } else {
            lines(cells, numeric);
        }
    }

    private void header() {
        lines(columns.toArray(String[]::new), new boolean[columns.size()]);
        StringBuilder rule = new StringBuilder();
        for (int index = 0; index < widths.length; index++) {
            // Under the marker space of every column but the last, which is never printed blank.
            rule.append(index == 0 ? "" : "+-").append("-".repeat(widths[index] + (index < widths.length - 1 ? 1 : 0)));
        }
        println(rule);
    }

    /** A row whose cells take several lines: each cell's pieces side by side, a marker after each continued piece. */
    private void lines(String[] cells, boolean[] alignRight) {
        List<List<CellText.Piece>> pieces = new ArrayList<>(cells.length);
        int height = 1;
        for (int index = 0; index < cells.length; index++) {
            List<CellText.Piece> cell = CellText.pieces(cells[index], widths[index]);
            pieces.add(cell);
            height = Math.max(height, cell.size());
        }
        for (int lineIndex = 0; lineIndex < height; lineIndex++) {
            StringBuilder line = new StringBuilder(64);
            for (int index = 0; index < cells.length; index++) {
                if (index > 0) {
                    line.append("| ");
                }
                List<CellText.Piece> cell = pieces.get(index);
                if (lineIndex < cell.size()) {
                    CellText.Piece piece = cell.get(lineIndex);
                    pad(line, piece.text(), piece.width(), widths[index], alignRight[index] && cell.size() == 1);
                    line.append(piece.end().marker);
                } else {
                    line.append(" ".repeat(widths[index] + 1));
                }
            }
            println(line);
        }
    }

    /** One record per row: a heading, then one line per column, values wrapped to the terminal when it is narrow. */
    private void record(String[] cells) {
        int nameWidth = 0;
        for (String column : columns) {
            nameWidth = Math.max(nameWidth, CellText.width(column));
        }
        int valueWidth = terminalWidth > 0 ? Math.max(MIN_COLUMN_WIDTH, terminalWidth - nameWidth - 3 - 1) : Integer.MAX_VALUE;
        String heading = "-[ RECORD " + (++records) + " ]";
        int widest = 0;
        for (String cell : cells) {
            widest = Math.max(widest, Math.min(valueWidth, CellText.width(cell)));
        }
        int ruleWidth = Math.max(heading.length(), nameWidth + 2 + widest + 1);
        println(new StringBuilder(heading).append("-".repeat(ruleWidth - heading.length())));
        for (int index = 0; index < cells.length; index++) {
            List<CellText.Piece> pieces = CellText.pieces(cells[index], valueWidth);
            for (int lineIndex = 0; lineIndex < pieces.size(); lineIndex++) {
                CellText.Piece piece = pieces.get(lineIndex);
                StringBuilder line = new StringBuilder();
                String name = lineIndex == 0 ? columns.get(index) : "";
                pad(line, name, CellText.width(name), nameWidth, false);
                line.append(" | ").append(piece.text()).append(piece.end().marker);
                println(line);
            }
        }
    }

    /**
     * A one-line row of printable ASCII cells, the common case, written as bytes with no String or StringBuilder in
     * between: the same text {@link #pad} and {@link #println} would make.
     */
    private void plainRow(String[] cells, int[] needs) {
        int start = pendingLength;
        for (int index = 0; index < cells.length; index++) {
            String cell = cells[index];
            int padding = Math.max(0, widths[index] - needs[index]);
            reserve(cell.length() + padding + 3);
            byte[] bytes = pending;
            int at = pendingLength;
            if (index > 0) {
                bytes[at++] = '|';
                bytes[at++] = ' ';
            }
            if (numeric[index]) {
                Arrays.fill(bytes, at, at + padding, (byte) ' ');
                at += padding;
                at = ascii(cell, bytes, at);
            } else {
                at = ascii(cell, bytes, at);
                Arrays.fill(bytes, at, at + padding, (byte) ' ');
                at += padding;
            }
            bytes[at++] = ' ';
            pendingLength = at;
        }
        endLine(start);
    }

    /** Copies a printable-ASCII string's characters as bytes (for such a string, one byte each). */
    @SuppressWarnings("deprecation") // the low byte of each char is the whole of it here, and this copy is a single arraycopy
    private static int ascii(String text, byte[] bytes, int at) {
        text.getBytes(0, text.length(), bytes, at);
        return at + text.length();
    }

    private void println(StringBuilder line) {
        int start = pendingLength;
        byte[] encoded = line.toString().getBytes(StandardCharsets.UTF_8);
        reserve(encoded.length + 1);
        System.arraycopy(encoded, 0, pending, pendingLength, encoded.length);
        pendingLength += encoded.length;
        endLine(start);
    }

    /** Ends the line begun at {@code start}: no trailing blanks (padding and markers of the last cell), a newline. */
    private void endLine(int start) {
        int end = pendingLength;
        while (end > start && pending[end - 1] == ' ') {
            end--;
        }
        pending[end] = '\n';
        pendingLength = end + 1;
        if (pendingLength >= FLUSH_BYTES) {
            flush();
        }
    }

    /** Room for {@code bytes} more bytes and the line's newline. */
    private void reserve(int bytes) {
        if (pendingLength + bytes + 1 > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes + 1));
        }
    }

    /** Hands what is gathered to the output: one write per 64 KB instead of one per line (PrintStream locks, encodes and checks per call). */
    void flush() {
        if (pendingLength > 0) {
            out.write(pending, 0, pendingLength);
            pendingLength = 0;
            if (pending.length > 4 * FLUSH_BYTES) {
                // A very wide row grew the buffer; later rows need not keep that much.
                pending = new byte[FLUSH_BYTES + 4096];
            }
        }
    }

    private static void pad(StringBuilder line, String text, int textWidth, int width, boolean right) {
        int padding = Math.max(0, width - textWidth);
        if (right) {
            line.repeat(' ', padding).append(text);
        } else {
            line.append(text).repeat(' ', padding);
        }
    }

    /** The printed width of a table with these column widths: each column, its marker, and "| " between columns. */
    static int lineWidth(int[] widths) {
        int total = 3 * widths.length - 2;
        for (int width : widths) {
            total += width;
        }
        return total;
    }

    /**
     * Column widths for a table no wider than {@code terminalWidth} (0: no limit): narrow columns keep their
     * natural width, and what is left is shared evenly among the wide ones, none below {@value #MIN_COLUMN_WIDTH}.
     */
    static int[] fit(int[] natural, int terminalWidth) {
        int[] widths = natural.clone();
        if (terminalWidth <= 0 || lineWidth(natural) <= terminalWidth) {
            return widths;
        }
        int budget = terminalWidth - (3 * natural.length - 2);
        Integer[] order = new Integer[natural.length];
        for (int index = 0; index < order.length; index++) {
            order[index] = index;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(natural[a], natural[b]));
        for (int position = 0; position < order.length; position++) {
            int column = order[position];
            int left = order.length - position;
            int share = Math.max(0, budget) / left;
            if (natural[column] <= share) {
                widths[column] = natural[column];
            } else {
                // This column and every wider one share what is left; the first few get the remainder.
                int extra = Math.max(0, budget) - share * left;
                widths[column] = Math.max(Math.min(natural[column], MIN_COLUMN_WIDTH), share + (extra > 0 ? 1 : 0));
            }
            budget -= widths[column];
        }
        return widths;
    }
}
