package io.sluice.protocol.ksql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.streams.ChangeRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedRowEncodingTest {

    private final SharedRowEncoding encoding = new SharedRowEncoding();
    private final List<ChangeRow> encoded = new ArrayList<>();

    private byte[] encode(ChangeRow row) throws Exception {
        return encoding.encode(row, () -> {
            encoded.add(row);
            return row.values().toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    @Test
    void aRowDeliveredToManySessionsIsEncodedOnce() throws Exception {
        ChangeRow row = new ChangeRow(7, List.of("a", 1), false);
        byte[] first = encode(row);
        for (int session = 0; session < 99; session++) {
            assertThat(encode(row)).isSameAs(first);
        }
        assertThat(encoded).containsExactly(row);
    }

    @Test
    void anotherRowWithTheSameSequenceIsEncodedForItself() throws Exception {
        // A table's read-back gives every upsert and tombstone it finds the same sequence.
        ChangeRow upsert = new ChangeRow(9, List.of("k", 5), false);
        ChangeRow tombstone = new ChangeRow(9, java.util.Arrays.asList("j", null), true);
        assertThat(new String(encode(upsert), StandardCharsets.UTF_8)).isEqualTo("[k, 5]");
        assertThat(new String(encode(tombstone), StandardCharsets.UTF_8)).isEqualTo("[j, null]");
        assertThat(encoded).containsExactly(upsert, tombstone);
    }

    @Test
    void sessionsOfOneShapeShareAnEncodingAndOtherShapesDoNot() {
        SharedRowEncoding.Registry registry = new SharedRowEncoding.Registry();
        SharedRowEncoding.Shape delimited = new SharedRowEncoding.Shape(RowWriter.Delimited.class, List.of(0, 1), false);
        assertThat(registry.forShape(delimited))
                .isSameAs(registry.forShape(new SharedRowEncoding.Shape(RowWriter.Delimited.class, List.of(0, 1), false)))
                .isNotSameAs(registry.forShape(new SharedRowEncoding.Shape(RowWriter.JsonArray.class, List.of(0, 1), false)))
                .isNotSameAs(registry.forShape(new SharedRowEncoding.Shape(RowWriter.Delimited.class, List.of(1), false)));
    }
}
