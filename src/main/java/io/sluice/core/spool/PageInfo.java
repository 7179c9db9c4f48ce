package io.sluice.core.spool;

/**
 * One page of a spooled result: its position in the result and the size of its file on disk.
 *
 * @param index 0-based page number
 * @param firstRow 0-based row offset of the page's first row within the result
 * @param rowCount rows in the page
 * @param sizeBytes size of the page's Arrow IPC file
 */
public record PageInfo(int index, long firstRow, long rowCount, long sizeBytes) {
    public PageInfo {
        if (index < 0 || firstRow < 0 || rowCount < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("negative page field: index=" + index + " firstRow=" + firstRow
                    + " rowCount=" + rowCount + " sizeBytes=" + sizeBytes);
        }
    }

    /** The row offset just past the page's last row. */
    public long endRow() {
        return firstRow + rowCount;
    }
}
