package io.sluice.protocol.snowflake;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Snowflake statement handles are UUID-shaped. A Sluice statement id ({@code s} and 32 hex digits) is shown
 * as the same 128 bits in UUID form, so a handle maps back to its statement without a table.
 */
final class StatementHandles {

    private static final Pattern UUID_SHAPE = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern SLUICE_ID = Pattern.compile("s[0-9a-f]{32}");

    private StatementHandles() {
    }

    static String handleOf(String statementId) {
        if (!SLUICE_ID.matcher(statementId).matches()) {
            return statementId;
        }
        String hex = statementId.substring(1);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** The statement id for a handle, or null when the text is not a handle at all. */
    static String statementIdOf(String handle) {
        if (handle == null || !UUID_SHAPE.matcher(handle).matches()) {
            return null;
        }
        return "s" + handle.replace("-", "").toLowerCase(Locale.ROOT);
    }

    static String newParentHandle() {
        return UUID.randomUUID().toString();
    }

    static String statusUrl(String handle) {
        return "/api/v2/statements/" + handle;
    }
}
