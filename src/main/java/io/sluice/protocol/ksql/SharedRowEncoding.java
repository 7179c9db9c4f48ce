package io.sluice.protocol.ksql;

import io.sluice.core.streams.ChangeRow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bytes of the last few rows for every push query of one shape (the same layout, projected columns and
 * kind of source): a row published to many subscribers is encoded by the first session that writes it and
 * copied by the rest. Rows are matched by identity — a feed hands the same {@link ChangeRow} to all its
 * subscribers — so a row that is not found (evicted, or a session far behind) is simply encoded again.
 */
final class SharedRowEncoding {

    /** What the bytes of a row depend on besides the row. */
    record Shape(Class<? extends RowWriter> layout, List<Integer> projection, boolean table) {

        static Shape of(RowWriter writer, QueryPlan plan) {
            return new Shape(writer.getClass(), java.util.Arrays.stream(plan.projection()).boxed().toList(), plan.table());
        }
    }

    interface Encoder {
        byte[] encode() throws IOException;
    }

    private record Encoded(ChangeRow row, byte[] bytes) {
    }

    private static final int SLOTS = 8;
    private final AtomicReferenceArray<Encoded> recent = new AtomicReferenceArray<>(SLOTS);

    /** The row's bytes: the ones encoded for another session if they are still here, else {@code encoder}'s. */
    byte[] encode(ChangeRow row, Encoder encoder) throws IOException {
        int slot = Math.floorMod(row.sequence(), SLOTS);
        Encoded known = recent.get(slot);
        if (known != null && known.row() == row) {
            return known.bytes();
        }
        byte[] bytes = encoder.encode();
        recent.set(slot, new Encoded(row, bytes));
        return bytes;
    }

    /** One encoding per shape, for the shapes in use lately (a bounded number: an evicted one only stops sharing). */
    static final class Registry {
        private static final int SHAPES = 256;
        private final Map<Shape, SharedRowEncoding> byShape = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Shape, SharedRowEncoding> eldest) {
                return size() > SHAPES;
            }
        };

        synchronized SharedRowEncoding forShape(Shape shape) {
            return byShape.computeIfAbsent(shape, ignored -> new SharedRowEncoding());
        }
    }
}
