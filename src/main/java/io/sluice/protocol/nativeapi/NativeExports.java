package io.sluice.protocol.nativeapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.ExportCompression;
import io.sluice.core.export.ExportFormat;
import io.sluice.core.export.ExportRecords;
import io.sluice.core.export.ExportResult;
import io.sluice.core.export.ExportSpec;
import io.sluice.core.export.ExportTap;
import io.sluice.core.export.Exporter;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementService;
import io.sluice.core.statement.StatementState;
import io.sluice.core.statement.StatementStatus;
import io.sluice.http.ErrorResponses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Results as files through the native API: a statement submitted with {@code export} has its result
 * written to the export store once it succeeds, and its status carries the download links.
 */
final class NativeExports {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExportView(String state, List<FileView> files, Long rows, Instant linksExpireAt,
                      ErrorResponses.ErrorBody error) {
    }

    record FileView(String url, long bytes, long rows) {
    }

    private final Exporter exporter;
    private final StatementService statements;
    private final Map<String, CompletableFuture<ExportResult>> exports = new ConcurrentHashMap<>();

    NativeExports(Exporter exporter, StatementService statements) {
        this.exporter = exporter;
        this.statements = statements;
    }

    /** Reads {@code export: {format, compression, delimiter, header, strict, splitBytes}}; null when absent. */
    static ExportSpec spec(JsonNode body) {
        JsonNode node = body.get("export");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("'export' must be an object such as {\"format\": \"parquet\"}");
        }
        for (var name : (Iterable<String>) node::fieldNames) {
            if (!List.of("format", "compression", "delimiter", "header", "strict", "splitBytes", "keepResult").contains(name)) {
                throw invalid("unknown export option '" + name + "'");
            }
        }
        String formatName = NativeRequests.textField(node, "format");
        ExportFormat format = switch (formatName == null ? "csv" : formatName.toLowerCase(Locale.ROOT)) {
            case "csv" -> ExportFormat.CSV;
            case "parquet" -> ExportFormat.PARQUET;
            default -> throw invalid("unknown export format '" + formatName + "'; use csv or parquet");
        };
        String compressionName = NativeRequests.textField(node, "compression");
        ExportCompression compression = compressionName == null ? ExportSpec.defaultCompression(format)
                : ExportCompression.parse(compressionName);
        String delimiter = NativeRequests.textField(node, "delimiter");
        if (delimiter != null && format != ExportFormat.CSV) {
            throw invalid("'delimiter' applies to csv exports only");
        }
        if (delimiter != null && delimiter.length() != 1) {
            throw invalid("'delimiter' must be exactly one character");
        }
        JsonNode header = node.get("header");
        if (header != null && !header.isBoolean()) {
            throw invalid("'header' must be true or false");
        }
        JsonNode strict = node.get("strict");
        if (strict != null && !strict.isBoolean()) {
            throw invalid("'strict' must be true or false");
        }
        long splitBytes = NativeRequests.longField(node, "splitBytes", 0, 0, Long.MAX_VALUE);
        return new ExportSpec(format, compression, delimiter == null ? ',' : delimiter.charAt(0),
                header == null || header.booleanValue(), strict != null && strict.booleanValue(), splitBytes);
    }

    /**
     * {@code export.keepResult} (default true). False makes the files the statement's only result: its rows are
     * not spooled, so there is nothing to page through or read again, and an export failure fails the statement.
     * For a large unload that is all the client wants, it saves writing every row twice.
     */
    static boolean keepsResult(JsonNode body) {
        JsonNode node = body.path("export").get("keepResult");
        if (node == null || node.isNull()) {
            return true;
        }
        if (!node.isBoolean()) {
            throw invalid("'keepResult' must be true or false");
        }
        return node.booleanValue();
    }

    /**
     * Submits a statement whose result is also written as files: the export is fed while the statement spools
     * its rows, in the same pass, rather than reading the spool back once it has ended.
     */
    StatementStatus submit(Principal principal, StatementRequest request, ExportSpec spec, boolean keepResult) {
        ExportTap tap = exporter.tap(principal, spec, !keepResult);
        StatementStatus submitted = statements.submit(principal, request, tap);
        start(principal, submitted.id(), spec, tap);
        return submitted;
    }

    /** Starts exporting the statement's result as soon as it succeeds (once per statement). */
    void start(Principal principal, String statementId, ExportSpec spec) {
        start(principal, statementId, spec, null);
    }

    private void start(Principal principal, String statementId, ExportSpec spec, ExportTap tap) {
        exports.computeIfAbsent(statementId, id -> shared(id, CompletableFuture.supplyAsync(() -> {
            tellRunning(id);
            StatementStatus status = statements.status(principal, id);
            while (!status.isTerminal()) {
                status = statements.await(principal, id, Duration.ofMinutes(1));
            }
            if (status.state() != StatementState.SUCCEEDED) {
                throw new SluiceException(status.error());
            }
            if (tap != null && tap.opened()) {
                return tap.result().join();
            }
            // Not run by this submission (a reused result, a replayed request id): export the spooled result.
            return exporter.exportStatement(principal, id, spec);
            // A platform thread: the Parquet writer calls into native code, which would pin a virtual thread.
        }, command -> Thread.ofPlatform().name("export-" + statementId).daemon().start(command))));
    }

    /** Tells the other nodes of a cluster how the export goes, so a status asked through any node shows it. */
    private CompletableFuture<ExportResult> shared(String statementId, CompletableFuture<ExportResult> export) {
        ExportRecords records = exporter.outcomes();
        if (records == ExportRecords.NONE) {
            return export;
        }
        export.whenComplete((result, failure) -> tell(records, statementId, result != null
                ? new ExportRecords.Entry(ExportRecords.Entry.SUCCEEDED, result, null)
                : new ExportRecords.Entry(ExportRecords.Entry.FAILED, null, errorOf(failure))));
        return export;
    }

    /** On the export's own thread: a database write has no place on the submitting request's path. */
    private void tellRunning(String statementId) {
        ExportRecords records = exporter.outcomes();
        if (records != ExportRecords.NONE) {
            tell(records, statementId, new ExportRecords.Entry(ExportRecords.Entry.RUNNING, null, null));
        }
    }

    private static void tell(ExportRecords records, String statementId, ExportRecords.Entry entry) {
        try {
            records.record(statementId, entry);
        } catch (RuntimeException e) {
            // This node still answers with the block; other nodes show none until a later record gets through.
            org.slf4j.LoggerFactory.getLogger(NativeExports.class).warn("could not share the export of [{}]: {}",
                    statementId, e.getMessage());
        }
    }

    private static io.sluice.core.error.SluiceError errorOf(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof SluiceException sluice ? sluice.error()
                : io.sluice.core.error.SluiceError.of(ErrorCode.INTERNAL_ERROR, "The export failed");
    }

    /** An export another node of the cluster ran (or runs), as it recorded it. */
    private Optional<ExportView> sharedView(String statementId, java.net.URI base) {
        Optional<ExportRecords.Entry> entry;
        try {
            entry = exporter.outcomes().find(statementId);
        } catch (RuntimeException e) {
            return Optional.empty(); // the cluster database is away: the status answers without the block
        }
        return entry.map(found -> switch (found.state()) {
            case ExportRecords.Entry.SUCCEEDED -> succeeded(found.result(), base);
            case ExportRecords.Entry.FAILED -> new ExportView("FAILED", null, null, null, ErrorResponses.body(found.error(), statementId));
            default -> new ExportView("RUNNING", null, null, null, null);
        });
    }

    private static ExportView succeeded(ExportResult result, java.net.URI base) {
        return new ExportView("SUCCEEDED", result.files().stream()
                .map(file -> new FileView(base.resolve(file.url()).toString(), file.bytes(), file.rows())).toList(),
                result.rows(), result.linksExpireAt(), null);
    }

    /** Waits up to {@code wait} for a started export, so a quick statement answers with its links. */
    void await(String statementId, Duration wait) {
        CompletableFuture<ExportResult> export = exports.get(statementId);
        if (export == null) {
            return;
        }
        try {
            export.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the view reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The export's state; links relative to this server are completed against {@code base}. */
    Optional<ExportView> view(String statementId, java.net.URI base) {
        CompletableFuture<ExportResult> export = exports.get(statementId);
        if (export == null) {
            return sharedView(statementId, base);
        }
        if (!export.isDone()) {
            return Optional.of(new ExportView("RUNNING", null, null, null, null));
        }
        try {
            return Optional.of(succeeded(export.join(), base));
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            var error = cause instanceof SluiceException sluice ? sluice.error()
                    : io.sluice.core.error.SluiceError.of(ErrorCode.INTERNAL_ERROR, "The export failed");
            return Optional.of(new ExportView("FAILED", null, null, null, ErrorResponses.body(error, statementId)));
        }
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
