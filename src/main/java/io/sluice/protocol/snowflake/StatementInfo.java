package io.sluice.protocol.snowflake;

import io.sluice.core.statement.StatementStatus;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * What the Snowflake adapter keeps about a statement beyond the core's status: how its values are written
 * (the request's session parameters), its QUERY_TAG and its leading keyword (to name DML counts). It travels
 * as the statement's tags, so whichever node of a cluster serves the handle writes the result the same way.
 */
record StatementInfo(OutputSettings output, String queryTag, String keyword) {

    private static final String PREFIX = "snowflake.";

    static final StatementInfo DEFAULTS = new StatementInfo(OutputSettings.DEFAULT, null, "");

    Map<String, String> tags() {
        Map<String, String> tags = new HashMap<>();
        tags.put(PREFIX + "keyword", keyword);
        tags.put(PREFIX + "queryTag", queryTag);
        tags.put(PREFIX + "TIMEZONE", output.timeZone().getId());
        tags.put(PREFIX + "DATE_OUTPUT_FORMAT", pattern(output.dateFormat()));
        tags.put(PREFIX + "TIME_OUTPUT_FORMAT", pattern(output.timeFormat()));
        tags.put(PREFIX + "TIMESTAMP_NTZ_OUTPUT_FORMAT", pattern(output.timestampNtzFormat()));
        tags.put(PREFIX + "TIMESTAMP_LTZ_OUTPUT_FORMAT", pattern(output.timestampLtzFormat()));
        tags.put(PREFIX + "TIMESTAMP_TZ_OUTPUT_FORMAT", pattern(output.timestampTzFormat()));
        tags.put(PREFIX + "BINARY_OUTPUT_FORMAT", output.binaryFormat());
        tags.put(PREFIX + "nullable", Boolean.toString(output.nullable()));
        return tags;
    }

    /** The info a statement was submitted with; the defaults for one submitted without (another protocol's). */
    static StatementInfo of(StatementStatus status) {
        String zone = status.tag(PREFIX + "TIMEZONE");
        if (zone == null) {
            return DEFAULTS;
        }
        OutputSettings output = new OutputSettings(ZoneId.of(zone),
                format(status, "DATE_OUTPUT_FORMAT"), format(status, "TIME_OUTPUT_FORMAT"),
                format(status, "TIMESTAMP_NTZ_OUTPUT_FORMAT"), format(status, "TIMESTAMP_LTZ_OUTPUT_FORMAT"),
                format(status, "TIMESTAMP_TZ_OUTPUT_FORMAT"),
                status.tags().getOrDefault(PREFIX + "BINARY_OUTPUT_FORMAT", OutputSettings.DEFAULT.binaryFormat()),
                !"false".equals(status.tag(PREFIX + "nullable")));
        return new StatementInfo(output, status.tag(PREFIX + "queryTag"), status.tags().getOrDefault(PREFIX + "keyword", ""));
    }

    private static String pattern(SnowflakeDateFormat format) {
        return format == null ? null : format.pattern();
    }

    private static SnowflakeDateFormat format(StatementStatus status, String parameter) {
        return SnowflakeDateFormat.parse(status.tag(PREFIX + parameter));
    }
}
