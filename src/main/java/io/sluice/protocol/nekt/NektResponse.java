package io.sluice.protocol.nekt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The answer of {@code POST /api/v1/sql-query/}, as the Nekt reference shows it: state, presigned_urls,
 * data_scanned_in_bytes and execution_time_in_millis when it succeeded, error when it did not.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record NektResponse(
        @JsonProperty("state") String state,
        @JsonProperty("presigned_urls") List<String> presignedUrls,
        @JsonProperty("data_scanned_in_bytes") Long dataScannedInBytes,
        @JsonProperty("execution_time_in_millis") Long executionTimeInMillis,
        @JsonProperty("error") String error) {

    static NektResponse succeeded(List<String> urls, long scanned, long millis) {
        return new NektResponse("SUCCEEDED", urls, scanned, millis, null);
    }

    static NektResponse failed(String state, String error) {
        return new NektResponse(state, List.of(), null, null, error);
    }
}
