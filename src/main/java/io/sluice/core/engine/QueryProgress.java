package io.sluice.core.engine;

/**
 * How far a running statement is, as its engine estimates it.
 *
 * @param percent 0–100, or -1 when the engine cannot tell (not started, streaming its result, no estimate)
 * @param rowsProcessed rows the engine has worked through so far
 * @param totalRows rows it expects to work through in all (an estimate)
 */
public record QueryProgress(double percent, long rowsProcessed, long totalRows) {

    public static final QueryProgress UNKNOWN = new QueryProgress(-1, 0, 0);

    public boolean known() {
        return percent >= 0;
    }
}
