package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs one statement as an asynchronous statement of the native API, so that it has an id from the start:
 * it shows a progress line (elapsed time and rows) while the statement runs, can be cancelled from another
 * thread (Ctrl-C), and prints the result in the chosen format once it SUCCEEDED, streamed straight from the
 * response to the output (a table holds back a bounded look-ahead only).
 *
 * <p>Several statements in one run stay valid in every format: JSON prints one array per statement, each on
 * a line of its own (JSON Lines); CSV separates the statements' blocks by an empty line; NDJSON is one row a
 * line whatever the statement. Every format ends with a newline.
 */
final class StatementRunner {

    /** How a statement ended: printed, failed (its reason went to err), or failed in a way every further statement would too. */
    enum Outcome {
        SUCCEEDED, FAILED, FATAL
    }

    private static final long FIRST_WAIT_MILLIS = 300;
    private static final long POLL_MILLIS = 200;
    private static final long PROGRESS_AFTER_NANOS = 1_000_000_000L;
    private static final Set<String> NUMERIC_TYPES = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
            "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL");

    private final SluiceClient client;
    private final PrintStream err;
    private final boolean progress;
    private volatile String currentId;
    private volatile boolean cancelRequested;
    private boolean progressShown;
    private long csvResults;

    StatementRunner(SluiceClient client, PrintStream err, boolean progress) {
        this.client = client;
        this.err = err;
        this.progress = progress;
    }

    SluiceClient client() {
        return client;
    }

    /**
     * Runs sql and prints its result to out; {@code where} ("file.sql:12", or null) prefixes an error so a
     * script's failing line can be found.
     */
    Outcome run(String sql, Display display, PrintStream out, String where) {
        cancelRequested = false;
        long started = System.nanoTime();
        try {
            JsonNode status = client.submit(sql, FIRST_WAIT_MILLIS);
            currentId = status.path("id").asText();
            if (cancelRequested) {
                status = client.cancel(currentId);
            }
            while (isActive(status)) {
                sleep(POLL_MILLIS);
                status = cancelRequested ? client.cancel(currentId) : client.status(currentId);
                showProgress(status, started);
            }
            clearProgress();
            return finish(sql, status, display, out, started, where);
        } catch (SluiceClient.ClientException e) {
            clearProgress();
            if ("CANCELLED".equals(e.code)) {
                err.printf("Cancelled after %s%n", seconds(started));
                return Outcome.FAILED;
            }
            printError(sql, where, e.code, e.getMessage(), e.line, e.column);
            return SluiceClient.fatal(e) ? Outcome.FATAL : Outcome.FAILED;
        } finally {
            currentId = null;
            out.flush();
        }
    }

    /** Cancels the running statement, if any, or stops printing a result (called from the Ctrl-C handler's thread). */
    void cancelCurrent() {
        cancelRequested = true;
        String id = currentId;
        if (id != null) {
            try {
                client.cancel(id);
            } catch (SluiceClient.ClientException ignored) {
                // it ended meanwhile
            }
        }
    }

    boolean running() {
        return currentId != null;
    }

    private Outcome finish(String sql, JsonNode status, Display display, PrintStream out, long started, String where) {
        String state = status.path("state").asText();
        switch (state) {
            case "SUCCEEDED" -> {
                print(status, display, out, started);
                return Outcome.SUCCEEDED;
            }
            case "CANCELLED" -> {
                err.printf("Cancelled %s after %s%n", status.path("id").asText(), seconds(started));
                return Outcome.FAILED;
            }
            default -> {
                JsonNode error = status.path("error");
                JsonNode position = error.path("position");
                printError(sql, where, error.path("code").asText(state), error.path("message").asText("The statement ended " + state),
                        position.has("line") ? position.get("line").asInt() : null,
                        position.has("column") ? position.get("column").asInt() : null);
                return Outcome.FAILED;
            }
        }
    }

    private void print(JsonNode status, Display display, PrintStream out, long started) {
        String id = status.path("id").asText();
        try {
            if (display.format() == OutputFormat.TABLE) {
                table(id, status.path("schema"), display, out);
            } else {
                copy(id, display.format(), out);
            }
        } catch (IOException e) {
            throw new SluiceClient.ClientException("CONNECTION", "The result was cut short: " + e.getMessage(), null, null);
        }
        if (display.timing()) {
            // Beside a table it is part of what people read; beside CSV or JSON it would corrupt the data.
            (display.format() == OutputFormat.TABLE ? out : err).printf(Locale.ROOT, "Time: %.3f ms%n",
                    (System.nanoTime() - started) / 1e6);
        }
    }

    private void table(String id, JsonNode schema, Display display, PrintStream out) throws IOException {
        List<String> columns = new ArrayList<>();
        boolean[] numeric = new boolean[schema.size()];
        for (JsonNode column : schema) {
            numeric[columns.size()] = NUMERIC_TYPES.contains(column.path("type").asText().replaceFirst("\\(.*", ""));
            columns.add(column.path("name").asText());
        }
        TableWriter table = new TableWriter(columns, numeric, out, display.width(), display.expanded());
        boolean stopped = false;
        try (InputStream result = client.results(id, "ndjson-array"); ResultRows rows = new ResultRows(result, columns.size())) {
            String[] row;
            long count = 0;
            while ((row = rows.next()) != null) {
                table.add(row);
                // Ctrl-C, or a pager the user quit: stop reading (closing the response drops the rest).
                if ((++count & 1023) == 0 && (cancelRequested || out.checkError())) {
                    stopped = true;
                    break;
                }
            }
        }
        long count = table.finish();
        out.printf(Locale.ROOT, stopped ? "(output stopped after %,d rows)%n" : "(%,d row%s)%n", count, count == 1 ? "" : "s");
    }

    /** The server's own bytes, made valid when several results follow each other (see the class comment). */
    private void copy(String id, OutputFormat format, PrintStream out) throws IOException {
        if (format == OutputFormat.CSV && csvResults++ > 0) {
            out.write('\n');
        }
        byte[] buffer = new byte[64 * 1024];
        int last = '\n';
        try (InputStream result = client.results(id, format.serverFormat())) {
            int read;
            while ((read = result.read(buffer)) > 0) {
                int length = read;
                if (format == OutputFormat.JSON) {
                    // A raw line break in JSON is only ever whitespace between tokens (inside strings it is
                    // escaped), so dropping it keeps the document and puts each statement's array on one line.
                    length = 0;
                    for (int index = 0; index < read; index++) {
                        if (buffer[index] != '\n' && buffer[index] != '\r') {
                            buffer[length++] = buffer[index];
                        }
                    }
                }
                if (length > 0) {
                    out.write(buffer, 0, length);
                    last = buffer[length - 1];
                }
                if (cancelRequested || out.checkError()) {
                    break;
                }
            }
        }
        if (last != '\n' || format == OutputFormat.JSON) {
            out.write('\n');
        }
    }

    private void showProgress(JsonNode status, long started) {
        if (!progress || System.nanoTime() - started < PROGRESS_AFTER_NANOS) {
            return;
        }
        progressShown = true;
        err.printf(Locale.ROOT, "\r%s %s · %,d rows · %s (Ctrl-C cancels)   ", status.path("state").asText().toLowerCase(Locale.ROOT),
                status.path("id").asText(), status.path("rows").asLong(), seconds(started));
        err.flush();
    }

    private void clearProgress() {
        if (progressShown) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
            progressShown = false;
        }
    }

    private void printError(String sql, String where, String code, String message, Integer line, Integer column) {
        String prefix = where == null ? "" : where + ": ";
        if (code.equals("CONNECTION") || code.startsWith("HTTP_")) {
            err.println(prefix + message);
            err.flush();
            return;
        }
        err.printf("%sERROR %s%s: %s%n", prefix, code, line == null ? "" : " at line " + line + ", column " + column, message);
        if (line != null && column != null) {
            List<String> sqlLines = sql.lines().toList();
            if (line >= 1 && line <= sqlLines.size()) {
                String text = sqlLines.get(line - 1);
                err.println("  " + text);
                err.println("  " + " ".repeat(Math.max(0, Math.min(column - 1, text.length()))) + "^");
            }
        }
        err.flush();
    }

    private static boolean isActive(JsonNode status) {
        String state = status.path("state").asText();
        return state.equals("QUEUED") || state.equals("RUNNING");
    }

    private static String seconds(long started) {
        return String.format(Locale.ROOT, "%.2f s", (System.nanoTime() - started) / 1e9);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClient.ClientException("INTERRUPTED", "Interrupted", null, null);
        }
    }
}
