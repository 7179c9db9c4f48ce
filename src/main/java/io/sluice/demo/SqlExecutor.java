package io.sluice.demo;

/**
 * Runs one SQL statement that returns no rows. {@link DemoData#install} calls it once per statement, in
 * order, so an implementation can be as small as {@code sql -> statement.execute(sql)} on one connection.
 */
@FunctionalInterface
public interface SqlExecutor {

    /** Executes a single statement; a failure should be thrown, not swallowed, so install stops at once. */
    void execute(String sql);
}
