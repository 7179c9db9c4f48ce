package io.sluice.core.spool;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Run in a separate JVM by {@link ResultSpoolDurabilityTest}: finishes one result, writes pages of a
 * second one, reports that on stdout and waits to be killed with SIGKILL in the middle of that write.
 */
public final class SpoolCrashingWriter {

    static final String READY = "pages written";

    private SpoolCrashingWriter() {
    }

    public static void main(String[] arguments) throws Exception {
        Path directory = Path.of(arguments[0]);
        BufferAllocator allocator = new RootAllocator();
        ResultSpool spool = new ResultSpool(SpoolConfig.defaults(directory).withPageRows(1000), allocator);
        try (SpoolWriter writer = spool.create("done", SpoolTestData.SCHEMA);
             VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 1500)) {
            writer.append(batch);
            writer.finish();
        }
        SpoolWriter unfinished = spool.create("crashed", SpoolTestData.SCHEMA);
        try (VectorSchemaRoot batch = SpoolTestData.batch(allocator, 0, 2500)) {
            unfinished.append(batch);
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(60_000); // killed long before this ends
    }
}
