package io.sluice.demo;

import io.sluice.core.streams.SourceColumn;
import io.sluice.core.streams.SourceDefinition;
import io.sluice.core.streams.SourceKind;
import io.sluice.core.streams.StreamService;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The ksqlDB quickstart's {@code riderLocations} stream and a generator that inserts one rider location a
 * second while the demo runs, so {@code SELECT * FROM riderLocations EMIT CHANGES LIMIT 5} shows live rows.
 */
public final class RiderLocations implements AutoCloseable {

    public static final String STATEMENT = "CREATE STREAM riderLocations (profileId VARCHAR KEY, latitude DOUBLE, longitude DOUBLE)"
            + " WITH (kafka_topic='locations', value_format='json', partitions=1);";
    private static final List<String> RIDERS = List.of("c2309eec", "18f4ea86", "4ab5cbad", "8b6eae59", "4a7c7b41", "4ddad000");

    private final Thread generator;

    private RiderLocations(StreamService streams) {
        streams.create(new SourceDefinition("RIDERLOCATIONS", SourceKind.STREAM, List.of(
                new SourceColumn("PROFILEID", "VARCHAR", true), new SourceColumn("LATITUDE", "DOUBLE", false),
                new SourceColumn("LONGITUDE", "DOUBLE", false)),
                Map.of("KAFKA_TOPIC", "locations", "VALUE_FORMAT", "JSON", "PARTITIONS", "1"), STATEMENT, null), true);
        Random random = new Random(42);
        generator = Thread.ofVirtual().name("demo-rider-locations").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1_000);
                    streams.insert("RIDERLOCATIONS", Map.of(
                            "PROFILEID", RIDERS.get(random.nextInt(RIDERS.size())),
                            "LATITUDE", Math.round((37.3 + random.nextDouble() * 0.2) * 10_000) / 10_000.0,
                            "LONGITUDE", Math.round((-122.2 + random.nextDouble() * 0.2) * 10_000) / 10_000.0));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the stream was dropped or the server is stopping: try again next second
                }
            }
        });
    }

    /** Creates the stream (if missing) and starts the generator; it stops when {@code streams} shuts down. */
    public static void start(StreamService streams) {
        streams.closeWith(new RiderLocations(streams));
    }

    @Override
    public void close() {
        generator.interrupt();
    }
}
