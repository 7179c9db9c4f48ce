package io.sluice.protocol.snowflake;

import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * How one statement's values are written: the session time zone and the output-format session
 * parameters of the request that submitted it (Snowflake applies only what the request sets), and
 * whether SQL NULL is sent as the string "null" ({@code nullable=false}).
 */
record OutputSettings(ZoneId timeZone, SnowflakeDateFormat dateFormat, SnowflakeDateFormat timeFormat,
                      SnowflakeDateFormat timestampNtzFormat, SnowflakeDateFormat timestampLtzFormat,
                      SnowflakeDateFormat timestampTzFormat, String binaryFormat, boolean nullable) {

    static final OutputSettings DEFAULT = new OutputSettings(ZoneOffset.UTC, null, null, null, null, null, "HEX", true);
}
