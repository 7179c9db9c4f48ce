package io.sluice.core.statement;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.Map;
import java.util.HashMap;

/**
 * The rules for a statement's tags ({@link StatementRequest#tags}): a few short strings, because they are
 * stored with every status and some come straight from a client (a Druid sqlQueryId, a Snowflake QUERY_TAG).
 */
public final class StatementTags {

    public static final int MAX_TAGS = 32;
    public static final int MAX_NAME_CHARS = 64;
    public static final int MAX_VALUE_CHARS = 2048;

    private StatementTags() {
    }

    /**
     * An immutable copy (the map itself when it is one already, as every snapshot's is); null is none. Null
     * values are left out. Too many or too long is a client error.
     */
    static Map<String, String> copy(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return Map.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw invalid("A statement carries at most " + MAX_TAGS + " tags");
        }
        boolean hasNulls = false;
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            String name = tag.getKey();
            if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS) {
                throw invalid("A tag name must have 1 to " + MAX_NAME_CHARS + " characters");
            }
            if (tag.getValue() == null) {
                hasNulls = true;
            } else if (tag.getValue().length() > MAX_VALUE_CHARS) {
                throw invalid("The value of [" + name + "] is longer than " + MAX_VALUE_CHARS + " characters");
            }
        }
        if (hasNulls) {
            Map<String, String> present = new HashMap<>(tags);
            present.values().removeIf(java.util.Objects::isNull);
            return Map.copyOf(present);
        }
        return Map.copyOf(tags);
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAMETER, message);
    }
}
