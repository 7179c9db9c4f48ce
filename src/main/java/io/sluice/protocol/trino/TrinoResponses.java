package io.sluice.protocol.trino;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The bodies of Trino's client protocol (io.trino.client.QueryResults and what it holds), field for field.
 * Optional fields are left out when null, as Trino leaves them out.
 */
final class TrinoResponses {

    private TrinoResponses() {
    }

    /** Every answer of {@code /v1/statement}: the POST, each GET of a nextUri, and the last one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"id", "infoUri", "partialCancelUri", "nextUri", "columns", "data", "stats", "error", "warnings",
            "updateType", "updateCount"})
    record QueryResults(
            @JsonProperty("id") String id,
            @JsonProperty("infoUri") String infoUri,
            @JsonProperty("partialCancelUri") String partialCancelUri,
            @JsonProperty("nextUri") String nextUri,
            @JsonProperty("columns") List<Column> columns,
            @JsonProperty("data") List<List<Object>> data,
            @JsonProperty("stats") Stats stats,
            @JsonProperty("error") QueryError error,
            @JsonProperty("warnings") List<Object> warnings,
            @JsonProperty("updateType") String updateType,
            @JsonProperty("updateCount") Long updateCount) {
    }

    @JsonPropertyOrder({"name", "type", "typeSignature"})
    record Column(
            @JsonProperty("name") String name,
            @JsonProperty("type") String type,
            @JsonProperty("typeSignature") io.sluice.format.trino.TrinoTypes.TypeSignature typeSignature) {
    }

    /**
     * StatementStats. Sluice runs a statement as one unit, so splits count the statement itself (one split,
     * queued, running or completed) and {@code progressPercentage} is the engine's estimate where it has one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"state", "queued", "scheduled", "progressPercentage", "runningPercentage", "nodes",
            "totalSplits", "queuedSplits", "runningSplits", "completedSplits", "cpuTimeMillis", "wallTimeMillis",
            "queuedTimeMillis", "elapsedTimeMillis", "processedRows", "processedBytes", "physicalInputBytes",
            "physicalWrittenBytes", "peakMemoryBytes", "spilledBytes"})
    record Stats(
            @JsonProperty("state") String state,
            @JsonProperty("queued") boolean queued,
            @JsonProperty("scheduled") boolean scheduled,
            @JsonProperty("progressPercentage") Double progressPercentage,
            @JsonProperty("runningPercentage") Double runningPercentage,
            @JsonProperty("nodes") int nodes,
            @JsonProperty("totalSplits") int totalSplits,
            @JsonProperty("queuedSplits") int queuedSplits,
            @JsonProperty("runningSplits") int runningSplits,
            @JsonProperty("completedSplits") int completedSplits,
            @JsonProperty("cpuTimeMillis") long cpuTimeMillis,
            @JsonProperty("wallTimeMillis") long wallTimeMillis,
            @JsonProperty("queuedTimeMillis") long queuedTimeMillis,
            @JsonProperty("elapsedTimeMillis") long elapsedTimeMillis,
            @JsonProperty("processedRows") long processedRows,
            @JsonProperty("processedBytes") long processedBytes,
            @JsonProperty("physicalInputBytes") long physicalInputBytes,
            @JsonProperty("physicalWrittenBytes") long physicalWrittenBytes,
            @JsonProperty("peakMemoryBytes") long peakMemoryBytes,
            @JsonProperty("spilledBytes") long spilledBytes) {
    }

    /** QueryError. {@code failureInfo} never carries a stack trace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"message", "sqlState", "errorCode", "errorName", "errorType", "errorLocation", "failureInfo"})
    record QueryError(
            @JsonProperty("message") String message,
            @JsonProperty("sqlState") String sqlState,
            @JsonProperty("errorCode") int errorCode,
            @JsonProperty("errorName") String errorName,
            @JsonProperty("errorType") String errorType,
            @JsonProperty("errorLocation") ErrorLocation errorLocation,
            @JsonProperty("failureInfo") FailureInfo failureInfo) {
    }

    record ErrorLocation(@JsonProperty("lineNumber") int lineNumber, @JsonProperty("columnNumber") int columnNumber) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "message", "cause", "suppressed", "stack", "errorLocation"})
    record FailureInfo(
            @JsonProperty("type") String type,
            @JsonProperty("message") String message,
            @JsonProperty("cause") FailureInfo cause,
            @JsonProperty("suppressed") List<FailureInfo> suppressed,
            @JsonProperty("stack") List<String> stack,
            @JsonProperty("errorLocation") ErrorLocation errorLocation) {
    }
}
