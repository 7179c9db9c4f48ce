package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints rows as an aligned text table. Widths come from the header and the first rows (held back until
 * {@value #SAMPLE_ROWS} rows or the end), so a large result streams out in constant memory after that.
 */
final class TableWriter {

    static final int SAMPLE_ROWS = 1000;
    private static final int MAX_WIDTH = 60;

    private final List<String> columns;
    private final PrintStream out;
    private final List<String[]> sample = new ArrayList<>();
    private int[] widths;
    private long rows;

    TableWriter(List<String> columns, PrintStream out) {
        this.columns = columns;
        this.out = out;
    }

    void add(JsonNode row) {
        String[] cells = new String[columns.size()];
        for (int index = 0; index < cells.length; index++) {
            cells[index] = text(row.get(index));
        }
        rows++;
        if (widths == null) {
            sample.add(cells);
            if (sample.size() >= SAMPLE_ROWS) {
                flushSample();
            }
        } else {
            line(cells);
        }
    }

    /** Prints what is held back; returns the number of rows. */
    long finish() {
        if (widths == null) {
            flushSample();
        }
        return rows;
    }

    private void flushSample() {
        widths = new int[columns.size()];
        for (int index = 0; index < widths.length; index++) {
            widths[index] = Math.min(MAX_WIDTH, columns.get(index).length());
        }
        for (String[] cells : sample) {
            for (int index = 0; index < cells.length; index++) {
                widths[index] = Math.min(MAX_WIDTH, Math.max(widths[index], cells[index].length()));
            }
        }
        line(columns.toArray(String[]::new));
        StringBuilder rule = new StringBuilder();
        for (int index = 0; index < widths.length; index++) {
            rule.append(index == 0 ? "" : "-+-").append("-".repeat(widths[index]));
        }
        out.println(rule);
        sample.forEach(this::line);
        sample.clear();
    }

    private void line(String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int index = 0; index < cells.length; index++) {
            String cell = cells[index].length() > widths[index] ? cells[index].substring(0, widths[index] - 1) + "…" : cells[index];
            line.append(index == 0 ? "" : " | ").append(cell).append(" ".repeat(widths[index] - cell.length()));
        }
        out.println(line.toString().stripTrailing());
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return "NULL";
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        return text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
