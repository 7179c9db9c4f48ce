package io.sluice.protocol.druid;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;

/** Druid's {@code resultFormat} values and the content type each is sent with. */
enum DruidFormat {
    OBJECT("object", "application/json", true, false),
    ARRAY("array", "application/json", false, false),
    OBJECT_LINES("objectLines", "text/plain", true, true),
    ARRAY_LINES("arrayLines", "text/plain", false, true),
    CSV("csv", "text/csv", false, true);

    final String wireName;
    final String contentType;
    final boolean objects;
    final boolean lines;

    DruidFormat(String wireName, String contentType, boolean objects, boolean lines) {
        this.wireName = wireName;
        this.contentType = contentType;
        this.objects = objects;
        this.lines = lines;
    }

    /** Druid reads the name case-insensitively ("OBJECT" and "object" both work); null means the default. */
    static DruidFormat parse(String name, DruidFormat fallback) {
        if (name == null) {
            return fallback;
        }
        for (DruidFormat format : values()) {
            if (format.wireName.equalsIgnoreCase(name.trim()) || format.name().replace("_", "").equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "Invalid resultFormat [" + name
                + "]: expected one of [object, array, objectLines, arrayLines, csv]");
    }
}
