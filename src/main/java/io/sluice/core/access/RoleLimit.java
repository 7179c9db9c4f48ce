package io.sluice.core.access;

/**
 * What {@code ALTER ROLE r SET <limit> = n} can set on a role. Like the statement timeout ceiling, each is a
 * ceiling: a principal gets the tightest of the configured value and those of its roles.
 */
public enum RoleLimit {
    /** Snowflake's parameter name: members' statements run at most this long, whatever they ask for. */
    STATEMENT_TIMEOUT_IN_SECONDS(7L * 24 * 3600, "a whole number of seconds"),
    /** Bytes of spooled results (pages of asynchronous statements) a member may hold at once. */
    SPOOL_QUOTA_BYTES(Long.MAX_VALUE, "a whole number of bytes"),
    /** Bytes of exported files (within their retention) a member may hold at once. */
    EXPORT_QUOTA_BYTES(Long.MAX_VALUE, "a whole number of bytes");

    private final long max;
    private final String unit;

    RoleLimit(long max, String unit) {
        this.max = max;
        this.unit = unit;
    }

    /** The largest value that may be set (the smallest is 1). */
    public long max() {
        return max;
    }

    /** How the value is written, for error messages. */
    public String unit() {
        return unit;
    }
}
