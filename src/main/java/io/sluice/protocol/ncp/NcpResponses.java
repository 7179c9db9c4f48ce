package io.sluice.protocol.ncp;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The response bodies of the Data Query API, field for field as its documentation lists them. */
final class NcpResponses {

    private NcpResponses() {
    }

    /** Run, async, get result and cancel all answer with this shape. */
    @JsonPropertyOrder({"id", "columns", "data", "offset", "isFinished"})
    record QueryResult(
            @JsonProperty("id") String id,
            @JsonProperty("columns") List<Column> columns,
            @JsonProperty("data") List<List<Object>> data,
            @JsonProperty("offset") long offset,
            @JsonProperty("isFinished") boolean isFinished) {

        /** No columns and no rows yet (async answer, a statement still running) or any more (cancelled). */
        static QueryResult empty(String id, long offset, boolean finished) {
            return new QueryResult(id, List.of(), List.of(), offset, finished);
        }
    }

    @JsonPropertyOrder({"name", "type", "typeSignature"})
    record Column(
            @JsonProperty("name") String name,
            @JsonProperty("type") String type,
            @JsonProperty("typeSignature") io.sluice.format.trino.TrinoTypes.TypeSignature typeSignature) {
    }

    /** GET /api/v2/queries: one page of the caller's query history. */
    @JsonPropertyOrder({"pageNo", "pageSize", "hasMore", "queryList"})
    record History(
            @JsonProperty("pageNo") int pageNo,
            @JsonProperty("pageSize") int pageSize,
            @JsonProperty("hasMore") boolean hasMore,
            @JsonProperty("queryList") List<QueryHistory> queryList) {
    }

    /**
     * One executed query. {@code runTime} is milliseconds from submission to the end (or to now while it
     * runs); {@code processDataSize} is the size in bytes of the result it produced; {@code startTime} is
     * ISO-8601 UTC.
     */
    @JsonPropertyOrder({"id", "projectId", "query", "status", "isReuse", "clientType", "errorMessage", "runTime",
            "processDataSize", "startTime"})
    record QueryHistory(
            @JsonProperty("id") String id,
            @JsonProperty("projectId") Long projectId,
            @JsonProperty("query") String query,
            @JsonProperty("status") String status,
            @JsonProperty("isReuse") boolean isReuse,
            @JsonProperty("clientType") String clientType,
            @JsonProperty("errorMessage") String errorMessage,
            @JsonProperty("runTime") long runTime,
            @JsonProperty("processDataSize") long processDataSize,
            @JsonProperty("startTime") String startTime) {
    }

    /** NCP's common error body (RFC 7807 Problem Details plus a numeric errorCode). */
    @JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errorCode"})
    record ErrorBody(
            @JsonProperty("type") String type,
            @JsonProperty("title") String title,
            @JsonProperty("status") int status,
            @JsonProperty("detail") String detail,
            @JsonProperty("instance") String instance,
            @JsonProperty("errorCode") int errorCode) {
    }
}
