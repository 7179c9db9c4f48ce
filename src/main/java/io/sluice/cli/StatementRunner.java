package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one statement as an asynchronous statement of the native API, so that it has an id from the start:
 * it shows a progress line (elapsed time and rows) while the statement runs, can be cancelled from another
 * thread (Ctrl-C), and prints the result in the chosen format once it SUCCEEDED.
 */
final class StatementRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_WAIT_MILLIS = 300;
    private static final long POLL_MILLIS = 200;
    private static final long PROGRESS_AFTER_NANOS = 1_000_000_000L;

    private final SluiceClient client;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean progress;
    private volatile String currentId;
    private volatile boolean cancelRequested;
    private boolean progressShown;

    StatementRunner(SluiceClient client, PrintStream out, PrintStream err, boolean progress) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /** Runs sql and prints its result; false when it failed or was cancelled (the reason went to err). */
    boolean run(String sql, OutputFormat format) {
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
            return finish(sql, status, format, started);
        } catch (SluiceClient.ClientException e) {
            clearProgress();
            if ("CANCELLED".equals(e.code)) {
                err.printf("Cancelled after %s%n", seconds(started));
            } else {
                printError(sql, e.code, e.getMessage(), e.line, e.column);
            }
            return false;
        } finally {
            currentId = null;
        }
    }

    /** Cancels the running statement, if any (called from the Ctrl-C handler's thread). */
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

    private boolean finish(String sql, JsonNode status, OutputFormat format, long started) {
        String state = status.path("state").asText();
        switch (state) {
            case "SUCCEEDED" -> {
                print(status, format, started);
                return true;
            }
            case "CANCELLED" -> {
                err.printf("Cancelled %s after %s%n", status.path("id").asText(), seconds(started));
                return false;
            }
            default -> {
                JsonNode error = status.path("error");
                JsonNode position = error.path("position");
                printError(sql, error.path("code").asText(state), error.path("message").asText("The statement ended " + state),
                        position.has("line") ? position.get("line").asInt() : null,
                        position.has("column") ? position.get("column").asInt() : null);
                return false;
            }
        }
    }

    private void print(JsonNode status, OutputFormat format, long started) {
        String id = status.path("id").asText();
        if (format.serverFormat() != null) {
            try (InputStream result = client.results(id, format.serverFormat())) {
                result.transferTo(out);
                out.flush();
            } catch (IOException e) {
                throw new SluiceClient.ClientException("CONNECTION", "The result was cut short: " + e.getMessage(), null, null);
            }
            return;
        }
        List<String> columns = new ArrayList<>();
        status.path("schema").forEach(column -> columns.add(column.path("name").asText()));
        TableWriter table = new TableWriter(columns, out);
        try (InputStream result = client.results(id, "ndjson-array");
             BufferedReader lines = new BufferedReader(new InputStreamReader(result, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isEmpty()) {
                    table.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new SluiceClient.ClientException("CONNECTION", "The result was cut short: " + e.getMessage(), null, null);
        }
        long rows = table.finish();
        out.printf("(%,d row%s, %s)%n", rows, rows == 1 ? "" : "s", seconds(started));
        out.flush();
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

    private void printError(String sql, String code, String message, Integer line, Integer column) {
        err.printf("ERROR %s%s: %s%n", code, line == null ? "" : " at line " + line + ", column " + column, message);
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
